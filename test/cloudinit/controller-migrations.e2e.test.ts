// Acceptance of the chaos-migration controller's normal run, for both
// triggers: deployed by `render | kubectl apply -f -` into a simulated
// cluster whose controller VM runs the real script, it live-migrates random
// eligible VMs one at a time, never itself nor an excluded component, and its
// status ConfigMap, Events and log tell exactly what happened.
import { describe, it } from 'vitest';
import { LABEL_RUN_ID, VM_NAME } from '../../src/cloudinit/names.js';
import { type Any, E2E_TIMEOUT, forbiddenLines, NS, ok, overlaps, patchConfig, startController, until } from './controller-e2e.js';

// vms 8 seeds cpu-0, memory-0, disk-0, database-0, network-0, cpu-1, memory-1,
// disk-1: disk and database sit on ReadWriteOnce volumes (not live-migratable),
// cpu is excluded below, which leaves memory-0, memory-1 and network-0.
const EXCLUDED = ['virtwork-cpu-0', 'virtwork-cpu-1'];
const NOT_MIGRATABLE = ['virtwork-disk-0', 'virtwork-disk-1', 'virtwork-database-0'];
const ELIGIBLE = ['virtwork-memory-0', 'virtwork-memory-1', 'virtwork-network-0'];

// The virtctl run excludes cpu by component; the vmim run selects the same
// three VMIs with an extra label selector (spaces and parentheses: it goes
// through the unit's quoting and systemd's parsing into the script).
const SCOPE = {
  virtctl: { flags: ['--migration-exclude-components', 'cpu'], settings: { 'migration-exclude-components': 'cpu' }, cpu: 'excluded-component:cpu', self: 'self' },
  vmim: {
    flags: ['--migration-target-labels', 'app.kubernetes.io/component in (memory,network,disk,database)'],
    settings: { 'migration-target-labels': 'app.kubernetes.io/component in (memory,network,disk,database)' },
    cpu: undefined,
    self: undefined,
  },
};

describe.concurrent('chaos-migration controller: a normal run', { timeout: E2E_TIMEOUT }, () => {
  for (const trigger of ['virtctl', 'vmim'] as const) {
    it(`migrates random eligible VMs one at a time and records them (${trigger} trigger)`, async ({ expect, onTestFailed }) => {
      const run = await startController({ vms: 8, render: ['--trigger', trigger, ...SCOPE[trigger].flags] }, { onTestFailed });
      try {
        // Several migrations succeed within ~30 s of the script starting (about 20 s on an idle
        // machine; the bound leaves room for a loaded one, where each kubectl call is slower).
        const start = await run.waitForEvent((e) => e.event === 'starting', 30_000, 'the controller VM runs its script');
        const third = await until(() => run.events('migration').filter((e) => e.fields.result === 'succeeded')[2], 40_000, `3 migrations by the ${trigger} trigger`);
        expect(third.at - start.at, 'ms from the script starting to its third migration done').toBeLessThan(40_000);

        // Quiesce: pause, and wait until the script says it is paused with nothing in flight.
        await patchConfig(run, { paused: 'true' });
        await until(
          async () => {
            const s = (await run.status()).status;
            return s.state === 'paused' && s.currentMigration === '' ? s : undefined;
          },
          20_000,
          'status state paused with no migration in flight',
        );
        const { status, problems } = await run.status();
        expect(problems).toEqual([]);
        const migrations = run.migrations();

        // Only the eligible VMIs were migrated, every migration succeeded, one at a time.
        expect(migrations.length).toBeGreaterThanOrEqual(3);
        for (const m of migrations) {
          expect(ELIGIBLE, `${m.name} migrated ${m.vmi}`).toContain(m.vmi);
          expect(m.phase).toBe('Succeeded');
          expect(m.object.metadata.labels?.[LABEL_RUN_ID], `${m.name} carries the run id`).toBe(run.runId);
          expect(m.name).toMatch(trigger === 'vmim' ? /^virtwork-chaos-migration-/ : /^kubevirt-migrate-vm-/);
        }
        expect(overlaps(migrations)).toEqual([]);

        // The controller VM and the excluded and non-migratable VMs never moved.
        const moves = run.nodeChanges();
        for (const name of [VM_NAME, ...EXCLUDED, ...NOT_MIGRATABLE]) expect(moves.filter((c) => c.vmi === name), `${name} moved`).toEqual([]);
        expect(moves).toHaveLength(migrations.length);

        // The status ConfigMap matches the migrations, one record each, with their nodes.
        expect(status.runId).toBe(run.runId);
        expect(status.succeeded).toBe(migrations.length);
        expect(status.failed + status.timeouts + status.skipped + status.consecutiveFailures).toBe(0);
        expect(status.settings).toMatchObject({ trigger, ...SCOPE[trigger].settings, paused: 'true', namespace: NS });
        expect(status.records.map((r) => r.uid)).toEqual(migrations.map((m) => m.uid));
        for (const [i, r] of status.records.entries()) {
          const m = migrations[i]!;
          const state = m.object.status.migrationState as Any;
          expect(r).toMatchObject({ vmi: m.vmi, migration: m.name, result: 'succeeded', reason: '', source: state.sourceNode, target: state.targetNode });
          expect(r.source).not.toBe(r.target);
          expect(r.source).toMatch(/^kv-worker-/);
          // The VMI went from the recorded source to the recorded target.
          expect(moves.find((c) => c.vmi === r.vmi && c.from === r.source && c.to === r.target && c.at >= m.createdAt)).toBeDefined();
          expect(r.duration).toBeGreaterThanOrEqual(0);
          expect(r.duration).toBeLessThan(30);
        }
        // Each VMI now runs where its last record sent it.
        const vmis = JSON.parse(await ok(run.t.kubectl, ['get', 'vmi', '-n', NS, '-o', 'json'])) as Any;
        const nodeOf = new Map<string, string>(vmis.items.map((v: Any) => [v.metadata.name, v.status.nodeName]));
        for (const r of status.records) expect(nodeOf.get(r.vmi)).toBe(status.records.filter((x) => x.vmi === r.vmi).at(-1)!.target);

        // The log says it, one event per line with stable fields.
        const done = run.events('migration');
        expect(done.map((e) => e.fields.migration)).toEqual(migrations.map((m) => m.name));
        for (const e of done) expect(e.fields).toMatchObject({ result: 'succeeded', from: expect.stringMatching(/^kv-worker-/), to: expect.stringMatching(/^kv-worker-/), duration: expect.stringMatching(/^\d+s$/) });
        const reasons = new Map(run.events('target').map((e) => [e.fields.vmi, e.fields.status]));
        // Excluded by component or as itself: said so; outside the selector: not even looked at.
        expect(reasons.get(VM_NAME)).toBe(SCOPE[trigger].self);
        for (const name of EXCLUDED) expect(reasons.get(name)).toBe(SCOPE[trigger].cpu);
        for (const name of NOT_MIGRATABLE) expect(reasons.get(name)).toBe('not-live-migratable:DisksNotLiveMigratable');

        // A Normal Event on each migrated VM, next to KubeVirt's own.
        const evs = JSON.parse(await ok(run.t.kubectl, ['get', 'events', '-n', NS, '-l', `${LABEL_RUN_ID}=${run.runId}`, '-o', 'json'])) as Any;
        const succeededEvents = evs.items.filter((e: Any) => e.reason === 'ChaosMigrationSucceeded');
        expect(succeededEvents.map((e: Any) => e.involvedObject.name).sort()).toEqual(migrations.map((m) => m.vmi).sort());
        expect(succeededEvents.every((e: Any) => e.involvedObject.kind === 'VirtualMachine' && e.type === 'Normal')).toBe(true);

        // Its RBAC was exactly enough: nothing was refused, nothing failed.
        expect(forbiddenLines(run)).toEqual([]);
        expect(run.events().filter((e) => /error|failed/.test(e.event)).map((e) => e.line)).toEqual([]);
      } finally {
        await run.stop();
      }
    });
  }

  it('skips a VMI that someone else is migrating at that moment, says why, and does not retry it every round', async ({ expect, onTestFailed }) => {
    // The moment the script picks its first target, "someone" runs virtctl migrate on the same VM
    // (speed 5: that migration is still in flight when the script's own request arrives).
    let raced: string | undefined;
    const run = await startController(
      {
        vms: 5,
        speed: 5,
        onEvent: (e, self) => {
          if (e.event !== 'migration-start' || raced) return;
          raced = e.fields.vmi!;
          self.t.cluster.kubevirt!.migrate(NS, raced);
        },
      },
      { onTestFailed },
    );
    try {
      const rejected = await run.waitForEvent((e) => e.event === 'migration-rejected', 30_000, 'event=migration-rejected');
      expect(rejected.fields).toMatchObject({ vmi: raced, kind: 'busy' });
      expect(rejected.fields.reason).toMatch(/in-flight migration detected/);
      // It goes on with the others and leaves that VMI alone for a while (60 s for a busy one).
      await until(() => run.events('migration').filter((e) => e.fields.result === 'succeeded').length >= 2, 40_000, 'two migrations of other VMIs');
      const own = run.migrations().filter((m) => m.object.metadata.labels?.[LABEL_RUN_ID] === run.runId);
      const other = run.migrations().filter((m) => m.object.metadata.labels?.[LABEL_RUN_ID] !== run.runId);
      expect(other.map((m) => m.vmi)).toEqual([raced]);
      expect(own.filter((m) => m.vmi === raced), 'the raced VMI is not retried').toEqual([]);
      expect(run.events('target').some((e) => e.fields.vmi === raced && e.fields.status === 'skipped-after-rejection')).toBe(true);

      await patchConfig(run, { paused: 'true' });
      const status = await until(
        async () => {
          const s = (await run.status()).status;
          return s.state === 'paused' && s.currentMigration === '' ? s : undefined;
        },
        20_000,
        'paused with nothing in flight',
      );
      expect(status.skipped).toBe(1);
      const rec = status.records.find((r) => r.result === 'rejected')!;
      expect(rec).toMatchObject({ vmi: raced, migration: '', uid: '', source: expect.stringMatching(/^kv-worker-/) });
      expect(rec.reason).toMatch(/in-flight migration detected/);
      // The other actor's migration is never recorded as its own.
      expect(status.records.filter((r) => r.uid).map((r) => r.uid)).toEqual(own.map((m) => m.uid));
      expect(status.succeeded).toBe(own.length);
    } finally {
      await run.stop();
    }
  });
});
