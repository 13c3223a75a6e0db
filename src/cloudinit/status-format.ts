// The data of ConfigMap `virtwork-chaos-migration-status`: written only by the
// controller script, with `kubectl patch --type merge` of the keys below (it
// is rendered without data, so re-applying the manifests never wipes it). This
// is how the TUI and the headless commands see the controller, and how
// history outlives KubeVirt keeping only 5 finished migrations per VMI.
//
//   heartbeat                RFC3339 UTC of the last write (at least every 5 s)
//   state                    starting | idle | migrating | paused | dry-run |
//                            no-targets | backing-off
//   next-migration           RFC3339 of the next attempt; "" when paused,
//                            migrating or starting
//   current-migration        name of the migration in flight, or ""
//   current-vmi              its VMI, or ""
//   succeeded, failed,       counters (decimal) of this run's migrations;
//   timeouts                 a timeout is cancelled and not counted as failed
//   skipped                  rounds that picked a target but migrated nothing
//                            (results dry-run and rejected)
//   consecutive-failures     failed + timed out in a row; at 5 -> backing-off
//   config-resource-version  metadata.resourceVersion of the config ConfigMap
//                            last applied ("" when it is missing): `pause` and
//                            `set` are confirmed when this reaches their write
//   settings                 the effective settings, one line of key=value
//                            (values with spaces or quotes JSON-quoted), e.g.
//                            migration-interval-min=120 ... paused=false
//                            trigger=virtctl namespace=virtwork
//   run-id                   the run id the script runs under
//   records                  newline-separated JSON objects, oldest first,
//                            at most 200: {vmi, migration, uid, trigger
//                            (RFC3339), result (succeeded | failed | timeout |
//                            dry-run | rejected), source, target, duration
//                            (seconds, number), reason}; migration and uid are
//                            "" for dry-run and rejected
// On start the script reads records and counters back (same run id only).

export const STATUS_KEYS = [
  'heartbeat',
  'state',
  'next-migration',
  'current-migration',
  'current-vmi',
  'succeeded',
  'failed',
  'timeouts',
  'skipped',
  'consecutive-failures',
  'config-resource-version',
  'settings',
  'run-id',
  'records',
] as const;

export const CONTROLLER_STATES = ['starting', 'idle', 'migrating', 'paused', 'dry-run', 'no-targets', 'backing-off'] as const;
export type ControllerState = (typeof CONTROLLER_STATES)[number];

export const MIGRATION_RESULTS = ['succeeded', 'failed', 'timeout', 'dry-run', 'rejected'] as const;
export type MigrationResult = (typeof MIGRATION_RESULTS)[number];

export const MAX_RECORDS = 200;

export interface MigrationRecord {
  vmi: string;
  migration: string;
  uid: string;
  /** RFC3339 UTC. */
  trigger: string;
  result: MigrationResult;
  source: string;
  target: string;
  /** Seconds. */
  duration: number;
  reason: string;
}

export interface ControllerStatus {
  heartbeat: string;
  state: ControllerState | undefined;
  nextMigration: string;
  currentMigration: string;
  currentVmi: string;
  succeeded: number;
  failed: number;
  timeouts: number;
  skipped: number;
  consecutiveFailures: number;
  configResourceVersion: string;
  /** The settings line as key -> value. */
  settings: Record<string, string>;
  runId: string;
  records: MigrationRecord[];
}

export interface ParsedStatus {
  status: ControllerStatus;
  /** What could not be read (bad lines, unknown state); never fatal. */
  problems: string[];
}

/** Splits `k=v k2="quoted \"v\""` into a record. */
export function parseSettingsLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const m of line.matchAll(re)) {
    const raw = m[2] ?? '';
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
    }
    out[m[1]!] = value;
  }
  return out;
}

/** The inverse of parseSettingsLine, quoting as the script does. */
export function formatSettingsLine(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${v !== '' && /^[A-Za-z0-9._:/@%+,=()!-]+$/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
}

function count(v: string | undefined): number {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

export function parseRecord(line: string): MigrationRecord | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  const result = r.result;
  if (typeof r.vmi !== 'string' || !MIGRATION_RESULTS.includes(result as MigrationResult)) return undefined;
  return {
    vmi: r.vmi,
    migration: str(r, 'migration'),
    uid: str(r, 'uid'),
    trigger: str(r, 'trigger'),
    result: result as MigrationResult,
    source: str(r, 'source'),
    target: str(r, 'target'),
    duration: typeof r.duration === 'number' && Number.isFinite(r.duration) ? r.duration : 0,
    reason: str(r, 'reason'),
  };
}

/** Reads the status ConfigMap's data leniently: the TUI must never crash on it. */
export function parseStatusData(data: Readonly<Record<string, string>> | undefined): ParsedStatus {
  const d = data ?? {};
  const problems: string[] = [];
  const state = d.state;
  if (state !== undefined && !CONTROLLER_STATES.includes(state as ControllerState)) problems.push(`unknown state ${JSON.stringify(state)}`);
  const records: MigrationRecord[] = [];
  (d.records ?? '').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const r = parseRecord(line);
    if (r) records.push(r);
    else problems.push(`records line ${i + 1} is not a migration record`);
  });
  return {
    status: {
      heartbeat: d.heartbeat ?? '',
      state: CONTROLLER_STATES.includes(state as ControllerState) ? (state as ControllerState) : undefined,
      nextMigration: d['next-migration'] ?? '',
      currentMigration: d['current-migration'] ?? '',
      currentVmi: d['current-vmi'] ?? '',
      succeeded: count(d.succeeded),
      failed: count(d.failed),
      timeouts: count(d.timeouts),
      skipped: count(d.skipped),
      consecutiveFailures: count(d['consecutive-failures']),
      configResourceVersion: d['config-resource-version'] ?? '',
      settings: parseSettingsLine(d.settings ?? ''),
      runId: d['run-id'] ?? '',
      records: records.slice(-MAX_RECORDS),
    },
    problems,
  };
}

/** One record as the script writes it (same key order). */
export function formatRecord(r: MigrationRecord): string {
  const { vmi, migration, uid, trigger, result, source, target, duration, reason } = r;
  return JSON.stringify({ vmi, migration, uid, trigger, result, source, target, duration, reason });
}

/** The data the script would write for `s` (tests, the simulator, demo fixtures). */
export function formatStatusData(s: ControllerStatus): Record<string, string> {
  return {
    heartbeat: s.heartbeat,
    state: s.state ?? '',
    'next-migration': s.nextMigration,
    'current-migration': s.currentMigration,
    'current-vmi': s.currentVmi,
    succeeded: String(s.succeeded),
    failed: String(s.failed),
    timeouts: String(s.timeouts),
    skipped: String(s.skipped),
    'consecutive-failures': String(s.consecutiveFailures),
    'config-resource-version': s.configResourceVersion,
    settings: formatSettingsLine(s.settings),
    'run-id': s.runId,
    records: s.records.slice(-MAX_RECORDS).map(formatRecord).join('\n'),
  };
}
