// Fault injection, off by default: 500/503 answers at a rate, added latency,
// watch connections cut N seconds after they open (already open ones too),
// forced 410s, and a full outage; and what client-node's informer makes of a
// cut connection (an `error`, no restart).
import { CoreV1Api, type V1ConfigMap, makeInformer } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../../src/sim/api/faults.js';
import { eventually, openWatch, raw, sleep } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
const CM = '/api/v1/namespaces/virtwork/configmaps';

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
});
afterEach(() => {
  t.cluster.api.faults.set({ ...NO_FAULTS });
});
afterAll(() => t.stop());

describe('faults', () => {
  it('are off by default', () => {
    expect(t.cluster.api.faults.settings).toEqual(NO_FAULTS);
  });

  it('errorRate 1 answers every resource request with 500 or 503 (503 with Retry-After)', async () => {
    t.cluster.api.faults.set({ errorRate: 1 });
    const codes = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const r = await raw(t.cluster.api, 'GET', CM);
      codes.add(r.status);
      expect(r.json.kind).toBe('Status');
      if (r.status === 503) {
        expect(r.headers['retry-after']).toBe('1');
        expect(r.json.reason).toBe('ServiceUnavailable');
      } else {
        expect(r.json.reason).toBe('InternalError');
      }
    }
    expect([...codes].sort()).toEqual([500, 503]);
  });

  it('errorRate 0.5 fails about half of them', async () => {
    t.cluster.api.faults.set({ errorRate: 0.5 });
    let failed = 0;
    for (let i = 0; i < 200; i++) if ((await raw(t.cluster.api, 'GET', CM)).status >= 500) failed++;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
  });

  it('latencyMs delays every resource request', async () => {
    t.cluster.api.faults.set({ latencyMs: 300 });
    const started = Date.now();
    const r = await raw(t.cluster.api, 'GET', CM);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('dropWatchesAfterSeconds cuts watches that were already open, then new ones after as long', async () => {
    const rv = (await raw(t.cluster.api, 'GET', CM)).json.metadata.resourceVersion;
    const w = await openWatch(t.cluster.api, `${CM}?watch=true&resourceVersion=${rv}`);
    await sleep(300);
    const set = Date.now();
    t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0.5 });
    // Open longer than 0.5 s by now: cut at once, as a reset rather than a clean end.
    expect(await w.ended).toBe('reset');
    expect(Date.now() - set).toBeLessThan(400);
    const opened = Date.now();
    const w2 = await openWatch(t.cluster.api, `${CM}?watch=true&resourceVersion=${rv}`);
    expect(await w2.ended).toBe('reset');
    expect(Date.now() - opened).toBeGreaterThanOrEqual(450);
  });

  it('turning dropWatchesAfterSeconds off spares open watches', async () => {
    t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0.4 });
    const w = await openWatch(t.cluster.api, `${CM}?watch=true&resourceVersion=${(await raw(t.cluster.api, 'GET', CM)).json.metadata.resourceVersion}`);
    t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0 });
    const outcome = await Promise.race([w.ended, sleep(800).then(() => 'open')]);
    expect(outcome).toBe('open');
    w.close();
  });

  it('an outage resets every connection, open watches included, until it is lifted', async () => {
    const w = await openWatch(t.cluster.api, `${CM}?watch=true&resourceVersion=${(await raw(t.cluster.api, 'GET', CM)).json.metadata.resourceVersion}`);
    t.cluster.api.setOutage(true);
    expect(await w.ended).toBe('reset');
    await expect(raw(t.cluster.api, 'GET', CM)).rejects.toThrow(/socket hang up|ECONNRESET/);
    // kubectl retries a reset GET a few times, then gives up.
    const k = await t.kubectl(['get', 'configmaps', '-n', 'virtwork', '--request-timeout=1s'], { timeoutMs: 30_000 });
    expect(k.exitCode).toBe(1);
    expect(k.stderr).toContain('EOF');
    t.cluster.api.setOutage(false);
    expect((await raw(t.cluster.api, 'GET', CM)).status).toBe(200);
    expect((await t.kubectl(['get', 'configmaps', '-n', 'virtwork'])).exitCode).toBe(0);
  });
});

describe('client-node informer under faults', () => {
  it('reports a cut watch as an error and does not restart by itself', async () => {
    const core = t.kc.makeApiClient(CoreV1Api);
    let lists = 0;
    const inf = makeInformer<V1ConfigMap>(t.kc, CM, () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'virtwork' });
    });
    const errors: unknown[] = [];
    const added: string[] = [];
    inf.on('error', (e) => errors.push(e));
    inf.on('add', (o) => added.push(o.metadata!.name!));
    await inf.start();
    try {
      await eventually(() => lists === 1);
      t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0.2 });
      await eventually(() => errors.length === 1);
      t.cluster.api.faults.set({ dropWatchesAfterSeconds: 0 });
      await core.createNamespacedConfigMap({ namespace: 'virtwork', body: { metadata: { name: 'unseen' } } });
      await sleep(300);
      expect(lists).toBe(1);
      expect(added).not.toContain('unseen');
      // The caller restarts it: it resumes from its resourceVersion and catches up.
      await inf.start();
      await eventually(() => added.includes('unseen'));
      expect(lists).toBe(1);
    } finally {
      await inf.stop();
    }
  });

  it('a failed list is an error too', async () => {
    const core = t.kc.makeApiClient(CoreV1Api);
    t.cluster.api.faults.set({ errorRate: 1 });
    const inf = makeInformer<V1ConfigMap>(t.kc, CM, () => core.listNamespacedConfigMap({ namespace: 'virtwork' }));
    const errors: unknown[] = [];
    inf.on('error', (e) => errors.push(e));
    await inf.start();
    await eventually(() => errors.length === 1);
    expect((errors[0] as { code?: number }).code).toBeGreaterThanOrEqual(500);
    await inf.stop();
  });
});
