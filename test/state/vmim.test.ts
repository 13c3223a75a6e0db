import { describe, expect, it } from 'vitest';
import { readMigrationState } from '../../src/state/vmi.js';
import { migrationCause, migrationFrom } from '../../src/state/vmim.js';
import { fixture, item, RUN_ID } from './helpers/fixtures.js';

describe('migrationCause', () => {
  const vmim = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({ metadata: { name, labels, annotations } });
  it.each([
    ['a drain names its migrations kubevirt-evacuation-', vmim('kubevirt-evacuation-x1'), 'evacuation'],
    ['the evacuation annotation alone is enough', vmim('migration-abc', {}, { 'kubevirt.io/evacuationMigration': 'node-1' }), 'evacuation'],
    ['a KubeVirt update names its migrations kubevirt-workload-update-', vmim('kubevirt-workload-update-9k'), 'workload-update'],
    ['our controller labels its VMIMs with the run id', vmim('kubevirt-migrate-vm-abc', { 'virtwork/run-id': RUN_ID }), 'chaos'],
    ['KubeVirt\'s own name wins over a run-id label', vmim('kubevirt-evacuation-x2', { 'virtwork/run-id': RUN_ID }), 'evacuation'],
    ['virtctl migrate by someone else', vmim('kubevirt-migrate-vm-zz', { 'kubevirt.io/vmi-name': 'v' }), 'other'],
    ['a prefix inside the name is not a prefix', vmim('my-kubevirt-evacuation-1'), 'other'],
  ])('%s', (_why, obj, cause) => {
    expect(migrationCause(obj)).toBe(cause);
  });

  it('classifies the real fixtures', () => {
    expect(migrationFrom(fixture('vmim-evacuation.json'))!.cause).toBe('evacuation');
    expect(migrationFrom(fixture('vmim-memory-succeeded.json'))!.cause).toBe('chaos');
    // The virtctl trigger labels the VMIM only after virt-api created it.
    expect(migrationFrom(fixture('vmim-memory-running.json'))!.cause).toBe('other');
    expect(migrationFrom(fixture('vmim-memory-running.json'), undefined, RUN_ID)).toMatchObject({ cause: 'chaos', runId: RUN_ID });
  });
});

describe('migrationFrom', () => {
  it('reads a succeeded chaos migration completely', () => {
    const m = migrationFrom(item('vmim-list.json', 'kubevirt-migrate-vm-4ck4b'))!;
    expect(m).toEqual({
      uid: 'd9961951-5d28-466a-960a-af285369396c',
      name: 'kubevirt-migrate-vm-4ck4b',
      namespace: 'virtwork',
      vmi: 'virtwork-cpu-1',
      cause: 'chaos',
      runId: RUN_ID,
      phase: 'Succeeded',
      phaseTimes: {
        Pending: '2026-11-27T21:52:29Z',
        Scheduling: '2026-11-27T21:52:29Z',
        Scheduled: '2026-11-27T21:52:30Z',
        PreparingTarget: '2026-11-27T21:52:30Z',
        TargetReady: '2026-11-27T21:52:30Z',
        Running: '2026-11-27T21:52:30Z',
        Succeeded: '2026-11-27T21:52:31Z',
      },
      created: '2026-11-27T21:52:29Z',
      started: '2026-11-27T21:52:30Z',
      ended: '2026-11-27T21:52:31Z',
      sourceNode: 'kv-worker-03',
      targetNode: 'kv-worker-02',
      sourcePod: 'virt-launcher-virtwork-cpu-1-lhtfb',
      targetPod: 'virt-launcher-virtwork-cpu-1-gjfcc',
      outcome: 'succeeded',
      outcomeFrom: 'vmim',
    });
  });

  it('an aborted migration (Failed, abortStatus Succeeded, abort condition) is aborted, not failed, with the reason trimmed', () => {
    const m = migrationFrom(fixture('vmim-aborted.json'))!;
    expect(m).toMatchObject({ phase: 'Failed', outcome: 'aborted', failureReason: 'Live migration aborted', ended: '2026-11-27T21:53:43Z' });
  });

  it('a Failed migration without an abort is failed; a cancel before hand-off (only the condition) is aborted', () => {
    const failed = fixture('vmim-aborted.json');
    delete failed.status.conditions;
    failed.status.migrationState.abortStatus = undefined;
    failed.status.migrationState.abortRequested = false;
    failed.status.migrationState.failureReason = 'source virt-handler: migration failed: libvirt error';
    expect(migrationFrom(failed)).toMatchObject({ outcome: 'failed', failureReason: 'source virt-handler: migration failed: libvirt error' });

    const cancelled = fixture('vmim-aborted.json');
    delete cancelled.status.migrationState;
    expect(migrationFrom(cancelled)).toMatchObject({ outcome: 'aborted', ended: '2026-11-27T21:53:43Z' });
  });

  it('a migration in flight has no end and no outcome source', () => {
    const m = migrationFrom(fixture('vmim-memory-running.json'))!;
    expect(m).toMatchObject({ phase: 'TargetReady', outcome: 'in-flight', vmi: 'virtwork-memory-0' });
    expect(m.ended).toBeUndefined();
    expect(m.outcomeFrom).toBeUndefined();
  });

  it('fills nodes, pods and times from the VMI migrationState only when its migrationUid matches', () => {
    const bare = fixture('vmim-memory-succeeded.json');
    delete bare.status.migrationState;
    const vs = readMigrationState(fixture('vmi-memory-migrated.json').status.migrationState);
    const m = migrationFrom(bare, undefined, undefined, vs)!;
    expect(m).toMatchObject({ sourceNode: 'kv-worker-02', targetNode: 'kv-worker-03', started: '2026-11-27T21:52:56Z', ended: '2026-11-27T21:52:57Z', targetPod: 'virt-launcher-virtwork-memory-0-gsd85' });
    const other = migrationFrom(bare, undefined, undefined, { ...vs!, uid: 'someone-else' })!;
    expect(other.sourceNode).toBeUndefined();
    expect(other.ended).toBe('2026-11-27T21:52:57Z'); // from the Succeeded transition
  });

  it('keeps what an earlier sighting knew (IPs, the run) when the next event lacks it', () => {
    const first = migrationFrom(fixture('vmim-memory-running.json'), undefined, RUN_ID)!;
    const withIps = { ...first, ipsBefore: ['10.244.1.4'] };
    const next = fixture('vmim-memory-running.json');
    next.status.phase = 'Running';
    const m = migrationFrom(next, withIps)!;
    expect(m).toMatchObject({ cause: 'chaos', runId: RUN_ID, ipsBefore: ['10.244.1.4'], phase: 'Running' });
  });

  it('returns undefined for an object without a uid', () => {
    expect(migrationFrom({ metadata: { name: 'x' } })).toBeUndefined();
  });
});
