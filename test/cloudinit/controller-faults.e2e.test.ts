// Acceptance of the controller where a real cluster makes migrating hard: a
// single node (no target for any migration), migrations that all fail, and a
// namespace with nothing eligible. Each time the loop says clearly what is
// going on and keeps running (systemd never has to restart it).
import { describe, it } from 'vitest';
import { E2E_TIMEOUT, exits, forbiddenLines, NS, overlaps, sleep, startController, until } from './controller-e2e.js';

describe.concurrent('chaos-migration controller: faults', { timeout: E2E_TIMEOUT }, () => {
  it('on a single-node cluster says why migrations cannot succeed, cancels them at the timeout, and keeps going', async ({ expect, onTestFailed }) => {
    // The target pod can never be scheduled; the controller gives up after --migration-timeout.
    const run = await startController({ nodes: 1, vms: 3, render: ['--migration-timeout', '6'] }, { onTestFailed });
    try {
      const first = await run.waitForEvent((e) => e.event === 'migration', 30_000, 'the first migration ends');
      expect(first.fields).toMatchObject({ result: 'timeout', from: expect.stringMatching(/^kv-/), to: '' });
      expect(first.fields.reason).toMatch(/^no result after 6s, cancelled \(last phase (Pending|Scheduling)\); the target pod never became ready: live migration needs a second schedulable node/);
      expect(run.events('migration-cancel').map((e) => e.fields.migration)).toEqual([first.fields.migration]);
      const status = await until(
        async () => {
          const s = (await run.status()).status;
          return s.timeouts === 1 ? s : undefined;
        },
        5_000,
        'the timeout counted in the status',
      );
      expect(status.records.at(-1)).toMatchObject({ result: 'timeout', vmi: first.fields.vmi, migration: first.fields.migration, target: '', reason: first.fields.reason });
      // The cancelled migration ends (KubeVirt marks it Failed and lets it go) before another starts.
      const next = await run.waitForEvent((e) => e.event === 'migration-triggered' && e.at > first.at, 20_000, 'another migration after the timeout');
      const cancelled = run.migrations().find((m) => m.name === first.fields.migration)!;
      expect(cancelled.phase).toBe('Failed');
      expect(cancelled.endedAt).toBeLessThanOrEqual(next.at);
      expect(overlaps(run.migrations().filter((m) => m.endedAt !== undefined))).toEqual([]);
      expect(run.nodeChanges()).toEqual([]);
      expect(forbiddenLines(run)).toEqual([]);
      expect(exits(run)).toEqual([]);
    } finally {
      await run.stop();
    }
  });

  it('says why each failed migration failed and backs off after 5 failures in a row', async ({ expect, onTestFailed }) => {
    // Every migration fails in KubeVirt; MIGRATION_BACKOFF is 10 s here (300 s in a VM). The vmim
    // trigger and a 1 s interval make the five rounds as short as they get.
    const run = await startController(
      { vms: 5, failureRate: 1, speed: 20, controllerEnv: { MIGRATION_BACKOFF: '10' }, render: ['--trigger', 'vmim', '--migration-interval-max', '1'] },
      { onTestFailed },
    );
    try {
      const backing = await run.waitForEvent((e) => e.event === 'backing-off', 90_000, 'event=backing-off');
      expect(backing.fields['consecutive-failures']).toBe('5');
      const failures = run.events('migration');
      expect(failures).toHaveLength(5);
      for (const f of failures) {
        expect(f.fields.result).toBe('failed');
        expect(f.fields.reason, f.line).not.toBe('');
      }
      expect(run.migrations().every((m) => m.phase === 'Failed')).toBe(true);
      await until(async () => (await run.status()).status.state === 'backing-off', 8_000, 'status state backing-off');
      // Nothing new until the back-off is over, then it tries again.
      const resumed = await run.waitForEvent((e) => e.event === 'migration-start' && e.at > backing.at, 30_000, 'a round after the back-off');
      expect(resumed.at - backing.at).toBeGreaterThanOrEqual(9_000);
      const { status } = await run.status();
      expect(status.failed).toBeGreaterThanOrEqual(5);
      expect(status.records.filter((r) => r.result === 'failed').length).toBe(status.failed);
      expect(exits(run)).toEqual([]);
    } finally {
      await run.stop();
    }
  });

  it('in a namespace with no eligible target logs it once, reports no-targets, and migrates as soon as a target appears', async ({ expect, onTestFailed }) => {
    // Only a not-live-migratable disk VM besides the controller, and the cpu VM excluded.
    const run = await startController({ vms: 3, render: ['--migration-exclude-components', 'cpu,memory'] }, { onTestFailed });
    try {
      const none = await run.waitForEvent((e) => e.event === 'no-targets', 20_000, 'event=no-targets');
      expect(none.fields.reason).toMatch(/no Running, live-migratable, non-excluded virtwork VMI/);
      expect(none.fields.selector).toBe('app.kubernetes.io/managed-by=virtwork');
      await until(async () => (await run.status()).status.state === 'no-targets', 10_000, 'status state no-targets');
      await sleep(6_000);
      // Once, not every round; the rounds go on (the heartbeat keeps moving).
      expect(run.events('no-targets')).toHaveLength(1);
      const before = (await run.status()).status.heartbeat;
      await sleep(4_000);
      expect((await run.status()).status.heartbeat > before).toBe(true);
      expect(run.migrations()).toEqual([]);

      // A new virtwork VM that may migrate: the loop picks it up.
      run.t.cluster.kubevirt!.seed({ namespace: NS, count: 5, rwx: false, runId: 'later' });
      const done = await run.waitForEvent((e) => e.event === 'migration', 25_000, 'a migration once a target exists');
      expect(done.fields).toMatchObject({ result: 'succeeded', vmi: 'virtwork-network-0' });
      expect(exits(run)).toEqual([]);
    } finally {
      await run.stop();
    }
  });
});
