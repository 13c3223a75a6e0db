// Request bodies in the media types kubectl sends: Kubernetes protobuf from
// kubectl 1.32+ for imperative creates (decoded for namespace, configmap,
// secret, serviceaccount, role, rolebinding; 415 for kinds it cannot decode),
// no Content-Type at all from `kubectl replace --raw` (JSON), and 415 for media
// types the server does not speak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
const get = (resource: string, name: string, ns = 'virtwork') => t.cluster.api.client.get(resource, ns, name);

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
});
afterAll(() => t.stop());

describe('protobuf request bodies (kubectl 1.32+ imperative creates)', () => {
  it.each([32, 33])('kubectl 1.%s create namespace|configmap|secret|serviceaccount|role|rolebinding', async (minor) => {
    const ns = `imperative-${minor}`;
    const k = (args: string[]) => t.kubectl(args, { minor });
    const steps = [
      ['create', 'namespace', ns],
      ['create', 'configmap', 'cm', '-n', ns, '--from-literal=a=b', '--from-literal=c=d'],
      ['create', 'secret', 'generic', 'sec', '-n', ns, '--from-literal=password=s3cret'],
      ['create', 'serviceaccount', 'sa', '-n', ns],
      ['create', 'role', 'reader', '-n', ns, '--verb=get,list', '--resource=configmaps', '--resource-name=cm'],
      ['create', 'rolebinding', 'rb', '-n', ns, '--role=reader', `--serviceaccount=${ns}:sa`],
    ];
    for (const s of steps) {
      const r = await k(s);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    }
    const c = t.cluster.api.client;
    expect(c.get('namespaces', undefined, ns)!.status).toEqual({ phase: 'Active' });
    expect(c.get('configmaps', ns, 'cm')!.data).toEqual({ a: 'b', c: 'd' });
    expect(c.get('secrets', ns, 'sec')!.data).toEqual({ password: Buffer.from('s3cret').toString('base64') });
    expect(c.get('secrets', ns, 'sec')!.type).toBe('Opaque');
    expect(c.get('serviceaccounts', ns, 'sa')).toBeDefined();
    expect(c.get('roles.rbac.authorization.k8s.io', ns, 'reader')!.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['cm'], verbs: ['get', 'list'] },
    ]);
    expect(c.get('rolebindings.rbac.authorization.k8s.io', ns, 'rb')!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'sa', namespace: ns }]);
  });

  it('the same imperative creates from 1.31 (JSON) give the same objects', async () => {
    const r = await t.kubectl(['create', 'configmap', 'json-cm', '-n', 'virtwork', '--from-literal=a=b'], { minor: 31 });
    expect(r.exitCode).toBe(0);
    expect(get('configmaps', 'json-cm')!.data).toEqual({ a: 'b' });
  });

  it('answers 415 UnsupportedMediaType to a protobuf body of a kind it cannot decode', async () => {
    // kubectl 1.32 sends `create service` as protobuf; this server decodes only the kinds above.
    const r = await t.kubectl(['create', 'service', 'clusterip', 'svc', '-n', 'virtwork', '--tcp=80:80']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('the body of the request was in an unknown format - accepted media types include: application/json');
    expect(get('services', 'svc')).toBeUndefined();
  });

  it('refuses bytes without the k8s protobuf envelope with 400', async () => {
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces/virtwork/configmaps', { body: Buffer.from('not protobuf'), contentType: 'application/vnd.kubernetes.protobuf' });
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe('BadRequest');
  });

  it('answers 415 to a media type it does not speak', async () => {
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces/virtwork/configmaps', { body: '<xml/>', contentType: 'application/xml' });
    expect(r.status).toBe(415);
    expect(r.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'UnsupportedMediaType',
      code: 415,
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
  });
});

describe('a body with no Content-Type is JSON', () => {
  it('kubectl replace --raw (which sends none) replaces the object', async () => {
    t.cluster.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rawrep', namespace: 'virtwork' }, data: { a: '1' } });
    const live = get('configmaps', 'rawrep')!;
    const body = JSON.stringify({ ...live, data: { a: 'raw' } });
    const r = await t.kubectl(['replace', '--raw', '/api/v1/namespaces/virtwork/configmaps/rawrep', '-f', '-'], { input: body });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).data).toEqual({ a: 'raw' });
    expect(get('configmaps', 'rawrep')!.data).toEqual({ a: 'raw' });
  });

  it('a raw POST without Content-Type creates', async () => {
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces/virtwork/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-ct' } },
      contentType: null,
    });
    expect(r.status).toBe(201);
    expect(r.json.metadata.namespace).toBe('virtwork');
  });
});
