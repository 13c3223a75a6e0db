// The settings flags of render, deploy, run and the TUI, and their mapping to
// Settings. Options carry no commander defaults: "not given" must stay
// distinguishable so that a flag wins over --params, which wins over
// VIRTWORK_PARAMS, which wins over the defaults.

import type { Command } from 'commander';
import { CONFIG_KEYS, FIELD_OF_KEY } from './config-data.js';
import {
  DEFAULT_SETTINGS,
  KNOWN_COMPONENTS,
  type ParseOptions,
  parseSettings,
  type Settings,
  SettingsError,
  type SettingsInput,
} from './settings.js';
import { COMPONENT } from './names.js';

const d = DEFAULT_SETTINGS;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds every settings flag to `cmd` (returns it for chaining). */
export function addSettingsOptions(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <name>', `namespace of the controller and of its targets (default: ${d.namespace})`)
    .option('--migration-interval-min <seconds>', `shortest wait between two migrations (default: ${d.migrationIntervalMin})`)
    .option('--migration-interval-max <seconds>', `longest wait between two migrations (default: ${d.migrationIntervalMax})`)
    .option('--migration-timeout <seconds>', `cancel a migration that has no result after this long (default: ${d.migrationTimeout})`)
    .option('-l, --migration-target-labels <selector>', 'extra label selector for target VMs, ANDed with app.kubernetes.io/managed-by=virtwork (default: none)')
    .option(
      '--migration-exclude-components <list>',
      `comma-separated components never migrated (${KNOWN_COMPONENTS.join(', ')}); chaos-migration is always excluded (default: none)`,
    )
    .option('--migration-dry-run [true|false]', 'log and record what would be migrated, migrate nothing (default: false)')
    .option('--trigger <virtctl|vmim>', `virtctl runs "virtctl migrate"; vmim creates the VirtualMachineInstanceMigration itself (default: ${d.trigger})`)
    .option('--virtctl-version <tag>', `virtctl release for the controller VM (default: ${d.virtctlVersion})`)
    .option('--virtctl-url <url>', 'download virtctl from here instead of the GitHub release; {arch} becomes amd64, arm64 or s390x; .tar.gz is unpacked')
    .option('--kubectl-version <tag>', `kubectl release for the controller VM (default: ${d.kubectlVersion})`)
    .option('--kubectl-url <url>', 'download kubectl from here instead of dl.k8s.io; {arch} as for --virtctl-url')
    .option('--container-disk-image <image>', `controller VM disk image (default: ${d.containerDiskImage})`)
    .option('--api-server <url>', `API server address as the controller VM reaches it (default: ${d.apiServer})`)
    .option('--run-id <id>', 'run id label of every object (default: a new UUID)')
    .option(
      '--params <list>',
      `virtwork's form, repeatable: ${COMPONENT}.<param>=<value>,... (also VIRTWORK_PARAMS; flags win)`,
      collect,
    );
}

/** Option key (commander's camelCase) -> Settings field, for the plain flags. */
const FLAG_FIELDS: readonly (keyof Settings)[] = [
  'namespace',
  'migrationIntervalMin',
  'migrationIntervalMax',
  'migrationTimeout',
  'migrationTargetLabels',
  'migrationExcludeComponents',
  'migrationDryRun',
  'trigger',
  'virtctlVersion',
  'virtctlUrl',
  'kubectlVersion',
  'kubectlUrl',
  'containerDiskImage',
  'apiServer',
  'runId',
];

const PARAM_KEYS = CONFIG_KEYS.filter((k) => k !== 'paused');

/**
 * Splits virtwork's `--params` text into `workload.key=value` entries. A
 * comma starts a new entry only when `<workload>.<key>=` follows it, so that
 * `chaos-migration.migration-exclude-components=cpu,disk` and selectors with
 * commas stay whole.
 */
export function splitParams(text: string): string[] {
  return text
    .split(/,(?=\s*[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*=)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Parses `--params` values (and VIRTWORK_PARAMS) into settings input. Entries
 * for other workloads are virtwork's business and are skipped; an unknown
 * chaos-migration parameter or a malformed entry is an error.
 */
export function paramsToInput(lists: readonly string[]): SettingsInput {
  const input: SettingsInput = {};
  for (const entry of lists.flatMap(splitParams)) {
    const m = /^([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9-]*)=(.*)$/s.exec(entry);
    if (!m) {
      throw new SettingsError([`--params entry ${JSON.stringify(entry)} must be <workload>.<param>=<value>, e.g. ${COMPONENT}.migration-interval-min=30`]);
    }
    const [, workload, key, value] = m as unknown as [string, string, string, string];
    if (workload !== COMPONENT) continue;
    const param = PARAM_KEYS.find((k) => k === key);
    if (param === undefined) {
      throw new SettingsError([
        `--params: unknown ${COMPONENT} parameter ${JSON.stringify(key)} (known: ${PARAM_KEYS.join(', ')})`,
      ]);
    }
    input[FIELD_OF_KEY[param]] = value;
  }
  return input;
}

/**
 * Settings from parsed commander options (`cmd.opts()`); `env` supplies
 * VIRTWORK_PARAMS. Throws SettingsError with one clear message.
 */
export function settingsFromOptions(
  opts: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>> = {},
  parseOptions: ParseOptions = {},
): Settings {
  const fromEnv = env.VIRTWORK_PARAMS ? paramsToInput([env.VIRTWORK_PARAMS]) : {};
  const params = opts.params;
  const fromParams = Array.isArray(params) ? paramsToInput(params.map(String)) : typeof params === 'string' ? paramsToInput([params]) : {};
  const fromFlags: SettingsInput = {};
  for (const f of FLAG_FIELDS) if (opts[f] !== undefined) fromFlags[f] = opts[f];
  return parseSettings({ ...fromEnv, ...fromParams, ...fromFlags }, parseOptions);
}
