// The config ConfigMap form of the live settings (virtwork-chaos-migration-config).
// Its keys are the request's parameter names plus `paused`; the controller
// script re-reads it every few seconds. Rendered data leaves `paused` out so
// that re-applying the manifests never resumes a paused controller.

import {
  checkBoolean,
  checkComponents,
  checkSeconds,
  checkSelector,
  KNOWN_COMPONENTS,
  type ParseOptions,
  type Settings,
  SettingsError,
} from './settings.js';

export const CONFIG_KEYS = [
  'migration-interval-min',
  'migration-interval-max',
  'migration-timeout',
  'migration-target-labels',
  'migration-exclude-components',
  'migration-dry-run',
  'paused',
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type ConfigData = Record<string, string>;

type LiveField = 'migrationIntervalMin' | 'migrationIntervalMax' | 'migrationTimeout' | 'migrationTargetLabels' | 'migrationExcludeComponents' | 'migrationDryRun';

/** ConfigMap key -> Settings field, for every key but `paused`. */
export const FIELD_OF_KEY: { readonly [K in Exclude<ConfigKey, 'paused'>]: LiveField } = {
  'migration-interval-min': 'migrationIntervalMin',
  'migration-interval-max': 'migrationIntervalMax',
  'migration-timeout': 'migrationTimeout',
  'migration-target-labels': 'migrationTargetLabels',
  'migration-exclude-components': 'migrationExcludeComponents',
  'migration-dry-run': 'migrationDryRun',
};

export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key);
}

/** The rendered ConfigMap data: every live setting, and no `paused`. */
export function settingsToConfigData(s: Settings): ConfigData {
  return {
    'migration-interval-min': String(s.migrationIntervalMin),
    'migration-interval-max': String(s.migrationIntervalMax),
    'migration-timeout': String(s.migrationTimeout),
    'migration-target-labels': s.migrationTargetLabels,
    'migration-exclude-components': s.migrationExcludeComponents.join(','),
    'migration-dry-run': String(s.migrationDryRun),
  };
}

/** Validates one value of `key`; returns the problem or the normalised value. */
export function checkConfigValue(key: ConfigKey, value: string, opts: ParseOptions = {}): { value: string } | { error: string } {
  const known = [...KNOWN_COMPONENTS, ...(opts.knownComponents ?? [])];
  const r =
    key === 'migration-interval-min' || key === 'migration-interval-max' || key === 'migration-timeout'
      ? checkSeconds(key)(value)
      : key === 'migration-target-labels'
        ? checkSelector(value)
        : key === 'migration-exclude-components'
          ? checkComponents(known)(value)
          : checkBoolean(key)(value);
  if ('error' in r) return r;
  return { value: Array.isArray(r.value) ? r.value.join(',') : String(r.value) };
}

export interface LiveConfig {
  settings: Settings;
  paused: boolean;
  /** One sentence per value that was ignored, as the script logs them. */
  ignored: string[];
}

/**
 * What the script does with the ConfigMap: each valid value overrides the
 * base (the unit's) setting, an invalid one is ignored, and an interval pair
 * with min > max is ignored as a pair. Used by the TUI to show the effective
 * schedule and by tests to pin the script's rules.
 */
export function applyConfigData(base: Settings, data: ConfigData | undefined, opts: ParseOptions = {}): LiveConfig {
  const settings: Settings = { ...base, migrationExcludeComponents: [...base.migrationExcludeComponents] };
  const ignored: string[] = [];
  let paused = false;
  for (const key of CONFIG_KEYS) {
    const raw = data?.[key];
    if (raw === undefined) continue;
    const r = checkConfigValue(key, raw, opts);
    if ('error' in r) {
      ignored.push(r.error);
      continue;
    }
    if (key === 'paused') paused = r.value === 'true';
    else setField(settings, FIELD_OF_KEY[key], r.value);
  }
  if (settings.migrationIntervalMin > settings.migrationIntervalMax) {
    ignored.push(
      `migration-interval-min (${settings.migrationIntervalMin}) must not be greater than migration-interval-max (${settings.migrationIntervalMax})`,
    );
    settings.migrationIntervalMin = base.migrationIntervalMin;
    settings.migrationIntervalMax = base.migrationIntervalMax;
  }
  return { settings, paused, ignored };
}

function setField(s: Settings, f: LiveField, v: string): void {
  if (f === 'migrationTargetLabels') s.migrationTargetLabels = v;
  else if (f === 'migrationExcludeComponents') s.migrationExcludeComponents = v === '' ? [] : v.split(',');
  else if (f === 'migrationDryRun') s.migrationDryRun = v === 'true';
  else s[f] = Number(v);
}

/** Parses one `KEY=VALUE` of the `set` command (or `paused=true`). */
export function parseConfigAssignment(assignment: string, opts: ParseOptions = {}): { key: ConfigKey; value: string } {
  const eq = assignment.indexOf('=');
  if (eq <= 0) {
    throw new SettingsError([`${JSON.stringify(assignment)} must be KEY=VALUE, for example migration-interval-min=60`]);
  }
  const key = assignment.slice(0, eq).trim();
  if (!isConfigKey(key)) {
    throw new SettingsError([`unknown setting ${JSON.stringify(key)} (known: ${CONFIG_KEYS.join(', ')})`]);
  }
  const r = checkConfigValue(key, assignment.slice(eq + 1), opts);
  if ('error' in r) throw new SettingsError([r.error]);
  return { key, value: r.value };
}

/**
 * Validates assignments against the current ConfigMap data (min <= max is
 * checked on the merged values, with `base` filling absent keys) and returns
 * only the changed keys: the body of a merge patch.
 */
export function configPatch(current: ConfigData | undefined, assignments: readonly string[], base: Settings, opts: ParseOptions = {}): ConfigData {
  const patch: ConfigData = {};
  const problems: string[] = [];
  for (const a of assignments) {
    try {
      const { key, value } = parseConfigAssignment(a, opts);
      patch[key] = value;
    } catch (e) {
      if (e instanceof SettingsError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  const merged = { ...settingsToConfigData(base), ...current, ...patch };
  const min = Number(merged['migration-interval-min']);
  const max = Number(merged['migration-interval-max']);
  if (min > max) {
    throw new SettingsError([`migration-interval-min (${min}) must not be greater than migration-interval-max (${max})`]);
  }
  return patch;
}
