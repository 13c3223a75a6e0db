import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/sim/api/errors.js';
import { decodeProtobufObject, isProtobufContentType, UnsupportedProtobufKind } from '../../../src/sim/api/protobuf.js';

const fixtureDir = new URL('../../fixtures/protobuf/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(`${name}.bin`, fixtureDir));

const RBAC = 'rbac.authorization.k8s.io';
const AUTHZ = 'authorization.k8s.io/v1';

// Bodies kubectl 1.32/1.33 really sent (see test/fixtures/protobuf/README.md).
const expected: Record<string, Record<string, unknown>> = {
  'ssar-list-pods': {
    apiVersion: AUTHZ,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
  },
  'ssar-subresource': {
    apiVersion: AUTHZ,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods', subresource: 'log' } },
  },
  'ssar-named': {
    apiVersion: AUTHZ,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'team-a', verb: 'delete', resource: 'secrets', name: 'db-pass' } },
  },
  'ssar-group': {
    apiVersion: AUTHZ,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { verb: 'create', group: RBAC, resource: 'roles' } },
  },
  'ssar-nonresource': {
    apiVersion: AUTHZ,
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
  },
  'ssrr-list': { apiVersion: AUTHZ, kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'team-a' } },
  namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns-a' } },
  'namespace-save-config': {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'ns-b',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration':
          '{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"ns-b","creationTimestamp":null},"spec":{},"status":{}}\n',
      },
    },
  },
  configmap: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm1', namespace: 'team-a' },
    data: { a: '1', b: 'two', 'text.txt': 'hello\n' },
    binaryData: { 'blob.bin': 'AAEC//5iaW4=' },
  },
  'configmap-dry-run': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2' }, data: { k: 'v' } },
  'secret-generic': {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's1', namespace: 'team-a' },
    data: { 'blob.bin': 'AAEC//5iaW4=', pass: 'cEBzcw==', user: 'YWRtaW4=' },
  },
  'secret-basic-auth': {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's2' },
    data: { password: 'cA==', username: 'dQ==' },
    type: 'kubernetes.io/basic-auth',
  },
  'secret-docker-registry': {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'reg', namespace: 'team-a' },
    data: {
      '.dockerconfigjson': Buffer.from(
        '{"auths":{"r.example":{"username":"u","password":"p","email":"u@example.com","auth":"dTpw"}}}',
      ).toString('base64'),
    },
    type: 'kubernetes.io/dockerconfigjson',
  },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1', namespace: 'team-a' } },
  'serviceaccount-save-config': {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: 'sa2',
      namespace: 'team-a',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration':
          '{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa2","namespace":"team-a","creationTimestamp":null}}\n',
      },
    },
  },
  role: {
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: { name: 'r1', namespace: 'team-a' },
    rules: [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'configmaps'], resourceNames: ['x'] },
      { verbs: ['get', 'list'], apiGroups: [RBAC], resources: ['roles'], resourceNames: ['x'] },
    ],
  },
  rolebinding: {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'rb1', namespace: 'team-a' },
    subjects: [
      { kind: 'User', apiGroup: RBAC, name: 'alice' },
      { kind: 'Group', apiGroup: RBAC, name: 'devs' },
      { kind: 'ServiceAccount', name: 'sa1', namespace: 'team-a' },
    ],
    roleRef: { apiGroup: RBAC, kind: 'Role', name: 'r1' },
  },
  clusterrole: {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'cr1' },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics'] }],
  },
  'clusterrole-aggregate': {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: { name: 'cr2' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' } }] },
  },
  clusterrolebinding: {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'crb1' },
    subjects: [
      { kind: 'User', apiGroup: RBAC, name: 'bob' },
      { kind: 'Group', apiGroup: RBAC, name: 'ops' },
    ],
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cr1' },
  },
};

/** Drops what Go's encoding/json adds for unset fields (null, {}, "", false, 0, []), so JSON and protobuf bodies compare. */
function withoutGoZeroValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutGoZeroValues);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    const c = withoutGoZeroValues(child);
    const empty = c === null || c === '' || c === false || c === 0 || (typeof c === 'object' && Object.keys(c).length === 0);
    if (!empty) out[k] = c;
  }
  return out;
}

type Part = (w: protobuf.Writer) => void;
const encode = (...parts: Part[]): Uint8Array => {
  const w = protobuf.Writer.create();
  for (const p of parts) p(w);
  return w.finish();
};
const str = (field: number, s: string): Part => (w) => void w.uint32((field << 3) | 2).string(s);
const varint = (field: number, n: number | boolean): Part => (w) => void w.uint32(field << 3).int64(Number(n));
const bytes = (field: number, b: Uint8Array): Part => (w) => void w.uint32((field << 3) | 2).bytes(b);
const sub = (field: number, ...parts: Part[]): Part => bytes(field, encode(...parts));
const entry = (field: number, key: string, value: string): Part => sub(field, str(1, key), str(2, value));
const envelope = (apiVersion: string, kind: string, raw: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from('k8s\0'), encode(sub(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), str(3, ''), str(4, ''))]);

function decodeError(body: Buffer): unknown {
  try {
    decodeProtobufObject(body);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('isProtobufContentType', () => {
  it('matches the Kubernetes protobuf media type, with or without parameters', () => {
    expect(isProtobufContentType('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(isProtobufContentType('Application/VND.Kubernetes.Protobuf; charset=utf-8')).toBe(true);
    expect(isProtobufContentType('application/json')).toBe(false);
    expect(isProtobufContentType('application/vnd.kubernetes.protobuf+json')).toBe(false);
    expect(isProtobufContentType(undefined)).toBe(false);
    expect(isProtobufContentType('')).toBe(false);
  });
});

describe('decodeProtobufObject on real kubectl bodies', () => {
  for (const [name, json] of Object.entries(expected)) {
    it(`decodes ${name}.bin`, () => {
      expect(decodeProtobufObject(fixture(name))).toEqual(json);
    });

    it(`matches what kubectl 1.31 sent as JSON for ${name}`, () => {
      const sentAsJson: unknown = JSON.parse(readFileSync(new URL(`${name}.kubectl-1.31.json`, fixtureDir), 'utf8'));
      expect(withoutGoZeroValues(decodeProtobufObject(fixture(name)))).toEqual(withoutGoZeroValues(sentAsJson));
    });
  }

  it('puts apiVersion, kind and metadata first', () => {
    expect(Object.keys(decodeProtobufObject(fixture('rolebinding')))).toEqual(['apiVersion', 'kind', 'metadata', 'subjects', 'roleRef']);
  });

  it('refuses kinds it has no schema for (kubectl create token)', () => {
    const err = decodeError(fixture('token-request'));
    expect(err).toBeInstanceOf(UnsupportedProtobufKind);
    expect(err).toMatchObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' });
  });
});

describe('decodeProtobufObject field mapping', () => {
  it('maps every ObjectMeta field a client may send, keeping Go pointer fields set to false or 0', () => {
    const managedFields = '{"f:data":{"f:k":{}}}';
    const raw = encode(
      sub(
        1,
        str(1, ''),
        str(2, 'gen-'),
        str(3, 'team-a'),
        str(4, ''),
        str(5, 'uid-1'),
        str(6, '42'),
        varint(7, 3),
        sub(8, varint(1, 1_700_000_000), varint(2, 5)),
        sub(9),
        varint(10, 0),
        entry(11, 'app', 'web'),
        entry(11, 'empty', ''),
        entry(12, 'note', 'x'),
        sub(13, str(1, 'Deployment'), str(3, 'web'), str(4, 'uid-0'), str(5, 'apps/v1'), varint(6, true), varint(7, false)),
        str(14, 'example.com/a'),
        str(14, 'example.com/b'),
        sub(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), sub(4, varint(1, 0)), str(6, 'FieldsV1'), sub(7, str(1, managedFields)), str(8, '')),
      ),
      sub(2, str(1, 'Secret'), str(2, 'team-a'), str(3, 'builder'), str(5, 'v1')),
      sub(3, str(1, 'pull-secret')),
      varint(4, false),
    );
    expect(decodeProtobufObject(envelope('v1', 'ServiceAccount', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        generateName: 'gen-',
        namespace: 'team-a',
        uid: 'uid-1',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2023-11-14T22:13:20Z',
        deletionGracePeriodSeconds: 0,
        labels: { app: 'web', empty: '' },
        annotations: { note: 'x' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-0', controller: true, blockOwnerDeletion: false }],
        finalizers: ['example.com/a', 'example.com/b'],
        managedFields: [
          { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '1970-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } },
        ],
      },
      secrets: [{ kind: 'Secret', namespace: 'team-a', name: 'builder', apiVersion: 'v1' }],
      imagePullSecrets: [{ name: 'pull-secret' }],
      automountServiceAccountToken: false,
    });
  });

  it('keeps immutable, stringData and empty values of Secret and ConfigMap', () => {
    const secret = encode(sub(1, str(1, 's')), entry(2, 'empty', ''), str(3, 'Opaque'), entry(4, 'plain', 'text'), varint(5, true));
    expect(decodeProtobufObject(envelope('v1', 'Secret', secret))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { empty: '' },
      type: 'Opaque',
      stringData: { plain: 'text' },
      immutable: true,
    });
    const configMap = encode(sub(1, str(1, 'c')), entry(2, 'k', ''), varint(4, false));
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', configMap))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { k: '' },
      immutable: false,
    });
  });

  it('maps SelfSubjectAccessReview selectors and Namespace spec and status', () => {
    const ssar = encode(
      sub(1),
      sub(
        2,
        sub(
          1,
          str(2, 'list'),
          str(5, 'pods'),
          sub(8, str(1, 'spec.nodeName=n1')),
          sub(9, sub(2, str(1, 'app'), str(2, 'In'), str(3, 'web'), str(3, 'db'))),
        ),
      ),
      sub(3, varint(1, false), str(2, ''), str(3, ''), varint(4, false)),
    );
    expect(decodeProtobufObject(envelope(AUTHZ, 'SelfSubjectAccessReview', ssar))).toEqual({
      apiVersion: AUTHZ,
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          verb: 'list',
          resource: 'pods',
          fieldSelector: { rawSelector: 'spec.nodeName=n1' },
          labelSelector: { requirements: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] },
        },
      },
    });
    const ns = encode(sub(1, str(1, 'ns')), sub(2, str(1, 'kubernetes')), sub(3, str(1, 'Terminating'), sub(2, str(1, 'NamespaceDeletionContentFailure'), str(2, 'True'), sub(4, varint(1, 0)))));
    expect(decodeProtobufObject(envelope('v1', 'Namespace', ns))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'True', lastTransitionTime: '1970-01-01T00:00:00Z' }] },
    });
  });
});

describe('decodeProtobufObject on malformed bodies', () => {
  const badRequest = { code: 400, reason: 'BadRequest' };

  it('rejects a body without the k8s\\0 prefix', () => {
    const err = decodeError(Buffer.from('{"kind":"Namespace"}'));
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toMatchObject(badRequest);
    expect(decodeError(Buffer.from('k8s'))).toMatchObject(badRequest);
  });

  it('rejects truncated or garbled protobuf', () => {
    const whole = fixture('rolebinding');
    expect(decodeError(whole.subarray(0, whole.length - 30))).toMatchObject(badRequest);
    expect(decodeError(Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0f, 0xff, 0xff])]))).toMatchObject(badRequest);
    expect(decodeError(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x7f, 0x01])))).toMatchObject(badRequest);
  });

  it('rejects an envelope without kind or apiVersion', () => {
    expect(decodeError(envelope('v1', '', encode()))).toMatchObject({ ...badRequest, message: "Object 'Kind' is missing in protobuf body" });
    expect(decodeError(envelope('', 'Namespace', encode()))).toMatchObject({
      ...badRequest,
      message: "Object 'apiVersion' is missing in protobuf body",
    });
  });

  it('names the apiVersion and kind of an unsupported object', () => {
    const err = decodeError(envelope('apps/v1', 'Deployment', encode(sub(1, str(1, 'web')))));
    expect(err).toBeInstanceOf(UnsupportedProtobufKind);
    expect(err).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  });
});
