// observe() and readNamespace() against the simulated cluster: batching, a
// clean stop (no watch left open, even when stopped mid-list), nodes left out
// for a namespace admin, failing fast when the API server is unreachable, the
// run adopted from the controller's status with its records backfilled into
// history, and migrations the history left in flight settled by the first list.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/cluster/connection.js';
import { ClusterError } from '../../src/cluster/errors.js';
import { HistoryFile, historyPath } from '../../src/cluster/history.js';
import { type NamespaceView, type ObserveOptions, observe, readNamespace } from '../../src/cluster/observe.js';
import { LABEL_RUN_ID, STATUS_MAP_NAME } from '../../src/cloudinit/names.js';
import { formatRecord } from '../../src/cloudinit/status-format.js';
import { NO_FAULTS } from '../../src/sim/api/faults.js';
import type { Migration } from '../../src/state/types.js';
import { type TestCluster, testCluster } from '../helpers/sim.js';
import { createMigration, historyLines } from './observe-helpers.js';

const NS = 'virtwork';
const VMI_KEY = 'virtualmachineinstances.kubevirt.io';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestCluster;
let conn: Connection;
/** Every view a test opens is stopped after it, also when an assertion failed half-way. */
const views: NamespaceView[] = [];
function open(c: Connection, opts: ObserveOptions): NamespaceView {
  const v = observe(c, opts);
  views.push(v);
  return v;
}
const env = () => ({ XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'observe-state-')) });
/** Open watches on the simulated server (its fault injection tracks each one). */
const openWatches = () => (t.cluster.api.faults as unknown as { watches: Set<unknown> }).watches.size;

async function until<T>(fn: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  t = await testCluster({ nodes: 3, vms: 6, rwx: true, speed: 20, failureRate: 0, seed: 3, runControllerVms: false });
  conn = connect({ kubeconfig: t.kubeconfigPath, namespace: NS });
});
afterEach(async () => {
  t.cluster.api.faults.set({ ...NO_FAULTS });
  for (const v of views.splice(0)) await v.stop();
  await until(() => openWatches() === 0 || undefined, 5000, 'every watch closed after the test');
});
afterAll(() => t.stop());

describe('observe', () => {
  it('lists everything, then turns a burst of changes into one store update', async () => {
    const view = open(conn, { env: env(), watcher: { batchMs: 50 } });
    await view.waitForSync({ timeoutMs: 30_000, failFast: true });
    const s = view.store.getState();
    expect([...s.fleet.keys()]).toHaveLength(6);
    expect(Object.keys(s.nodes)).toEqual(expect.arrayContaining(['kv-worker-01', 'kv-worker-02', 'kv-worker-03']));
    expect(view.informers().every((i) => i.synced && i.lists === 1)).toBe(true);

    let updates = 0;
    const off = view.store.subscribe((next, prev) => {
      if (next.fleet !== prev.fleet) updates++;
    });
    // Six VMIs relabelled in one go: six watch events, one store update.
    for (const vmi of t.cluster.api.client.list(VMI_KEY, NS)) {
      t.cluster.api.client.modify(VMI_KEY, NS, vmi.metadata.name!, (o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, burst: 'yes' } } }));
    }
    await until(() => [...view.store.getState().fleet.values()].every((v) => v.labels?.burst === 'yes'), 10_000, 'the burst applied');
    off();
    expect(updates).toBe(1);
    await view.stop();
  });

  it('leaves no watch open when stopped while its lists are still on their way', async () => {
    t.cluster.api.faults.set({ latencyMs: 400 });
    const view = open(conn, { env: env() });
    await sleep(150);
    await view.stop();
    const revision = view.store.getState().revision;
    await sleep(1200);
    expect(openWatches()).toBe(0);
    // Nothing reaches the store after stop.
    expect(view.store.getState().revision).toBe(revision);
    await expect(view.waitForSync()).rejects.toThrow('the view was closed before the cluster was listed');
  });

  it('goes without nodes for a namespace admin, live and one-shot', async () => {
    const token = t.cluster.mintUser('ns-admin', [{ name: 'admin', namespace: NS }]);
    const path = join(mkdtempSync(join(tmpdir(), 'observe-admin-')), 'kubeconfig');
    t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor('ns-admin', token));
    const admin = connect({ kubeconfig: path, namespace: NS });
    const view = open(admin, { env: env() });
    await view.waitForSync({ timeoutMs: 30_000, failFast: true });
    expect(view.informers().find((i) => i.resource === 'nodes')).toMatchObject({ synced: true, unavailable: expect.stringContaining('not allowed to watch nodes') });
    expect([...view.store.getState().fleet.keys()]).toHaveLength(6);
    await view.stop();
    const snap = await readNamespace(admin, { env: env() });
    expect(snap.nodesListed).toBe(false);
    expect([...snap.store.getState().fleet.keys()]).toHaveLength(6);
  });

  it('fails fast with one sentence when the API server cannot be reached', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'observe-down-')), 'kubeconfig');
    t.cluster.api.writeKubeconfig(path, { ...t.cluster.api.kubeconfigFor('kubernetes-admin', 'x'), server: 'https://127.0.0.1:1' });
    const down = connect({ kubeconfig: path, namespace: NS });
    const view = open(down, { env: env() });
    const err = await view.waitForSync({ timeoutMs: 20_000, failFast: true }).catch((e: unknown) => e);
    await view.stop();
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as Error).message).toBe('Cannot reach the API server at https://127.0.0.1:1: connection refused. Is the cluster up, and is this the right context?');
    const oneShot = await readNamespace(down, { env: env() }).catch((e: unknown) => e);
    expect(oneShot).toBeInstanceOf(ClusterError);
    expect((oneShot as Error).message).toMatch(/^list ConfigMap virtwork-chaos-migration-status: Cannot reach the API server at https:\/\/127\.0\.0\.1:1: connection refused\./);
  });

  it("follows the run the controller's status names once it appears, backfilling its records into that run's history", async () => {
    const e = env();
    const view = open(conn, { env: e, persistMs: 50 });
    await view.waitForSync({ timeoutMs: 30_000 });
    await until(() => view.historyPath?.endsWith('/no-run.jsonl'), 5000, 'the no-run history chosen');
    expect(view.runId).toBeUndefined();
    // The run's history (of an earlier session) left a migration in flight whose VMIM is gone by now.
    const adoptPath = historyPath({ context: conn.context, namespace: NS, runId: 'adopt-1', env: e });
    mkdirSync(dirname(adoptPath), { recursive: true });
    const left: Migration = { uid: 'left-adopt', name: 'm-left', namespace: NS, vmi: 'virtwork-cpu-0', cause: 'chaos', runId: 'adopt-1', phase: 'Running', phaseTimes: {}, created: '2026-01-01T09:00:00Z', outcome: 'in-flight' };
    writeFileSync(adoptPath, `${JSON.stringify(left)}\n`);
    // A migration of the run whose VMIM KubeVirt has already deleted: only the controller's record knows it.
    const record = { vmi: 'virtwork-cpu-0', migration: 'virtwork-chaos-migration-gone', uid: 'gone-uid', trigger: '2026-01-01T10:00:00Z', result: 'succeeded' as const, source: 'kv-worker-01', target: 'kv-worker-02', duration: 7, reason: '' };
    await conn.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: STATUS_MAP_NAME, labels: { [LABEL_RUN_ID]: 'adopt-1' } }, data: { 'run-id': 'adopt-1', state: 'idle', heartbeat: new Date().toISOString(), records: formatRecord(record) } },
    });
    try {
      await until(() => view.runId === 'adopt-1', 10_000, 'the run adopted');
      expect(view.historyPath).toBe(historyPath({ context: conn.context, namespace: NS, runId: 'adopt-1', env: e }));
      expect(view.store.getState().migrations['gone-uid']).toMatchObject({ cause: 'chaos', runId: 'adopt-1', outcome: 'succeeded', outcomeFrom: 'controller', ended: '2026-01-01T10:00:07Z' });
      // Loaded once the run was known, and settled against the VMIMs listed before: it is not in the cluster.
      await until(() => view.store.getState().migrations['left-adopt']?.outcome === 'failed' || undefined, 5000, 'the left-over settled');
      expect(view.store.getState().migrations['left-adopt']?.outcomeFrom).toBe('inferred');
      await view.stop();
      expect(historyLines(view.historyPath!).map((m) => m.uid).sort()).toEqual(['gone-uid', 'left-adopt']);
    } finally {
      await conn.core.deleteNamespacedConfigMap({ name: STATUS_MAP_NAME, namespace: NS });
    }
  });

  it('settles a migration the history left in flight whose VMIM is gone, live and one-shot, and keeps live ones live', async () => {
    const e = env();
    const uid = await createMigration(conn, 'virtwork-memory-0', { [LABEL_RUN_ID]: 'h-1' });
    const left: Migration = {
      uid: 'left-in-flight',
      name: 'virtwork-chaos-migration-left',
      namespace: NS,
      vmi: 'virtwork-network-0',
      cause: 'chaos',
      runId: 'h-1',
      phase: 'Running',
      phaseTimes: { Running: '2026-01-01T10:00:00Z' },
      created: '2026-01-01T10:00:00Z',
      outcome: 'in-flight',
    };
    const path = historyPath({ context: conn.context, namespace: NS, runId: 'h-1', env: e });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(left)}\n`);

    const snap = await readNamespace(conn, { runId: 'h-1', env: e });
    expect(snap.store.getState().migrations['left-in-flight']).toMatchObject({ outcome: 'failed', outcomeFrom: 'inferred' });
    expect(snap.store.getState().migrations[uid]?.runId).toBe('h-1');

    writeFileSync(path, `${JSON.stringify(left)}\n`);
    const view = open(conn, { runId: 'h-1', env: e });
    await view.waitForSync({ timeoutMs: 30_000 });
    expect(view.store.getState().migrations['left-in-flight']).toMatchObject({ outcome: 'failed', outcomeFrom: 'inferred' });
    await until(() => view.store.getState().migrations[uid]?.outcome === 'succeeded' || undefined, 20_000, 'the live migration finished');
    await view.stop();
    expect(new HistoryFile(path).load().map((m) => m.uid).sort()).toEqual(['left-in-flight', uid].sort());
  });
});
