// The real @kubernetes/client-node 1.4 against the simulated server over
// HTTPS: list with selectors, create, patch with each patch type, delete, 409
// on a stale update. (Informers and the 410 relist: client-node-informer.)
import { ApiException, CoreV1Api, KubeConfig, type KubernetesObject, KubernetesObjectApi, PatchStrategy, RbacAuthorizationV1Api, type V1ConfigMap, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
let core: CoreV1Api;
const NS = 'virtwork';

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels },
  data,
});

/** The ApiException a call fails with. */
async function failure(p: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    return { code: e.code, status: JSON.parse(e.body as string) as Record<string, unknown> };
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
  core = t.kc.makeApiClient(CoreV1Api);
});
afterAll(() => t.stop());

describe('list', () => {
  beforeAll(async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('list-a', { app: 'x', role: 'a' }) });
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('list-b', { app: 'x', role: 'b' }) });
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('list-c', { app: 'y' }) });
  });

  it('lists with label and field selectors and carries the list resourceVersion', async () => {
    const all = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app in (x,y)' });
    expect(all.items.map((o) => o.metadata?.name)).toEqual(['list-a', 'list-b', 'list-c']);
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThan(0);
    const some = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app=x', fieldSelector: 'metadata.name!=list-a' });
    expect(some.items.map((o) => o.metadata?.name)).toEqual(['list-b']);
    const across = await core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${NS},metadata.name=list-c` });
    expect(across.items.map((o) => o.metadata?.name)).toEqual(['list-c']);
  });

  it('a selector on an unsupported field is an ApiException 400 with a Status body', async () => {
    const f = await failure(core.listNamespacedConfigMap({ namespace: NS, fieldSelector: 'status.phase=Running' }));
    expect(f.code).toBe(400);
    expect(f.status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400, message: 'field label not supported: status.phase' });
  });

  it('a field selector takes only =, == and != (no set-based syntax)', async () => {
    const f = await failure(core.listNamespacedConfigMap({ namespace: NS, fieldSelector: 'metadata.name in (list-a)' }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe('BadRequest');
  });

  it('a malformed label selector is a 400', async () => {
    const f = await failure(core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app in (x' }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe('BadRequest');
  });
});

describe('configuration', () => {
  it.each([
    ['skipTLSVerify', { skipTLSVerify: true }],
    ['the cluster CA', { caData: 'ca' }],
  ])('loadFromOptions with %s reaches the HTTPS server', async (_what, tls) => {
    const kc = new KubeConfig();
    const ca = Buffer.from(t.cluster.api.caPem).toString('base64');
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: t.cluster.api.url, ...('caData' in tls ? { caData: ca } : tls) }],
      users: [{ name: 'admin', token: t.cluster.api.adminToken }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'admin' }],
      currentContext: 'sim',
    });
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: NS });
    expect(ns.status?.phase).toBe('Active');
  });
});

describe('create', () => {
  it('stamps uid, creationTimestamp, resourceVersion; generateName is base (cut to 58) + 5 random characters', async () => {
    const made = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { generateName: 'gen-' }, data: { a: 'b' } } });
    expect(made.metadata?.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(made.metadata?.generateName).toBe('gen-');
    expect(made.metadata?.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(made.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(made.metadata?.resourceVersion).toMatch(/^\d+$/);
    const long = 'x'.repeat(70);
    const cut = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { generateName: long } } });
    expect(cut.metadata?.name).toHaveLength(63);
    expect(cut.metadata?.name?.startsWith('x'.repeat(58))).toBe(true);
    expect(cut.metadata?.name?.slice(58)).not.toMatch(/x/);
    const other = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { generateName: 'gen-' } } });
    expect(other.metadata?.name).not.toBe(made.metadata?.name);
  });

  it('AlreadyExists is a 409 with the real message and details', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('dup') });
    const f = await failure(core.createNamespacedConfigMap({ namespace: NS, body: cm('dup') }));
    expect(f.code).toBe(409);
    expect(f.status).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "dup" already exists', details: { name: 'dup', kind: 'configmaps' } });
  });
});

describe('patch', () => {
  it('json-patch is the default Content-Type of client-node 1.4', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('p-json', {}, { a: '1' }) });
    const r = await core.patchNamespacedConfigMap({ name: 'p-json', namespace: NS, body: [{ op: 'add', path: '/data/b', value: '2' }, { op: 'test', path: '/data/a', value: '1' }] });
    expect(r.data).toEqual({ a: '1', b: '2' });
    // A failing `test` op is a 422 and changes nothing.
    const f = await failure(core.patchNamespacedConfigMap({ name: 'p-json', namespace: NS, body: [{ op: 'test', path: '/data/a', value: 'nope' }, { op: 'remove', path: '/data/a' }] }));
    expect(f.code).toBe(422);
    expect((await core.readNamespacedConfigMap({ name: 'p-json', namespace: NS })).data).toEqual({ a: '1', b: '2' });
  });

  it('merge-patch replaces lists and deletes with null', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'p-merge' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'a', old: 'x' } } },
    });
    const r = await core.patchNamespacedService(
      { name: 'p-merge', namespace: NS, body: { spec: { ports: [{ name: 'https', port: 443 }], selector: { old: null } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(r.spec?.ports?.map((p) => p.port)).toEqual([443]);
    expect(r.spec?.selector).toEqual({ app: 'a' });
  });

  it('strategic-merge-patch merges lists by their patch merge key', async () => {
    await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'p-smp' }, spec: { ports: [{ name: 'http', port: 80 }] } } });
    const r = await core.patchNamespacedService(
      { name: 'p-smp', namespace: NS, body: { spec: { ports: [{ name: 'https', port: 443 }] } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(r.spec?.ports?.map((p) => p.port).sort()).toEqual([443, 80]);
    const rbac = t.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({ namespace: NS, body: { metadata: { name: 'p-smp' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] } });
    const role = await rbac.patchNamespacedRole(
      { name: 'p-smp', namespace: NS, body: { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    // rules has no merge key: a strategic patch replaces it.
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]);
  });

  it('server-side apply creates, records the field manager, and conflicts with another manager unless forced', async () => {
    const apply = (data: Record<string, string>, manager: string, force?: boolean) =>
      core.patchNamespacedConfigMap(
        { name: 'p-ssa', namespace: NS, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p-ssa' }, data }, fieldManager: manager, force },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    const created = await apply({ a: '1' }, 'tool-a');
    expect(created.data).toEqual({ a: '1' });
    expect(created.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['tool-a', 'Apply']]);
    const f = await failure(apply({ a: '2' }, 'tool-b'));
    expect(f.code).toBe(409);
    expect(f.status).toMatchObject({ reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "tool-a": .data.a' });
    const forced = await apply({ a: '2' }, 'tool-b', true);
    expect(forced.data).toEqual({ a: '2' });
  });

  it('server-side apply without a fieldManager is a 422 on PatchOptions', async () => {
    const f = await failure(
      core.patchNamespacedConfigMap(
        { name: 'p-ssa', namespace: NS, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p-ssa' } } },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      ),
    );
    expect(f.code).toBe(422);
    expect(f.status.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });

  it('force on a non-apply patch is a 422 on PatchOptions', async () => {
    const f = await failure(
      core.patchNamespacedConfigMap({ name: 'p-ssa', namespace: NS, body: { data: { z: '1' } }, force: true }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
    expect(f.code).toBe(422);
    expect(f.status.message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it('KubernetesObjectApi resolves the plural by discovery and patches strategically by default', async () => {
    const objects = KubernetesObjectApi.makeApiClient(t.kc);
    await objects.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'p-obj', namespace: NS }, spec: { ports: [{ name: 'a', port: 1 }] } } as KubernetesObject);
    const r = (await objects.patch({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'p-obj', namespace: NS }, spec: { ports: [{ name: 'b', port: 2 }] } } as KubernetesObject)) as {
      spec: { ports: { port: number }[] };
    };
    expect(r.spec.ports.map((p) => p.port).sort()).toEqual([1, 2]);
  });
});

describe('update and delete', () => {
  it('an update with a stale resourceVersion is 409 Conflict with the real message', async () => {
    const v1 = await core.createNamespacedConfigMap({ namespace: NS, body: cm('upd', {}, { a: '1' }) });
    const v2 = await core.replaceNamespacedConfigMap({ name: 'upd', namespace: NS, body: { ...v1, data: { a: '2' } } });
    expect(Number(v2.metadata?.resourceVersion)).toBeGreaterThan(Number(v1.metadata?.resourceVersion));
    const f = await failure(core.replaceNamespacedConfigMap({ name: 'upd', namespace: NS, body: { ...v1, data: { a: '3' } } }));
    expect(f.code).toBe(409);
    expect(f.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on configmaps "upd": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'upd', kind: 'configmaps' },
    });
    expect((await core.readNamespacedConfigMap({ name: 'upd', namespace: NS })).data).toEqual({ a: '2' });
  });

  it('a built-in kind may be updated without a resourceVersion (unconditional update)', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('upd-any', {}, { a: '1' }) });
    const r = await core.replaceNamespacedConfigMap({ name: 'upd-any', namespace: NS, body: cm('upd-any', {}, { a: '9' }) });
    expect(r.data).toEqual({ a: '9' });
  });

  it('delete answers a Success Status naming the resource; the object is gone', async () => {
    const made = await core.createNamespacedConfigMap({ namespace: NS, body: cm('del') });
    const r = (await core.deleteNamespacedConfigMap({ name: 'del', namespace: NS })) as unknown as Record<string, unknown>;
    expect(r).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'del', kind: 'configmaps', uid: made.metadata?.uid } });
    const f = await failure(core.readNamespacedConfigMap({ name: 'del', namespace: NS }));
    expect(f.code).toBe(404);
    expect(f.status.message).toBe('configmaps "del" not found');
  });

  it('delete of an object with finalizers sets deletionTimestamp, answers 200 with the object, and it goes when they are removed', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    // client-node types the answer as V1Status; read it off the wire.
    const r = await raw(t.cluster.api, 'DELETE', `/api/v1/namespaces/${NS}/configmaps/fin`);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('ConfigMap');
    expect(r.json.metadata.deletionTimestamp).toMatch(/Z$/);
    const still = await core.readNamespacedConfigMap({ name: 'fin', namespace: NS });
    expect(still.metadata?.deletionTimestamp).toBeDefined();
    expect(still.metadata?.deletionGracePeriodSeconds).toBe(0);
    // No new finalizers on an object being deleted.
    const add = await failure(
      core.patchNamespacedConfigMap({ name: 'fin', namespace: NS, body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
    expect(add.code).toBe(422);
    await core.patchNamespacedConfigMap({ name: 'fin', namespace: NS, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect((await failure(core.readNamespacedConfigMap({ name: 'fin', namespace: NS }))).code).toBe(404);
  });
});
