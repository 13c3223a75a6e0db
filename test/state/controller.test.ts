import { describe, expect, it } from 'vitest';
import { formatStatusData, type MigrationRecord, parseStatusData } from '../../src/cloudinit/status-format.js';
import { controllerAttempts, controllerViewFrom, migrationsFromStatusRecords } from '../../src/state/controller.js';
import { fixture, RUN_ID } from './helpers/fixtures.js';

describe('controllerViewFrom', () => {
  it('reads the real status ConfigMap', () => {
    const v = controllerViewFrom(fixture('status-configmap.json'));
    expect(v).toMatchObject({
      present: true,
      state: 'idle',
      heartbeatAt: Date.parse('2026-11-27T21:52:50Z'),
      nextMigrationAt: Date.parse('2026-11-27T21:52:53Z'),
      paused: false,
      dryRun: false,
      runId: RUN_ID,
      configResourceVersion: '1076',
      counters: { succeeded: 3, failed: 0, timeouts: 0, skipped: 0, consecutiveFailures: 0 },
    });
    expect(v.settings['migration-interval-min']).toBe('2');
    expect(v.records).toHaveLength(3);
    expect(v.currentMigration).toBeUndefined();
  });

  it('is paused when the settings say so even while the state word is still another', () => {
    const cm = fixture('status-configmap.json');
    cm.data.settings = cm.data.settings.replace('paused=false', 'paused=true');
    expect(controllerViewFrom(cm)).toMatchObject({ paused: true, state: 'idle' });
    cm.data.state = 'dry-run';
    expect(controllerViewFrom(cm).dryRun).toBe(true);
  });

  it('is absent without a ConfigMap and never throws on garbage data', () => {
    expect(controllerViewFrom(undefined)).toMatchObject({ present: false, paused: false, records: [] });
    const v = controllerViewFrom({ metadata: { name: 'virtwork-chaos-migration-status' }, data: { heartbeat: 'yesterday', state: 'dancing', records: '{oops\n', succeeded: '-1' } });
    expect(v).toMatchObject({ present: true, records: [], counters: { succeeded: 0 } });
    expect(v.heartbeatAt).toBeUndefined();
    expect(v.state).toBeUndefined();
  });
});

describe('migrationsFromStatusRecords', () => {
  const rec = (over: Partial<MigrationRecord>): MigrationRecord => ({
    vmi: 'virtwork-cpu-0',
    migration: 'kubevirt-migrate-vm-aaaaa',
    uid: 'uid-1',
    trigger: '2026-11-27T21:00:00Z',
    result: 'succeeded',
    source: 'kv-worker-01',
    target: 'kv-worker-02',
    duration: 12,
    reason: '',
    ...over,
  });

  it('turns the real records into chaos migrations of the run, ended = trigger + duration', () => {
    const records = parseStatusData(fixture('status-configmap.json').data).status.records;
    const ms = migrationsFromStatusRecords(records, 'virtwork', RUN_ID);
    expect(ms.map((m) => m.name)).toEqual(['kubevirt-migrate-vm-4ck4b', 'kubevirt-migrate-vm-5jspr', 'kubevirt-migrate-vm-wfdpn']);
    expect(ms[0]).toEqual({
      uid: 'd9961951-5d28-466a-960a-af285369396c',
      name: 'kubevirt-migrate-vm-4ck4b',
      namespace: 'virtwork',
      vmi: 'virtwork-cpu-1',
      cause: 'chaos',
      runId: RUN_ID,
      phase: '',
      phaseTimes: {},
      created: '2026-11-27T21:52:28Z',
      ended: '2026-11-27T21:52:31Z',
      sourceNode: 'kv-worker-03',
      targetNode: 'kv-worker-02',
      outcome: 'succeeded',
      outcomeFrom: 'controller',
    });
  });

  it('keeps dry-run, rejected and VMIM-less rounds out of history, and hands them to reports', () => {
    const records = [
      rec({ uid: 'u-ok' }),
      rec({ uid: '', migration: '', result: 'dry-run', reason: 'dry run: would migrate virtwork-cpu-0 from kv-worker-01' }),
      rec({ uid: '', migration: '', result: 'rejected', reason: 'Cannot migrate VMI, Reason: DisksNotLiveMigratable' }),
      rec({ uid: '', migration: '', result: 'failed', reason: 'virtctl migrate was accepted but no new VirtualMachineInstanceMigration appeared' }),
      rec({ uid: 'u-timeout', result: 'timeout', reason: 'no result after 300s, cancelled' }),
      rec({ uid: 'u-failed', result: 'failed', reason: 'boom' }),
    ];
    const ms = migrationsFromStatusRecords(records, 'virtwork', RUN_ID);
    expect(ms.map((m) => [m.uid, m.outcome, m.failureReason])).toEqual([
      ['u-ok', 'succeeded', undefined],
      ['u-timeout', 'timeout', 'no result after 300s, cancelled'],
      ['u-failed', 'failed', 'boom'],
    ]);
    expect(controllerAttempts(records).map((r) => r.result)).toEqual(['dry-run', 'rejected', 'failed']);
  });

  it('round-trips through the format the script writes', () => {
    const status = parseStatusData(fixture('status-configmap.json').data).status;
    const again = controllerViewFrom({ metadata: { name: 'virtwork-chaos-migration-status' }, data: formatStatusData(status) });
    expect(again.records).toEqual(status.records);
  });
});
