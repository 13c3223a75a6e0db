import { describe, expect, it } from 'vitest';
import {
  applyConfigData,
  configPatch,
  parseConfigAssignment,
  settingsToConfigData,
} from '../../src/cloudinit/config-data.js';
import {
  DEFAULT_SETTINGS,
  parseSettings,
  safeParseSettings,
  type SettingsInput,
  SettingsError,
} from '../../src/cloudinit/settings.js';

const fixedId = { newRunId: () => 'run-1' };

describe('parseSettings', () => {
  it('applies the defaults of the issue and generates a run id', () => {
    const s = parseSettings({});
    expect(s).toMatchObject({
      namespace: 'virtwork',
      migrationIntervalMin: 120,
      migrationIntervalMax: 600,
      migrationTimeout: 300,
      migrationTargetLabels: '',
      migrationExcludeComponents: [],
      migrationDryRun: false,
      trigger: 'virtctl',
      containerDiskImage: 'quay.io/containerdisks/fedora:42',
      apiServer: 'https://kubernetes.default.svc',
    });
    expect(s.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(parseSettings({}).runId).not.toBe(s.runId);
  });

  it('accepts text as flags deliver it and normalises it', () => {
    const s = parseSettings(
      {
        migrationIntervalMin: ' 30 ',
        migrationIntervalMax: '60',
        migrationExcludeComponents: 'cpu, disk,cpu,',
        migrationDryRun: 'TRUE',
        migrationTargetLabels: 'tier in (a, b),!canary',
        trigger: 'vmim',
        virtctlUrl: 'https://downloads.example/{arch}/linux/virtctl.tar.gz',
      },
      fixedId,
    );
    expect(s).toMatchObject({
      migrationIntervalMin: 30,
      migrationIntervalMax: 60,
      migrationExcludeComponents: ['cpu', 'disk'],
      migrationDryRun: true,
      migrationTargetLabels: 'tier in (a, b),!canary',
      trigger: 'vmim',
      runId: 'run-1',
    });
  });

  it('accepts components found in the cluster when the caller passes them', () => {
    expect(() => parseSettings({ migrationExcludeComponents: 'chaos-disk' })).toThrow(SettingsError);
    expect(parseSettings({ migrationExcludeComponents: 'chaos-disk' }, { knownComponents: ['chaos-disk'] }).migrationExcludeComponents).toEqual([
      'chaos-disk',
    ]);
  });

  // Each bad value, alone, and the exact message it gives.
  const table: [string, SettingsInput, string][] = [
    ['min > max', { migrationIntervalMin: '300', migrationIntervalMax: '120' }, 'migration-interval-min (300) must not be greater than migration-interval-max (120)'],
    ['min > default max', { migrationIntervalMin: 900 }, 'migration-interval-min (900) must not be greater than migration-interval-max (600)'],
    ['non-integer', { migrationIntervalMin: 'abc' }, 'migration-interval-min ("abc") must be a whole number of seconds'],
    ['fraction', { migrationIntervalMax: '1.5' }, 'migration-interval-max ("1.5") must be a whole number of seconds'],
    ['empty', { migrationTimeout: '' }, 'migration-timeout ("") must be a whole number of seconds'],
    ['zero', { migrationTimeout: '0' }, 'migration-timeout (0) must be at least 1 second'],
    ['negative', { migrationIntervalMin: '-5' }, 'migration-interval-min (-5) must be at least 1 second'],
    ['too long', { migrationIntervalMax: '604801' }, 'migration-interval-max (604801) must be at most 604800 seconds (7 days)'],
    [
      'bad selector',
      { migrationTargetLabels: 'tier in (a' },
      `migration-target-labels ("tier in (a") is not a valid label selector: unable to parse requirement: found '', expected: ')'`,
    ],
    [
      'bad selector operator',
      { migrationTargetLabels: 'a b' },
      `migration-target-labels ("a b") is not a valid label selector: unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`,
    ],
    [
      'unknown component',
      { migrationExcludeComponents: 'cpu,gpu' },
      'migration-exclude-components: unknown component "gpu" (known: cpu, memory, disk, database, network, chaos-migration)',
    ],
    ['dry-run not boolean', { migrationDryRun: 'maybe' }, 'migration-dry-run ("maybe") must be true or false'],
    [
      'namespace',
      { namespace: 'Bad_NS' },
      `namespace ("Bad_NS") must be a valid namespace name: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
    ],
    ['trigger', { trigger: 'kubectl' }, 'trigger ("kubectl") must be virtctl or vmim'],
    ['virtctl version', { virtctlVersion: '1.7' }, 'virtctl-version ("1.7") must be a release tag like v1.7.0'],
    ['kubectl version', { kubectlVersion: 'latest' }, 'kubectl-version ("latest") must be a release tag like v1.7.0'],
    ['virtctl url', { virtctlUrl: 'ftp://x/virtctl' }, 'virtctl-url ("ftp://x/virtctl") must be an http:// or https:// URL'],
    ['kubectl url with a space', { kubectlUrl: 'https://x/a b' }, 'kubectl-url ("https://x/a b") must be an http:// or https:// URL'],
    ['api server', { apiServer: 'kubernetes.default.svc' }, 'api-server ("kubernetes.default.svc") must be an http:// or https:// URL'],
    [
      'image',
      { containerDiskImage: 'quay.io/Bad Image' },
      'container-disk-image ("quay.io/Bad Image") must be a container image reference like quay.io/containerdisks/fedora:42',
    ],
    [
      'run id',
      { runId: 'not a label!' },
      `run-id ("not a label!") must be a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    ],
  ];
  it.each(table)('%s', (_name, input, message) => {
    const r = safeParseSettings(input, fixedId);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([message]);
    expect(() => parseSettings(input, fixedId)).toThrow(message);
  });

  it('reports every problem, the first as the message', () => {
    try {
      parseSettings({ migrationTimeout: '0', trigger: 'x' }, fixedId);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      expect((e as SettingsError).problems).toHaveLength(2);
      expect((e as SettingsError).message).toBe('migration-timeout (0) must be at least 1 second');
    }
  });
});

describe('config ConfigMap form', () => {
  const base = parseSettings({ migrationExcludeComponents: 'cpu', migrationTargetLabels: 'a=b' }, fixedId);

  it('renders every live setting and never `paused`', () => {
    expect(settingsToConfigData(base)).toEqual({
      'migration-interval-min': '120',
      'migration-interval-max': '600',
      'migration-timeout': '300',
      'migration-target-labels': 'a=b',
      'migration-exclude-components': 'cpu',
      'migration-dry-run': 'false',
    });
  });

  it('round-trips through applyConfigData', () => {
    const live = applyConfigData({ ...DEFAULT_SETTINGS, runId: 'x' }, settingsToConfigData(base));
    expect(live).toEqual({ settings: { ...base, runId: 'x' }, paused: false, ignored: [] });
  });

  it('ignores invalid values and an inconsistent interval pair, as the script does', () => {
    const live = applyConfigData(base, {
      'migration-interval-min': '900',
      'migration-timeout': 'soon',
      'migration-dry-run': 'true',
      paused: 'true',
      unrelated: 'x',
    });
    expect(live.settings.migrationIntervalMin).toBe(120);
    expect(live.settings.migrationIntervalMax).toBe(600);
    expect(live.settings.migrationTimeout).toBe(300);
    expect(live.settings.migrationDryRun).toBe(true);
    expect(live.paused).toBe(true);
    expect(live.ignored).toEqual([
      'migration-timeout ("soon") must be a whole number of seconds',
      'migration-interval-min (900) must not be greater than migration-interval-max (600)',
    ]);
  });

  it('parses KEY=VALUE for `set`', () => {
    expect(parseConfigAssignment('migration-interval-min=30')).toEqual({ key: 'migration-interval-min', value: '30' });
    expect(parseConfigAssignment('migration-target-labels=tier in (a, b)')).toEqual({ key: 'migration-target-labels', value: 'tier in (a, b)' });
    expect(parseConfigAssignment('migration-exclude-components=disk, cpu')).toEqual({ key: 'migration-exclude-components', value: 'disk,cpu' });
    expect(parseConfigAssignment('paused=TRUE')).toEqual({ key: 'paused', value: 'true' });
    expect(() => parseConfigAssignment('interval=3')).toThrow(
      'unknown setting "interval" (known: migration-interval-min, migration-interval-max, migration-timeout, migration-target-labels, migration-exclude-components, migration-dry-run, paused)',
    );
    expect(() => parseConfigAssignment('migration-timeout')).toThrow('"migration-timeout" must be KEY=VALUE, for example migration-interval-min=60');
    expect(() => parseConfigAssignment('migration-timeout=-1')).toThrow('migration-timeout (-1) must be at least 1 second');
  });

  it('checks min <= max on the merged values and returns only the changes', () => {
    const current = settingsToConfigData(base);
    expect(configPatch(current, ['migration-interval-max=60', 'migration-interval-min=30'], base)).toEqual({
      'migration-interval-max': '60',
      'migration-interval-min': '30',
    });
    expect(() => configPatch(current, ['migration-interval-max=60'], base)).toThrow(
      'migration-interval-min (120) must not be greater than migration-interval-max (60)',
    );
    expect(() => configPatch(current, ['nope=1', 'paused=maybe'], base)).toThrow(SettingsError);
  });
});
