import { describe, expect, it } from 'vitest';
import {
  type ControllerStatus,
  formatSettingsLine,
  formatStatusData,
  type MigrationRecord,
  parseRecord,
  parseSettingsLine,
  parseStatusData,
  STATUS_KEYS,
} from '../../src/cloudinit/status-format.js';

const record = (i: number, extra: Partial<MigrationRecord> = {}): MigrationRecord => ({
  vmi: `virtwork-cpu-${i}`,
  migration: `virtwork-chaos-migration-${i}`,
  uid: `uid-${i}`,
  trigger: '2026-01-02T03:04:05Z',
  result: 'succeeded',
  source: 'node-a',
  target: 'node-b',
  duration: 42,
  reason: '',
  ...extra,
});

const status: ControllerStatus = {
  heartbeat: '2026-01-02T03:04:09Z',
  state: 'migrating',
  nextMigration: '',
  currentMigration: 'virtwork-chaos-migration-3',
  currentVmi: 'virtwork-cpu-3',
  succeeded: 1,
  failed: 1,
  timeouts: 0,
  skipped: 1,
  consecutiveFailures: 1,
  configResourceVersion: '12345',
  settings: {
    'migration-interval-min': '120',
    'migration-interval-max': '600',
    'migration-timeout': '300',
    'migration-target-labels': 'tier in (a, b)',
    'migration-exclude-components': '',
    'migration-dry-run': 'false',
    paused: 'false',
    trigger: 'virtctl',
    namespace: 'virtwork',
  },
  runId: 'run-1',
  records: [
    record(1),
    record(2, { result: 'failed', reason: 'Migration failed: "target" said\nno \\ way', target: '' }),
    record(3, { result: 'rejected', migration: '', uid: '', duration: 0, reason: 'Cannot migrate VMI, Reason: DisksNotLiveMigratable' }),
  ],
};

describe('status ConfigMap format', () => {
  it('writes exactly the documented keys', () => {
    expect(Object.keys(formatStatusData(status)).sort()).toEqual([...STATUS_KEYS].sort());
  });

  it('round-trips status -> data -> status and data -> status -> data', () => {
    const data = formatStatusData(status);
    expect(parseStatusData(data)).toEqual({ status, problems: [] });
    expect(formatStatusData(parseStatusData(data).status)).toEqual(data);
  });

  it('quotes settings values like the script and parses them back', () => {
    const line = formatSettingsLine(status.settings);
    expect(line).toBe(
      'migration-interval-min=120 migration-interval-max=600 migration-timeout=300 migration-target-labels="tier in (a, b)" migration-exclude-components="" migration-dry-run=false paused=false trigger=virtctl namespace=virtwork',
    );
    expect(parseSettingsLine(line)).toEqual(status.settings);
    expect(parseSettingsLine('a="x \\"y\\"" b=c=d')).toEqual({ a: 'x "y"', b: 'c=d' });
  });

  it('is lenient: an empty or damaged ConfigMap gives defaults and problems, never a throw', () => {
    expect(parseStatusData(undefined).status.records).toEqual([]);
    const parsed = parseStatusData({ state: 'exploded', succeeded: 'many', records: '{"vmi":"a","result":"succeeded"}\nnot json\n{"vmi":1}' });
    expect(parsed.status.state).toBeUndefined();
    expect(parsed.status.succeeded).toBe(0);
    expect(parsed.status.records).toEqual([
      { vmi: 'a', migration: '', uid: '', trigger: '', result: 'succeeded', source: '', target: '', duration: 0, reason: '' },
    ]);
    expect(parsed.problems).toEqual(['unknown state "exploded"', 'records line 2 is not a migration record', 'records line 3 is not a migration record']);
  });

  it('keeps at most the newest 200 records', () => {
    const many = Array.from({ length: 250 }, (_, i) => record(i));
    const parsed = parseStatusData(formatStatusData({ ...status, records: many }));
    expect(parsed.status.records).toHaveLength(200);
    expect(parsed.status.records[0]!.vmi).toBe('virtwork-cpu-50');
    expect(parseRecord('{"vmi":"x","result":"nope"}')).toBeUndefined();
  });
});
