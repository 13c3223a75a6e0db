// client-node 1.4's informers against the simulated server: makeInformer and
// ListWatch list, then watch with the list's resourceVersion and selectors; a
// relabelled object leaves the selection as a delete; after a cut connection
// the caller restarts the informer, whose resumed watch gets 410
// (expireNextWatches) and relists, firing delete for what vanished.
import { CoreV1Api, type Informer, type KubernetesObject, ListWatch, PatchStrategy, type V1ConfigMap, Watch, makeInformer, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep } from '../../helpers/https.js';
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

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
  core = t.kc.makeApiClient(CoreV1Api);
});
afterAll(() => t.stop());

describe('informer', () => {
  const path = `/api/v1/namespaces/${NS}/configmaps`;

  function record(inf: Informer<V1ConfigMap>) {
    const log: string[] = [];
    const errors: unknown[] = [];
    inf.on('add', (o) => log.push(`add ${o.metadata?.name}`));
    inf.on('update', (o) => log.push(`update ${o.metadata?.name}`));
    inf.on('delete', (o) => log.push(`delete ${o.metadata?.name}`));
    inf.on('error', (e) => errors.push(e));
    return { log, errors };
  }

  it('makeInformer lists, then watches: add, update, delete, and a label selector applied to the watch', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('inf-pre', { informer: 'yes' }) });
    const inf = makeInformer(t.kc, path, () => core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'informer=yes' }), 'informer=yes');
    const { log, errors } = record(inf);
    await inf.start();
    try {
      await eventually(() => log.includes('add inf-pre'));
      await core.createNamespacedConfigMap({ namespace: NS, body: cm('inf-new', { informer: 'yes' }) });
      await core.createNamespacedConfigMap({ namespace: NS, body: cm('inf-other', { informer: 'no' }) });
      await core.patchNamespacedConfigMap({ name: 'inf-new', namespace: NS, body: { data: { x: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'inf-pre', namespace: NS });
      // Relabelled out of the selector: the watch reports it as deleted.
      await core.patchNamespacedConfigMap({ name: 'inf-new', namespace: NS, body: { metadata: { labels: { informer: 'no' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await eventually(() => log.length >= 5);
      expect(log).toEqual(['add inf-pre', 'add inf-new', 'update inf-new', 'delete inf-pre', 'delete inf-new']);
      expect(inf.list()).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await inf.stop();
    }
  });

  it('relists after a 410 (expireNextWatches), firing delete for what vanished meanwhile', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('rl-1', { relist: 'yes' }) });
    await core.createNamespacedConfigMap({ namespace: NS, body: cm('rl-2', { relist: 'yes' }) });
    let lists = 0;
    const inf = new ListWatch<V1ConfigMap>(
      path,
      new Watch(t.kc),
      () => {
        lists++;
        return core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'relist=yes' });
      },
      false,
      'relist=yes',
    );
    const { log, errors } = record(inf);
    await inf.start();
    try {
      await eventually(() => log.length === 2);
      expect(lists).toBe(1);
      // Cut the watch; the informer reports the reset and the caller restarts it.
      t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0.2 });
      await eventually(() => errors.length === 1);
      t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0, expireNextWatches: 1 });
      await core.deleteNamespacedConfigMap({ name: 'rl-1', namespace: NS });
      await core.createNamespacedConfigMap({ namespace: NS, body: cm('rl-3', { relist: 'yes' }) });
      await inf.start();
      // The resumed watch got ERROR 410 then end of stream: the informer relisted.
      await eventually(() => lists === 2 && log.includes('add rl-3') && log.includes('delete rl-1'));
      expect(t.cluster.api.faults.settings.expireNextWatches).toBe(0);
      expect(inf.list().map((o) => o.metadata?.name).sort()).toEqual(['rl-2', 'rl-3']);
      // And it is watching again.
      await core.createNamespacedConfigMap({ namespace: NS, body: cm('rl-4', { relist: 'yes' }) });
      await eventually(() => log.includes('add rl-4'));
      expect(errors).toHaveLength(1);
    } finally {
      t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0, expireNextWatches: 0 });
      await inf.stop();
    }
  });

  it('the Watch helper streams typed events from a resourceVersion and honours a fieldSelector', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    const seen: string[] = [];
    const w = await new Watch(t.kc).watch(
      path,
      { resourceVersion: list.metadata?.resourceVersion, fieldSelector: 'metadata.name=w-target' },
      (type, obj: KubernetesObject) => seen.push(`${type} ${obj.metadata?.name}`),
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({ namespace: NS, body: cm('w-other') });
      await core.createNamespacedConfigMap({ namespace: NS, body: cm('w-target') });
      await core.deleteNamespacedConfigMap({ name: 'w-target', namespace: NS });
      await eventually(() => seen.length >= 2);
      await sleep(100);
      expect(seen).toEqual(['ADDED w-target', 'DELETED w-target']);
    } finally {
      w.abort();
    }
  });
});
