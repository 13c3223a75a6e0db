// Acceptance of the controller through what disrupts it on a real cluster:
// the API server unreachable for 20 s, the script killed in the middle of a
// migration (systemd restarts it), and a node drain whose evacuations run
// next to its own migrations. It keeps going, never starts a second migration
// of its own while one is in flight, and its history stays exact.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, it } from 'vitest';
import { LABEL_RUN_ID, VM_NAME } from '../../src/cloudinit/names.js';
import { VMI_KEY } from '../../src/sim/kubevirt/context.js';
import { type Any, type ControllerEvent, type ControllerRun, E2E_TIMEOUT, exits, forbiddenLines, NS, overlaps, patchConfig, startController, until } from './controller-e2e.js';

/** Waits until the controller is paused with nothing in flight; returns its status. */
async function quiesce(run: ControllerRun) {
  await patchConfig(run, { paused: 'true' });
  return until(
    async () => {
      const s = (await run.status()).status;
      return s.state === 'paused' && s.currentMigration === '' ? s : undefined;
    },
    20_000,
    'paused with nothing in flight',
  );
}

/**
 * The pid of the controller script this test's simulator started: the bash
 * running <guest dir>/controller.sh (the guest dir is where its kubeconfig
 * went) whose parent is not itself that script (a command substitution forks
 * a bash with the same command line).
 */
function scriptPid(run: ControllerRun): number {
  const kubeconfig = run.events('kubeconfig-written').at(-1)!.fields.path!;
  const args = `bash ${dirname(kubeconfig)}/controller.sh`;
  const procs = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[3] === args)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]) }));
  const mine = new Set(procs.map((p) => p.pid));
  const main = procs.filter((p) => !mine.has(p.ppid));
  if (main.length !== 1) throw new Error(`expected one process running ${args}, found ${JSON.stringify(procs)}`);
  return main[0]!.pid;
}

describe.concurrent('chaos-migration controller: disruptions', { timeout: E2E_TIMEOUT }, () => {
  it('keeps looping through a 20 s API outage in the middle of a migration, records it, and migrates again after', async ({ expect, onTestFailed }) => {
    // Cut the API the moment the second migration has been triggered (the script is then
    // following it), for 20 s.
    let cutAt = 0;
    let restoredAt = 0;
    let triggered: ControllerEvent | undefined;
    const run = await startController(
      {
        vms: 5,
        onEvent: (e, self) => {
          if (e.event !== 'migration-triggered' || triggered || self.events('migration-triggered').length < 2) return;
          triggered = e;
          self.t.cluster.api.setOutage(true);
          cutAt = Date.now();
          setTimeout(() => {
            self.t.cluster.api.setOutage(false);
            restoredAt = Date.now();
          }, 20_000);
        },
      },
      { onTestFailed },
    );
    try {
      await until(() => restoredAt, 90_000, 'a second migration triggered, then a 20 s outage');
      // The first call that fails (the Event about the migration just triggered: one POST,
      // which fails within seconds) says the API is unreachable; once per outage, not per call.
      // (A GET can take ~15 s to fail: kubectl retries a reset connection.)
      const apiError = run.events('api-error').find((e) => e.at >= cutAt);
      expect(apiError, 'event=api-error during the outage').toBeDefined();
      expect(apiError!.at).toBeLessThan(restoredAt);
      await run.waitForEvent((e) => e.event === 'api-recovered' && e.at >= restoredAt, 20_000, 'event=api-recovered');
      expect(run.events('api-error').filter((e) => e.at >= cutAt).length).toBeLessThanOrEqual(2);
      expect(restoredAt - cutAt).toBeGreaterThanOrEqual(19_900);
      // The migration it was following when the API went away is recorded with its result.
      const followed = await run.waitForEvent((e) => e.event === 'migration' && e.fields.migration === triggered!.fields.migration, 20_000, 'the followed migration recorded');
      expect(followed.fields).toMatchObject({ result: 'succeeded', from: expect.stringMatching(/^kv-worker-/), to: expect.stringMatching(/^kv-worker-/) });
      await run.waitForEvent((e) => e.event === 'migration-start' && e.at > restoredAt && e.fields.vmi !== undefined, 20_000, 'a new migration after the outage');
      const next = await run.waitForEvent((e) => e.event === 'migration' && e.at > followed.at, 20_000, 'a new migration ends');
      expect(next.fields.result).toBe('succeeded');
      expect(exits(run)).toEqual([]);

      const status = await quiesce(run);
      const migrations = run.migrations();
      expect(migrations.every((m) => m.phase === 'Succeeded')).toBe(true);
      expect(overlaps(migrations)).toEqual([]);
      expect(status.succeeded).toBe(migrations.length);
      expect(status.records.map((r) => r.uid)).toEqual(migrations.map((m) => m.uid));
    } finally {
      await run.stop();
    }
  });

  it('killed in the middle of a migration, restarts, adopts it, and loses nothing', async ({ expect, onTestFailed }) => {
    // A crash the moment the second migration has been triggered: SIGKILL, no clean-up;
    // systemd (the simulator) starts it again after RestartSec.
    let triggered: ControllerEvent | undefined;
    const run = await startController(
      {
        vms: 5,
        onEvent: (e, self) => {
          if (e.event !== 'migration-triggered' || triggered || self.events('migration-triggered').length < 2) return;
          triggered = e;
          process.kill(scriptPid(self), 'SIGKILL');
        },
      },
      { onTestFailed },
    );
    try {
      await until(() => triggered, 60_000, 'a second migration triggered');
      const killed = triggered!;
      const restarted = await run.waitForEvent((e) => e.event === 'starting' && e.at > killed.at, 15_000, 'the script started again');
      expect(run.controllerLines().some((l) => /controller exited \(SIGKILL\); systemd restarts it/.test(l.text))).toBe(true);
      const restored = await run.waitForEvent((e) => e.event === 'status-restored' && e.at >= restarted.at, 10_000, 'status restored');
      expect(restored.fields.succeeded).toBe('1');
      // The migration in flight at the crash is taken up again (or found finished) and recorded once.
      const adopted = await run.waitForEvent((e) => e.event === 'migration-adopted' && e.at >= restarted.at, 15_000, 'the migration adopted');
      expect(adopted.fields.migration).toBe(killed.fields.migration);
      await run.waitForEvent((e) => e.event === 'migration' && e.at > adopted.at && e.fields.migration !== killed.fields.migration, 30_000, 'a new migration after the restart');

      const status = await quiesce(run);
      const migrations = run.migrations();
      expect(overlaps(migrations)).toEqual([]);
      expect(status.succeeded).toBe(migrations.length);
      expect(status.records.map((r) => r.uid)).toEqual(migrations.map((m) => m.uid));
      expect(status.records.filter((r) => r.migration === killed.fields.migration)).toHaveLength(1);
      expect(status.records.find((r) => r.migration === killed.fields.migration)).toMatchObject({ result: 'succeeded', source: expect.stringMatching(/^kv-/), target: expect.stringMatching(/^kv-/) });
      expect(run.events('starting')).toHaveLength(2);
    } finally {
      await run.stop();
    }
  });

  it("runs beside a node drain: KubeVirt's evacuations are never taken for its own, and it never overlaps its own", async ({ expect, onTestFailed }) => {
    const run = await startController({ vms: 10, rwx: true, evictionStrategy: 'LiveMigrate' }, { onTestFailed });
    try {
      await run.waitForEvent((e) => e.event === 'migration' && e.fields.result === 'succeeded', 30_000, 'a first migration');
      // Drain the node with the most virtwork VMs other than the controller.
      const perNode = new Map<string, number>();
      for (const vmi of run.t.cluster.api.client.list(VMI_KEY, NS) as Any[]) {
        if (vmi.metadata.name !== VM_NAME) perNode.set(vmi.status.nodeName, (perNode.get(vmi.status.nodeName) ?? 0) + 1);
      }
      const drained = [...perNode].sort((a, b) => b[1] - a[1])[0]![0];
      const drainedAt = Date.now();
      run.t.cluster.kubevirt!.drain(drained);
      await until(() => run.migrations().some((m) => m.name.startsWith('kubevirt-evacuation-')), 10_000, 'evacuations start');
      await until(() => run.events('migration').filter((e) => e.at > drainedAt).length >= 2, 35_000, 'two own migrations after the drain');

      const status = await quiesce(run);
      const all = run.migrations();
      const evacuations = all.filter((m) => m.name.startsWith('kubevirt-evacuation-'));
      const own = all.filter((m) => m.object.metadata.labels?.[LABEL_RUN_ID] === run.runId);
      expect(evacuations.length).toBeGreaterThan(0);
      expect(own.length + evacuations.length).toBe(all.length);
      expect(evacuations.filter((m) => m.object.metadata.labels?.[LABEL_RUN_ID]), 'evacuations never get the run id').toEqual([]);
      expect(overlaps(own)).toEqual([]);
      // History: exactly its own migrations; a VMI busy with an evacuation is skipped or rejected, never failed.
      expect(status.records.filter((r) => r.uid).map((r) => r.uid)).toEqual(own.map((m) => m.uid));
      expect(status.failed + status.timeouts).toBe(0);
      for (const r of status.records) expect(['succeeded', 'rejected']).toContain(r.result);
      // Nothing of its own goes to the drained node once the drain began.
      for (const m of own.filter((x) => x.createdAt > drainedAt)) expect(m.object.status.migrationState?.targetNode, m.name).not.toBe(drained);
      expect(forbiddenLines(run)).toEqual([]);
      expect(exits(run)).toEqual([]);
    } finally {
      await run.stop();
    }
  });
});
