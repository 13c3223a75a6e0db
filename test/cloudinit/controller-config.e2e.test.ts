// Acceptance of the controller's live settings: the config ConfigMap pauses
// and resumes it within 5 s (re-applying the rendered objects never resumes
// it), and dry-run, set at render time or at run time, migrates nothing and
// records what it would have done.
import { describe, it } from 'vitest';
import { CONFIG_MAP_NAME, STATUS_MAP_NAME } from '../../src/cloudinit/names.js';
import { deploy, E2E_TIMEOUT, NS, ok, patchConfig, sleep, startController, until } from './controller-e2e.js';

describe.concurrent('chaos-migration controller: live settings', { timeout: E2E_TIMEOUT }, () => {
  it('pauses within 5 s through the config ConfigMap, stays paused across a re-apply, and resumes', async ({ expect, onTestFailed }) => {
    const run = await startController({ vms: 5 }, { onTestFailed });
    try {
      await run.waitForEvent((e) => e.event === 'migration' && e.fields.result === 'succeeded', 30_000, 'a first migration');

      const pausedAt = Date.now();
      await ok(run.t.kubectl, ['patch', 'configmap', CONFIG_MAP_NAME, '-n', NS, '--type', 'merge', '-p', '{"data":{"paused":"true"}}']);
      const paused = await run.waitForEvent((e) => e.event === 'paused', 5_000, 'event=paused within 5 s');
      expect(paused.at - pausedAt).toBeLessThan(5_000);
      await until(async () => (await run.status()).status.state === 'paused', 5_000, 'status state paused');

      // A migration already in flight may finish; nothing new starts once the pause is seen.
      await sleep(3_000);
      const before = (await run.status()).status;
      expect(before.records.length).toBeGreaterThan(0);
      // Someone deletes the status ConfigMap; re-applying the rendered objects (as a second
      // deploy would) re-creates it empty, and must not resume the controller.
      await ok(run.t.kubectl, ['delete', 'configmap', STATUS_MAP_NAME, '-n', NS]);
      await run.waitForEvent((e) => e.event === 'status-missing', 5_000, 'event=status-missing');
      await deploy(run, []);
      // The script writes all it knows back: counters and the whole history.
      const rewritten = await until(
        async () => {
          const s = (await run.status()).status;
          return s.state === 'paused' && s.records.length > 0 ? s : undefined;
        },
        5_000,
        'the status ConfigMap written again with its history',
      );
      expect(rewritten.records).toEqual(before.records);
      expect(rewritten.succeeded).toBe(before.succeeded);
      await sleep(3_000);
      const created = run.migrations().filter((m) => m.createdAt > paused.at);
      expect(created.map((m) => m.name), 'migrations created while paused').toEqual([]);
      expect(run.events('migration-start').filter((e) => e.at > paused.at)).toEqual([]);
      expect(run.events('resumed')).toEqual([]);
      const cm = JSON.parse(await ok(run.t.kubectl, ['get', 'configmap', CONFIG_MAP_NAME, '-n', NS, '-o', 'json']));
      expect(cm.data.paused, 're-applying render output keeps the pause').toBe('true');
      const whilePaused = (await run.status()).status;
      expect(whilePaused).toMatchObject({ state: 'paused', nextMigration: '', currentMigration: '' });
      expect(whilePaused.settings.paused).toBe('true');

      const resumedAt = Date.now();
      await patchConfig(run, { paused: 'false' });
      const resumed = await run.waitForEvent((e) => e.event === 'resumed', 5_000, 'event=resumed within 5 s');
      expect(resumed.at - resumedAt).toBeLessThan(5_000);
      // The next migration comes after at most one interval (2 s) and a round's API calls.
      await until(() => run.migrations().find((m) => m.createdAt > resumedAt), 12_000, 'a migration after resuming');
      await run.waitForEvent((e) => e.event === 'migration' && e.at > resumedAt && e.fields.result === 'succeeded', 20_000, 'a migration succeeds after resuming');
    } finally {
      await run.stop();
    }
  });

  it('in dry-run migrates nothing, records what it would migrate, and starts migrating when dry-run is switched off', async ({ expect, onTestFailed }) => {
    const run = await startController({ vms: 5, render: ['--migration-dry-run'] }, { onTestFailed });
    try {
      await until(() => run.events('dry-run').length >= 3, 30_000, 'three dry-run rounds');
      expect(run.migrations()).toEqual([]);
      expect(run.nodeChanges()).toEqual([]);
      const { status } = await until(
        async () => {
          const s = await run.status();
          return s.status.records.length >= 3 ? s : undefined;
        },
        5_000,
        'three dry-run records',
      );
      expect(status.state).toBe('dry-run');
      expect(status.settings['migration-dry-run']).toBe('true');
      expect(status.succeeded + status.failed + status.timeouts).toBe(0);
      expect(status.skipped).toBe(status.records.length);
      for (const r of status.records) {
        expect(r).toMatchObject({ result: 'dry-run', migration: '', uid: '', source: expect.stringMatching(/^kv-worker-/) });
        expect(['virtwork-cpu-0', 'virtwork-memory-0', 'virtwork-network-0']).toContain(r.vmi);
      }
      for (const e of run.events('dry-run')) expect(e.fields).toMatchObject({ vmi: expect.stringMatching(/^virtwork-/), from: expect.stringMatching(/^kv-worker-/) });

      // Invalid values there are logged and ignored, never fatal: the rounds go on.
      const badAt = Date.now();
      await patchConfig(run, { 'migration-interval-min': 'soon', 'migration-target-labels': 'app.kubernetes.io/component in (cpu' });
      const badMin = await run.waitForEvent((e) => e.event === 'config-invalid' && e.at > badAt && e.fields.key === 'migration-interval-min', 5_000, 'the bad interval logged');
      expect(badMin.fields).toMatchObject({ source: 'configmap', value: 'soon' });
      const badLabels = await run.waitForEvent((e) => e.event === 'config-invalid' && e.at > badAt && e.fields.key === 'migration-target-labels', 10_000, 'the bad selector logged');
      expect(badLabels.fields.reason).toMatch(/parse|selector|unable/i);
      await run.waitForEvent((e) => e.event === 'dry-run' && e.at > badLabels.at, 10_000, 'a dry-run round after the bad values');
      // A refused selector is a bad setting, not an outage: no api-error, no back-off.
      expect(run.events().filter((e) => e.at > badAt && /^(api-error|backoff)$/.test(e.event))).toEqual([]);
      expect(run.events('starting')).toHaveLength(1);
      await patchConfig(run, { 'migration-interval-min': '1', 'migration-target-labels': '' });

      // Switched off at run time: the next round migrates for real.
      const switchedAt = Date.now();
      await patchConfig(run, { 'migration-dry-run': 'false' });
      await run.waitForEvent((e) => e.event === 'config-applied' && e.at > switchedAt, 5_000, 'the changed setting applied within 5 s');
      await run.waitForEvent((e) => e.event === 'migration' && e.fields.result === 'succeeded', 20_000, 'a real migration after dry-run is off');
      expect(run.events('dry-run').filter((e) => e.at > switchedAt + 5_000)).toEqual([]);
    } finally {
      await run.stop();
    }
  });
});

