import { describe, expect, it } from 'vitest';
import { migrationsFromStatusRecords } from '../../src/state/controller.js';
import { finalizeVanished, mergeMigration, VANISHED_REASON } from '../../src/state/merge.js';
import { dedupeMigrations } from '../../src/state/report/model.js';
import type { Migration } from '../../src/state/types.js';
import { migrationFrom } from '../../src/state/vmim.js';
import { fixture, item, RUN_ID } from './helpers/fixtures.js';

const record = (over: Partial<Parameters<typeof migrationsFromStatusRecords>[0][number]> = {}) => ({
  vmi: 'virtwork-cpu-1',
  migration: 'kubevirt-migrate-vm-4ck4b',
  uid: 'd9961951-5d28-466a-960a-af285369396c',
  trigger: '2026-11-27T21:52:28Z',
  result: 'succeeded' as const,
  source: 'kv-worker-03',
  target: 'kv-worker-02',
  duration: 3,
  reason: '',
  ...over,
});

describe('mergeMigration', () => {
  const watched = () => migrationFrom(item('vmim-list.json', 'kubevirt-migrate-vm-4ck4b'))!;

  it('one migration from the watch, the history file and the status record is one record, whatever the order', () => {
    const fromWatch = watched();
    const fromHistory: Migration = { ...fromWatch, ipsBefore: ['10.244.2.5'], ipsAfter: ['10.244.1.6'] };
    const fromRecord = migrationsFromStatusRecords([record()], 'virtwork', RUN_ID)[0]!;
    const orders = [
      [fromWatch, fromHistory, fromRecord],
      [fromRecord, fromHistory, fromWatch],
      [fromHistory, fromRecord, fromWatch],
    ];
    const results = orders.map((o) => dedupeMigrations(o));
    for (const r of results) {
      expect(r).toHaveLength(1);
      expect(r[0]).toMatchObject({
        outcome: 'succeeded',
        outcomeFrom: 'vmim',
        phase: 'Succeeded',
        // The VMIM's creation, not the controller's slightly earlier trigger epoch.
        created: '2026-11-27T21:52:29Z',
        ipsBefore: ['10.244.2.5'],
        ipsAfter: ['10.244.1.6'],
        cause: 'chaos',
      });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("the controller's timeout beats KubeVirt's Failed/aborted for the migration it cancelled, in either order", () => {
    const aborted = migrationFrom(fixture('vmim-aborted.json'))!;
    const timeout = migrationsFromStatusRecords(
      [record({ uid: aborted.uid, migration: aborted.name, vmi: aborted.vmi, result: 'timeout', duration: 300, reason: 'no result after 300s, cancelled (last phase Running)' })],
      'virtwork',
      RUN_ID,
    )[0]!;
    for (const m of [mergeMigration(aborted, timeout), mergeMigration(timeout, aborted)]) {
      expect(m).toMatchObject({ outcome: 'timeout', outcomeFrom: 'controller', failureReason: 'no result after 300s, cancelled (last phase Running)', cause: 'chaos', phase: 'Failed' });
    }
  });

  it("a final VMIM phase beats the controller's failed, and the controller beats an inference", () => {
    const ok = watched();
    const saidFailed = migrationsFromStatusRecords([record({ result: 'failed', reason: 'the migration object was replaced' })], 'virtwork', RUN_ID)[0]!;
    expect(mergeMigration(saidFailed, ok).outcome).toBe('succeeded');
    const inFlight = migrationFrom(fixture('vmim-memory-running.json'))!;
    const inferred = finalizeVanished(inFlight, undefined);
    expect(inferred).toMatchObject({ outcome: 'failed', outcomeFrom: 'inferred', failureReason: VANISHED_REASON });
    const rec = migrationsFromStatusRecords([record({ uid: inFlight.uid, migration: inFlight.name, vmi: inFlight.vmi })], 'virtwork', RUN_ID)[0]!;
    const settled = mergeMigration(inferred, rec);
    expect(settled).toMatchObject({ outcome: 'succeeded', outcomeFrom: 'controller' });
    expect(settled.failureReason).toBeUndefined();
  });

  it('a live VMIM still in flight overrides an inference from its absence', () => {
    const inFlight = migrationFrom(fixture('vmim-memory-running.json'))!;
    const inferred = finalizeVanished(inFlight, undefined);
    const again = mergeMigration(inFlight, inferred);
    expect(again.outcome).toBe('in-flight');
    expect(again.failureReason).toBeUndefined();
  });

  it('returns an existing object when the merge adds nothing (so memoized views stay put)', () => {
    const a = watched();
    const same = { ...a };
    expect(mergeMigration(same, a)).toBe(same);
    expect(mergeMigration(a, undefined)).toBe(a);
  });
});

describe('finalizeVanished', () => {
  it("settles from the VMI's migrationState when it names this migration and completed", () => {
    const inFlight = migrationFrom(fixture('vmim-memory-running.json'))!;
    const vs = { uid: inFlight.uid, completed: true, failed: false, ended: '2026-11-27T21:52:57Z' };
    expect(finalizeVanished(inFlight, vs)).toMatchObject({ outcome: 'succeeded', outcomeFrom: 'inferred', ended: '2026-11-27T21:52:57Z' });
    expect(finalizeVanished(inFlight, { ...vs, failed: true, abortStatus: 'Succeeded' }).outcome).toBe('aborted');
    expect(finalizeVanished(inFlight, { ...vs, uid: 'other' }).outcome).toBe('failed');
  });

  it('leaves a finished migration alone', () => {
    const done = migrationFrom(item('vmim-list.json', 'kubevirt-migrate-vm-4ck4b'))!;
    expect(finalizeVanished(done, undefined)).toBe(done);
  });
});
