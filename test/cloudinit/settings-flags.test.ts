import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addSettingsOptions, paramsToInput, settingsFromOptions, splitParams } from '../../src/cloudinit/settings-flags.js';

function parse(args: string[], env: Record<string, string> = {}) {
  const cmd = addSettingsOptions(new Command('x').exitOverride());
  cmd.parse(args, { from: 'user' });
  return settingsFromOptions(cmd.opts(), env);
}

describe('settings flags', () => {
  it('maps every flag of the issue, with short aliases', () => {
    const s = parse([
      '-n', 'chaos',
      '--migration-interval-min', '30',
      '--migration-interval-max', '60',
      '--migration-timeout', '90',
      '-l', 'tier=web',
      '--migration-exclude-components', 'cpu,disk',
      '--migration-dry-run',
      '--trigger', 'vmim',
      '--virtctl-version', 'v1.6.2',
      '--virtctl-url', 'https://example.test/{arch}/virtctl',
      '--kubectl-version', 'v1.32.1',
      '--kubectl-url', 'https://example.test/{arch}/kubectl',
      '--container-disk-image', 'quay.io/containerdisks/fedora:41',
      '--api-server', 'https://10.0.0.1:6443',
      '--run-id', 'r-1',
    ]);
    expect(s).toEqual({
      namespace: 'chaos',
      migrationIntervalMin: 30,
      migrationIntervalMax: 60,
      migrationTimeout: 90,
      migrationTargetLabels: 'tier=web',
      migrationExcludeComponents: ['cpu', 'disk'],
      migrationDryRun: true,
      trigger: 'vmim',
      virtctlVersion: 'v1.6.2',
      virtctlUrl: 'https://example.test/{arch}/virtctl',
      kubectlVersion: 'v1.32.1',
      kubectlUrl: 'https://example.test/{arch}/kubectl',
      containerDiskImage: 'quay.io/containerdisks/fedora:41',
      apiServer: 'https://10.0.0.1:6443',
      runId: 'r-1',
    });
  });

  it('takes --migration-dry-run=false and --long=value forms', () => {
    expect(parse(['--migration-dry-run=false']).migrationDryRun).toBe(false);
    expect(parse(['--migration-dry-run', 'true']).migrationDryRun).toBe(true);
    expect(parse(['--namespace=ns2']).namespace).toBe('ns2');
  });

  it("accepts virtwork's --params form", () => {
    const s = parse(['--params', 'chaos-migration.migration-interval-min=30,chaos-migration.migration-dry-run=true']);
    expect(s.migrationIntervalMin).toBe(30);
    expect(s.migrationDryRun).toBe(true);
  });

  it('keeps commas inside one parameter and skips other workloads', () => {
    expect(splitParams('chaos-migration.migration-exclude-components=cpu,disk,cpu.threads=4,chaos-migration.migration-target-labels=a=b,c!=d')).toEqual([
      'chaos-migration.migration-exclude-components=cpu,disk',
      'cpu.threads=4',
      'chaos-migration.migration-target-labels=a=b,c!=d',
    ]);
    const s = parse(['--params', 'chaos-migration.migration-exclude-components=cpu,disk,cpu.threads=4', '--params', 'chaos-migration.migration-target-labels=a=b,c!=d']);
    expect(s.migrationExcludeComponents).toEqual(['cpu', 'disk']);
    expect(s.migrationTargetLabels).toBe('a=b,c!=d');
  });

  it('lets flags win over --params, and --params over VIRTWORK_PARAMS', () => {
    const env = { VIRTWORK_PARAMS: 'chaos-migration.migration-interval-min=10,chaos-migration.migration-timeout=50' };
    const s = parse(['--params', 'chaos-migration.migration-interval-min=20,chaos-migration.migration-interval-max=40', '--migration-interval-max', '45'], env);
    expect([s.migrationIntervalMin, s.migrationIntervalMax, s.migrationTimeout]).toEqual([20, 45, 50]);
  });

  it('refuses malformed and unknown parameters with one message', () => {
    expect(() => paramsToInput(['migration-interval-min=3'])).toThrow(
      '--params entry "migration-interval-min=3" must be <workload>.<param>=<value>, e.g. chaos-migration.migration-interval-min=30',
    );
    expect(() => paramsToInput(['chaos-migration.interval=3'])).toThrow(
      '--params: unknown chaos-migration parameter "interval" (known: migration-interval-min, migration-interval-max, migration-timeout, migration-target-labels, migration-exclude-components, migration-dry-run)',
    );
  });

  it('validates --params values like flags', () => {
    expect(() => parse(['--params', 'chaos-migration.migration-interval-min=300,chaos-migration.migration-interval-max=120'])).toThrow(
      'migration-interval-min (300) must not be greater than migration-interval-max (120)',
    );
  });
});
