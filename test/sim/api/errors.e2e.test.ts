// Errors as real Status objects: the reasons, codes, details and message forms
// of a kube-apiserver, and how kubectl prints them (`Error from server
// (Reason): message`, `The <Kind> "<name>" is invalid: ...`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { raw } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
const CM = '/api/v1/namespaces/virtwork/configmaps';
const cm = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
  t.cluster.api.client.create('configmaps', { ...cm('exists'), metadata: { name: 'exists', namespace: 'virtwork' } });
});
afterAll(() => t.stop());

describe('Status bodies', () => {
  it('NotFound: 404 with name, kind (the resource) and, for grouped resources, group', async () => {
    const r = await raw(t.cluster.api, 'GET', `${CM}/nope`);
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' },
      code: 404,
    });
    const role = await raw(t.cluster.api, 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/virtwork/roles/nope');
    expect(role.json).toMatchObject({ message: 'roles.rbac.authorization.k8s.io "nope" not found', details: { name: 'nope', group: 'rbac.authorization.k8s.io', kind: 'roles' } });
  });

  it('an unknown path or resource is a 404 "the server could not find the requested resource"', async () => {
    for (const p of ['/api/v1/namespaces/virtwork/pods', '/apis/nope.example.com/v1/things', '/nothing-here']) {
      const r = await raw(t.cluster.api, 'GET', p);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
    }
  });

  it('Invalid: 422 with the field causes and the real name message', async () => {
    const r = await raw(t.cluster.api, 'POST', CM, { body: cm('Bad_Name', { data: { 'bad key!': 'x' } }) });
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    expect(r.json.details).toMatchObject({ name: 'Bad_Name', kind: 'ConfigMap' });
    expect(r.json.details.causes).toEqual([
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' }),
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'data[bad key!]' }),
    ]);
    expect(r.json.message).toMatch(/^ConfigMap "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
  });

  it('Invalid: an immutable field', async () => {
    t.cluster.api.client.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'typed', namespace: 'virtwork' }, type: 'Opaque' });
    const r = await raw(t.cluster.api, 'PATCH', '/api/v1/namespaces/virtwork/secrets/typed', { body: { type: 'kubernetes.io/tls' }, contentType: 'application/merge-patch+json' });
    expect(r.status).toBe(422);
    expect(r.json.message).toBe('Secret "typed" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable');
  });

  it('BadRequest: apiVersion, kind, namespace and name disagreeing with the URL', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', CM, { ...cm('a'), apiVersion: 'v2' }, 'the API version in the data (v2) does not match the expected API version (v1)'],
      ['POST', CM, { ...cm('a'), kind: 'Secret' }, 'the kind in the data (Secret) does not match the expected kind (ConfigMap)'],
      ['POST', CM, { ...cm('a'), metadata: { name: 'a', namespace: 'default' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
      ['PUT', `${CM}/exists`, cm('other'), 'the name of the object (other) does not match the name on the URL (exists)'],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await raw(t.cluster.api, method, path, { body: body as object });
      expect([r.status, r.json.reason, r.json.message]).toEqual([400, 'BadRequest', message]);
    }
  });

  it('BadRequest: a patch that renames the object or moves it to another namespace', async () => {
    const rename = await raw(t.cluster.api, 'PATCH', `${CM}/exists`, { body: { metadata: { name: 'renamed' } }, contentType: 'application/merge-patch+json' });
    expect([rename.status, rename.json.message]).toEqual([400, 'the name of the object (renamed) does not match the name on the URL (exists)']);
    const move = await raw(t.cluster.api, 'PATCH', `${CM}/exists`, { body: { metadata: { namespace: 'default' } }, contentType: 'application/merge-patch+json' });
    expect([move.status, move.json.message]).toEqual([400, 'the namespace of the object (default) does not match the namespace on the URL (virtwork)']);
  });

  it('a namespace on a cluster-scoped object is dropped, not refused', async () => {
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scoped', namespace: 'virtwork' } } });
    expect(r.status).toBe(201);
    expect(r.json.metadata.namespace).toBeUndefined();
  });

  it('BadRequest: a body that is not JSON', async () => {
    const r = await raw(t.cluster.api, 'POST', CM, { body: '{not json' });
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe('BadRequest');
  });

  it('NotFound for a write into a namespace that does not exist', async () => {
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces/ghost/configmaps', { body: cm('a') });
    expect(r.status).toBe(404);
    expect(r.json.message).toBe('namespaces "ghost" not found');
  });

  it('Forbidden for a create in a terminating namespace', async () => {
    t.cluster.api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'closing' } });
    t.cluster.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'closing', finalizers: ['example.com/hold'] } });
    const del = await raw(t.cluster.api, 'DELETE', '/api/v1/namespaces/closing');
    expect(del.status).toBe(200);
    expect(del.json.status.phase).toBe('Terminating');
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces/closing/configmaps', { body: cm('late') });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ reason: 'Forbidden', message: 'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated' });
  });

  it('Conflict for delete preconditions that do not hold', async () => {
    const r = await raw(t.cluster.api, 'DELETE', `${CM}/exists`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } } });
    expect(r.status).toBe(409);
    expect(r.json.message).toMatch(/^Operation cannot be fulfilled on configmaps "exists": Precondition failed: UID in precondition: not-the-uid, UID in object meta: [0-9a-f-]{36}$/);
  });

  it('MethodNotAllowed for a verb the resource does not serve', async () => {
    const r = await raw(t.cluster.api, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect(r.status).toBe(405);
    expect(r.json.reason).toBe('MethodNotAllowed');
  });

  it('UnsupportedMediaType for a patch type the server does not know', async () => {
    const r = await raw(t.cluster.api, 'PATCH', `${CM}/exists`, { body: {}, contentType: 'application/json' });
    expect(r.status).toBe(415);
    expect(r.json.reason).toBe('UnsupportedMediaType');
    expect(r.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json',
    );
  });

  it('Expired (410) for a continue token older than the server keeps', async () => {
    for (let i = 0; i < 5; i++) t.cluster.api.client.create('configmaps', { ...cm(`page-${i}`), metadata: { name: `page-${i}`, namespace: 'virtwork' } });
    const first = await raw(t.cluster.api, 'GET', `${CM}?limit=2`);
    expect(first.json.metadata.continue).toBeTruthy();
    t.cluster.api.client.create('configmaps', { ...cm('before-compaction'), metadata: { name: 'before-compaction', namespace: 'virtwork' } });
    t.cluster.api.store.compactAll();
    const r = await raw(t.cluster.api, 'GET', `${CM}?limit=2&continue=${encodeURIComponent(first.json.metadata.continue)}`);
    expect(r.status).toBe(410);
    expect(r.json.reason).toBe('Expired');
    expect(r.json.message).toMatch(/^The provided continue parameter is too old to display a consistent list result/);
  });

  it('a create carrying a resourceVersion is the storage layer’s reasonless 500', async () => {
    const r = await raw(t.cluster.api, 'POST', CM, { body: { ...cm('rv'), metadata: { name: 'rv', resourceVersion: '5' } } });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
  });
});

describe('how kubectl prints them', () => {
  it('Error from server (NotFound)', async () => {
    const r = await t.kubectl(['get', 'configmap', 'nope', '-n', 'virtwork']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): configmaps "nope" not found');
  });

  it('Invalid, in kubectl’s own form', async () => {
    const r = await t.kubectl(['create', '-f', '-'], { input: JSON.stringify({ ...cm('Bad_Name'), metadata: { name: 'Bad_Name', namespace: 'virtwork' } }) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^The ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    // Imperative creates wrap it in their own words.
    const imperative = await t.kubectl(['create', 'configmap', 'Bad_Name', '-n', 'virtwork']);
    expect(imperative.stderr).toMatch(/^error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata\.name/);
  });

  it('Error from server (BadRequest) for an unparsable label selector', async () => {
    const r = await t.kubectl(['get', 'configmaps', '-n', 'virtwork', '-l', 'a in (b']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('unable to parse requirement');
  });
});
