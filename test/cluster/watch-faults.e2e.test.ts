// The watcher under the simulator's fault injection, with the real
// client-node: watches cut every two seconds, resumes answered 410 Expired,
// 5% of requests failing with 500/503, and a full outage of a few seconds,
// while migrations run. Once the faults stop, the view's store must equal a
// fresh list of the cluster, and the run's history file must hold every
// migration exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/cluster/connection.js';
import { HistoryFile } from '../../src/cluster/history.js';
import { observe, type NamespaceView } from '../../src/cluster/observe.js';
import { LABEL_RUN_ID } from '../../src/cloudinit/names.js';
import { NO_FAULTS } from '../../src/sim/api/faults.js';
import { type TestCluster, testCluster } from '../helpers/sim.js';
import { allFinal, converges, createMigration, historyLines, retried } from './observe-helpers.js';

const RUN = 'fault-run';
const VMIS = ['virtwork-cpu-0', 'virtwork-memory-0', 'virtwork-disk-0', 'virtwork-database-0'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestCluster;
let conn: Connection;
let stateHome: string;

beforeAll(async () => {
  // rwx: every seeded VMI is live-migratable; no controller VM: the test makes the migrations.
  t = await testCluster({ nodes: 3, vms: 4, rwx: true, speed: 20, failureRate: 0.2, seed: 5, runControllerVms: false });
  conn = connect({ kubeconfig: t.kubeconfigPath, namespace: 'virtwork' });
  stateHome = mkdtempSync(join(tmpdir(), 'watch-faults-state-'));
});
afterAll(async () => {
  t.cluster.api.faults.set({ ...NO_FAULTS });
  await t.stop();
});

/** A view that follows no run (no controller is deployed here): its history is the namespace's no-run file, which keeps every migration. */
function open(): NamespaceView {
  return observe(conn, { env: { XDG_STATE_HOME: stateHome }, persistMs: 200, watcher: { backoffMs: [100, 2000] } });
}

/** Migrates each VMI `rounds` times, one migration of a VMI at a time, VMIs in parallel; returns the uids. */
async function migrateAll(rounds: number, labelled: (i: number) => boolean): Promise<string[]> {
  const uids: string[] = [];
  await Promise.all(
    VMIS.map(async (vmi, v) => {
      for (let i = 0; i < rounds; i++) {
        const uid = await createMigration(conn, vmi, labelled(v * rounds + i) ? { [LABEL_RUN_ID]: RUN } : {});
        uids.push(uid);
        // The next one only once this one is final: KubeVirt refuses two in flight for one VMI.
        for (;;) {
          const m = (await retried(() => conn.custom.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: 'virtwork', plural: 'virtualmachineinstancemigrations' }), 'list')) as {
            items: { metadata: { uid: string }; status?: { phase?: string } }[];
          };
          const phase = m.items.find((o) => o.metadata.uid === uid)?.status?.phase;
          if (phase === 'Succeeded' || phase === 'Failed') break;
          await sleep(150);
        }
      }
    }),
  );
  return uids;
}

describe('watching under faults', () => {
  it('converges to the cluster after dropped watches, forced 410s and 5% failing requests, and keeps every migration once in history', async () => {
    const view = open();
    await view.waitForSync({ timeoutMs: 30_000 });
    expect([...view.store.getState().fleet.keys()].sort()).toEqual([...VMIS].sort());

    const faults = t.cluster.api.faults;
    faults.set({ errorRate: 0.05, dropWatchesAfterSeconds: 2, expireNextWatches: 2 });
    // More forced 410s as the run goes on: every resume in a while is answered "too old".
    const expiring = setInterval(() => faults.set({ expireNextWatches: 2 }), 3000);
    let uids: string[];
    const started = Date.now();
    try {
      uids = await migrateAll(4, (i) => i % 2 === 0);
      // Faults for at least ten seconds, whatever the migrations took.
      await sleep(Math.max(0, 10_000 - (Date.now() - started)));
    } finally {
      clearInterval(expiring);
      faults.set({ ...NO_FAULTS });
    }
    const faultyMs = Date.now() - started;
    const final = await allFinal(conn);
    expect(final.map((m) => m.metadata.uid).sort()).toEqual([...uids].sort());

    const restarts = view.informers().reduce((n, s) => n + s.restarts, 0);
    const relists = view.informers().reduce((n, s) => n + s.lists - 1, 0);
    // The faults did reach the watches: restarts after cut connections and 5xx, relists after 410s.
    expect(restarts).toBeGreaterThan(3);
    expect(relists).toBeGreaterThan(0);
    const tookMs = await converges(conn, () => view.store.getState(), 30_000);
    console.log(`watch faults: ${uids.length} migrations under faults for ${faultyMs} ms, ${restarts} informer restarts, ${relists} relists; converged ${tookMs} ms after the faults stopped`);

    await view.stop();
    expect(view.historyPath).toMatch(/\/no-run\.jsonl$/);
    const lines = historyLines(view.historyPath!);
    // At rest the file holds one line per migration, every one of them, each as it ended.
    expect(lines.map((m) => m.uid).sort()).toEqual([...uids].sort());
    const phases = new Map(final.map((m) => [m.metadata.uid as string, m.status.phase as string]));
    for (const m of lines) {
      if (phases.get(m.uid) === 'Succeeded') expect(m.outcome).toBe('succeeded');
      else expect(['failed', 'aborted']).toContain(m.outcome);
      expect(m.outcomeFrom).toBe('vmim');
      expect(m.cause).toBe(m.runId === RUN ? 'chaos' : 'other');
    }
    expect(new HistoryFile(view.historyPath!).load()).toHaveLength(uids.length);
  });

  it('recovers from an API outage of a few seconds while migrations finish', async () => {
    const view = open();
    await view.waitForSync({ timeoutMs: 30_000 });
    const uids = await Promise.all(VMIS.slice(0, 3).map((vmi) => createMigration(conn, vmi)));
    const outageStarted = Date.now();
    t.cluster.api.setOutage(true);
    // The migrations go on inside the cluster while nobody can reach it.
    await sleep(4000);
    const inOutage = view.informers();
    t.cluster.api.setOutage(false);
    expect(inOutage.some((s) => s.error !== undefined)).toBe(true);
    await allFinal(conn);
    const tookMs = await converges(conn, () => view.store.getState(), 30_000);
    console.log(`outage: 4 s down; converged ${tookMs} ms after it ended (${Date.now() - outageStarted} ms after it began)`);
    for (const uid of uids) expect(view.store.getState().migrations[uid]?.outcome).not.toBe('in-flight');
    expect(view.store.getState().health.vmis?.connected).toBe(true);
    await view.stop();
    // The same file as the first test's: every migration of the namespace, each once.
    const all = (await allFinal(conn)).map((m) => m.metadata.uid as string);
    expect(historyLines(view.historyPath!).map((m) => m.uid).sort()).toEqual(all.sort());
  });
});
