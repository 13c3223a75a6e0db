import { describe, expect, it } from 'vitest';
import { applyConfigData } from '../../src/cloudinit/config-data.js';
import { parseSettings } from '../../src/cloudinit/settings.js';
import { parseRecord, parseSettingsLine } from '../../src/cloudinit/status-format.js';
import { sourced } from './bash.js';

describe('controller script, sourced', () => {
  it('defines functions without running the loop', () => {
    const r = sourced('declare -F main random_between json_escape filter_targets >/dev/null && echo defined');
    expect(r).toEqual({ stdout: 'defined\n', stderr: '', status: 0 });
  });

  it('draws uniform random intervals within [min, max]', () => {
    const r = sourced('for i in $(seq 400); do random_between 3 7; done; random_between 5 5; random_between 1 604800');
    const values = r.stdout.trim().split('\n').map(Number);
    const draws = values.slice(0, 400);
    expect(draws.every((v) => v >= 3 && v <= 7)).toBe(true);
    expect(new Set(draws)).toEqual(new Set([3, 4, 5, 6, 7]));
    for (const v of [3, 4, 5, 6, 7]) expect(draws.filter((d) => d === v).length).toBeGreaterThan(40);
    expect(values[400]).toBe(5);
    expect(values[401]).toBeGreaterThanOrEqual(1);
    expect(values[401]).toBeLessThanOrEqual(604800);
  });

  it.each([
    'plain',
    'quote " backslash \\ slash /',
    'new\nline\r\ttab',
    'control \u0001 \u001f chars',
    'unicode ü ✓ and $(rm -rf /) `x`',
    '',
  ])('escapes %j for JSON', (text) => {
    const r = sourced('printf \'"%s"\' "$(json_escape "$S")"', { env: { S: text } });
    expect(JSON.parse(r.stdout)).toBe(text);
  });

  it('keeps only eligible VMIs from kubectl-like discovery lines', () => {
    // name|phase|LiveMigratable|reason|component|node|migration-target-node|vm|vm-uid|uid|deleting
    const input = [
      'virtwork-cpu-0|Running|True||cpu|node-a||virtwork-cpu-0|vm-1|vmi-1|',
      'virtwork-disk-0|Running|False|DisksNotLiveMigratable|disk|node-b||virtwork-disk-0|vm-2|vmi-2|',
      'virtwork-memory-0|Scheduling|||memory|||virtwork-memory-0|vm-3|vmi-3|',
      'virtwork-chaos-migration-0|Running|True||chaos-migration|node-a||virtwork-chaos-migration-0|vm-4|vmi-4|',
      'other-controller|Running|True||chaos-migration|node-a||other-controller|vm-5|vmi-5|',
      'virtwork-database-0|Running|True||database|node-a||virtwork-database-0|vm-6|vmi-6|',
      'virtwork-network-0|Running|True||network|node-a|node-b|virtwork-network-0|vm-7|vmi-7|',
      'virtwork-cpu-1|Running|True||cpu|node-c||virtwork-cpu-1|vm-8|vmi-8|',
      'virtwork-cpu-2|Running|True||cpu|node-c||virtwork-cpu-2|vm-9|vmi-9|2026-01-01T00:00:00Z',
      'virtwork-cpu-3|Running|True||cpu|node-c||virtwork-cpu-3|vm-10|vmi-10|',
      'bare-vmi|Running|True||cpu|node-c||||vmi-11|',
      'virtwork-cpu-4|Running|||cpu|node-c||virtwork-cpu-4|vm-12|vmi-12|',
      '',
    ].join('\n');
    const r = sourced('filter_targets virtwork-chaos-migration-0 database "virtwork-cpu-1" "virtwork-cpu-3" vm', { input });
    expect(r.stdout.trim().split('\n')).toEqual([
      'ok|virtwork-cpu-0|node-a|virtwork-cpu-0|vm-1|vmi-1',
      'no|virtwork-disk-0|not-live-migratable:DisksNotLiveMigratable',
      'no|virtwork-memory-0|not-running:Scheduling',
      'no|virtwork-chaos-migration-0|self',
      'no|other-controller|controller',
      'no|virtwork-database-0|excluded-component:database',
      'no|virtwork-network-0|migration-in-flight',
      'no|virtwork-cpu-1|migration-in-flight',
      'no|virtwork-cpu-2|being-deleted',
      'no|virtwork-cpu-3|skipped-after-rejection',
      'no|bare-vmi|no-virtualmachine',
      'no|virtwork-cpu-4|not-live-migratable:no-condition',
    ]);
    // The vmim trigger needs no VirtualMachine.
    const vmim = sourced('filter_targets self "" "" ""', { input: 'bare-vmi|Running|True||cpu|node-c||||vmi-11|\n' });
    expect(vmim.stdout).toBe('ok|bare-vmi|node-c|||vmi-11\n');
  });

  it.each([
    ['Error migrating VirtualMachine Internal error occurred: admission webhook "migration-create-validator.kubevirt.io" denied the request: Cannot migrate VMI, Reason: DisksNotLiveMigratable, Message: cannot migrate VMI: PVC debian12-root-disk is not shared', 'rejected'],
    ['Error from server: error when creating "x": admission webhook "migration-create-validator.kubevirt.io" denied the request: in-flight migration detected. Active migration job (1) is currently already in progress for VMI vmi-migratable.', 'busy'],
    ['Error migrating VirtualMachine Operation cannot be fulfilled on virtualmachine.kubevirt.io "vm-migratable": VM is not running', 'not-running'],
    ['virtualmachines.subresources.kubevirt.io "my-vm" is forbidden: User "system:serviceaccount:ns:sa" cannot update resource "virtualmachines/migrate"', 'forbidden'],
    ['Error from server (NotFound): virtualmachines.kubevirt.io "gone" not found', 'not-found'],
    ['Unable to connect to the server: dial tcp 10.0.0.1:443: connect: connection refused', 'error'],
  ])('classifies %j', (message, kind) => {
    expect(sourced('classify_trigger_error "$M"', { env: { M: message } }).stdout).toBe(`${kind}\n`);
  });

  it('logs one line per event with stable key=value fields', () => {
    const r = sourced('log_event migration result=succeeded vmi=v1 migration=m1 from=n1 to=n2 duration=42s "reason=has \\"quotes\\" and spaces" empty=');
    const line = r.stdout.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ event=migration /);
    expect(parseSettingsLine(line.slice(line.indexOf(' ') + 1))).toEqual({
      event: 'migration',
      result: 'succeeded',
      vmi: 'v1',
      migration: 'm1',
      from: 'n1',
      to: 'n2',
      duration: '42s',
      reason: 'has "quotes" and spaces',
      empty: '',
    });
  });

  it('reduces error output to its last non-klog line', () => {
    const text = 'E1127 21:30:27.590656   13658 memcache.go:265] "Unhandled Error" err="x"\nError from server (ServiceUnavailable): down\n';
    expect(sourced('one_line "$T"', { env: { T: text } }).stdout).toBe('Error from server (ServiceUnavailable): down');
  });

  it('writes records the TypeScript parser reads', () => {
    const r = sourced('make_record vm1 mig1 uid1 1767225600 failed n1 "" 7 "$R"', { env: { R: 'it said "no"\nthen quit' } });
    expect(parseRecord(r.stdout)).toEqual({
      vmi: 'vm1',
      migration: 'mig1',
      uid: 'uid1',
      trigger: '2026-01-01T00:00:00Z',
      result: 'failed',
      source: 'n1',
      target: '',
      duration: 7,
      reason: 'it said "no"\nthen quit',
    });
  });

  // The script and applyConfigData must take the same decisions on the same ConfigMap.
  const base = parseSettings({ runId: 'r', migrationIntervalMin: 30, migrationIntervalMax: 90, migrationTimeout: 100, migrationExcludeComponents: 'cpu' });
  const env = {
    MIGRATION_INTERVAL_MIN: '30',
    MIGRATION_INTERVAL_MAX: '90',
    MIGRATION_TIMEOUT: '100',
    MIGRATION_EXCLUDE_COMPONENTS: 'cpu',
    MIGRATION_RUN_ID: 'r',
  };
  it.each<[string, Record<string, string>]>([
    ['valid overrides', { 'migration-interval-min': '5', 'migration-interval-max': '10', 'migration-timeout': '20', 'migration-dry-run': 'TRUE', paused: 'true' }],
    ['invalid timeout ignored', { 'migration-timeout': 'soon' }],
    ['min > max ignored as a pair', { 'migration-interval-min': '200' }],
    ['exclusions with spaces, selector', { 'migration-exclude-components': 'disk, memory', 'migration-target-labels': 'tier in (a, b)' }],
    ['bad booleans ignored', { 'migration-dry-run': 'yes', paused: 'maybe' }],
    ['empty strings clear the selector and the exclusions', { 'migration-target-labels': '', 'migration-exclude-components': '' }],
    ['no ConfigMap data at all', {}],
  ])('applies the config map like applyConfigData: %s', (_name, data) => {
    const keys = ['migration-interval-min', 'migration-interval-max', 'migration-timeout', 'migration-target-labels', 'migration-exclude-components', 'migration-dry-run', 'paused'];
    // Only the keys present go into CFG, as read_config fills it; values travel in the environment.
    const present = keys.filter((k) => data[k] !== undefined);
    const fill = present.map((k, i) => `CFG[${k}]="$CM_${i}"`).join('; ');
    const vars = Object.fromEntries(present.map((k, i) => [`CM_${i}`, data[k]!]));
    const r = sourced(`init_settings >/dev/null; ${fill}
apply_config 7 >/dev/null; settings_line`, { env: { ...env, ...vars } });
    const fromScript = parseSettingsLine(r.stdout);
    const live = applyConfigData(base, data);
    expect(fromScript).toMatchObject({
      'migration-interval-min': String(live.settings.migrationIntervalMin),
      'migration-interval-max': String(live.settings.migrationIntervalMax),
      'migration-timeout': String(live.settings.migrationTimeout),
      'migration-target-labels': live.settings.migrationTargetLabels,
      'migration-exclude-components': live.settings.migrationExcludeComponents.join(','),
      'migration-dry-run': String(live.settings.migrationDryRun),
      paused: String(live.paused),
    });
  });

  it('logs an ignored config value', () => {
    const r = sourced('init_settings >/dev/null; CFG[migration-timeout]=soon; apply_config 7', { env });
    expect(r.stdout).toMatch(/event=config-invalid source=configmap key=migration-timeout value=soon /);
  });
});
