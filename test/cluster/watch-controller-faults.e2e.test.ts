// The watcher under faults while the real controller script migrates (its
// own kubectl calls meet the faults too): once the faults stop and the
// controller is paused, the view equals a fresh list of the cluster, agrees
// with every one of the controller's records, and the run's history file
// holds each of the run's migrations exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pause } from '../../src/cluster/control.js';
import { readStatusMap } from '../../src/cluster/control-status.js';
import { deploy } from '../../src/cluster/deploy.js';
import { observe } from '../../src/cluster/observe.js';
import { NO_FAULTS } from '../../src/sim/api/faults.js';
import { type DeployCluster, NS, deployCluster, testSettings, until } from './deploy-fixture.js';
import { allFinal, converges, historyLines, retried } from './observe-helpers.js';

const RUN = 'ctl-faults';
let c: DeployCluster;

beforeAll(async () => {
  c = await deployCluster({ nodes: 3, vms: 3, rwx: true });
  await deploy(c.conn, testSettings(RUN), { pollMs: 100 });
}, 180_000);
afterAll(async () => {
  c.t.cluster.api.faults.set({ ...NO_FAULTS });
  await c.stop();
});

describe('watching the controller under faults', () => {
  it('ends equal to the cluster and to the controller records, each migration once in history', async () => {
    const stateHome = mkdtempSync(join(tmpdir(), 'watch-ctl-state-'));
    const view = observe(c.conn, { runId: RUN, env: { XDG_STATE_HOME: stateHome }, persistMs: 200, watcher: { backoffMs: [100, 2000] } });
    await view.waitForSync({ timeoutMs: 30_000 });
    const faults = c.t.cluster.api.faults;
    const started = Date.now();
    faults.set({ errorRate: 0.05, dropWatchesAfterSeconds: 3, expireNextWatches: 2 });
    const expiring = setInterval(() => faults.set({ expireNextWatches: 2 }), 4000);
    try {
      // Until the controller has finished a few migrations under faults (and at least 15 s of them).
      await until(
        async () => ((await readStatusMap(c.conn, NS).catch(() => undefined))?.status.records.filter((r) => r.uid !== '').length ?? 0) >= 4 && Date.now() - started > 15_000,
        150_000,
        'four migrations recorded under faults',
      );
    } finally {
      clearInterval(expiring);
      faults.set({ ...NO_FAULTS });
    }
    const faultyMs = Date.now() - started;
    await retried(() => pause(c.conn, NS, { timeoutMs: 10_000 }), 'pause');
    // Paused: the migration in flight (if any) ends and no other starts.
    await until(async () => ((await readStatusMap(c.conn, NS))?.status.state === 'paused' ? true : undefined), 60_000, 'state paused');
    const final = await allFinal(c.conn);
    const restarts = view.informers().reduce((n, s) => n + s.restarts, 0);
    expect(restarts).toBeGreaterThan(3);
    const tookMs = await converges(c.conn, () => view.store.getState(), 30_000, RUN);

    const status = (await readStatusMap(c.conn, NS))!.status;
    const records = status.records.filter((r) => r.uid !== '');
    console.log(
      `controller faults: ${records.length} migrations recorded in ${faultyMs} ms of faults, ${restarts} informer restarts; converged ${tookMs} ms after the controller paused`,
    );
    const state = view.store.getState();
    for (const r of records) {
      const m = state.migrations[r.uid];
      expect(m, `record ${r.migration}`).toBeDefined();
      expect(m!.cause).toBe('chaos');
      expect(m!.runId).toBe(RUN);
      expect(m!.outcome).toBe(r.result === 'timeout' ? 'timeout' : r.result);
    }
    // Every VMIM in the namespace is one the controller recorded, and the other way round.
    const recorded = records.map((r) => r.uid).sort();
    expect(final.map((m) => m.metadata.uid as string).sort()).toEqual(recorded);

    await view.stop();
    const lines = historyLines(view.historyPath!);
    expect(lines.map((m) => m.uid).sort()).toEqual(recorded);
    for (const m of lines) expect(m.outcome).toBe(state.migrations[m.uid]!.outcome);
  });
});
