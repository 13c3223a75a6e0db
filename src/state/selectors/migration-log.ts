// The dashboard's migration log: newest first, each line's cells as strings.
import type { ClusterState } from '../cluster-state.js';
import { formatClock, formatDuration, migrationDurationSec, parseTime } from '../time.js';
import type { Migration, MigrationCause, MigrationOutcome } from '../types.js';

export interface MigrationLogRow {
  /** The migration uid: a stable React key. */
  key: string;
  /** Trigger time as HH:MM:SS ('' when unknown). */
  time: string;
  /** Trigger time, RFC3339 as the cluster wrote it. */
  at: string;
  vmi: string;
  name: string;
  cause: MigrationCause;
  /** "kv-worker-01 -> kv-worker-02"; '?' for a node not known (yet). */
  route: string;
  /** Trigger to end ('' while in flight). */
  duration: string;
  /** The outcome; while in flight, the VMIM's phase. */
  result: string;
  outcome: MigrationOutcome;
  /** Why it did not succeed ('' otherwise). */
  reason: string;
}

export interface MigrationLogOptions {
  /** IANA zone for `time` (the machine's when undefined). */
  timeZone?: string;
}

const sortedCache = new WeakMap<object, Migration[]>();

/** Newest trigger first; within one second by uid, so that the order never flickers. */
function newestFirst(migrations: Readonly<Record<string, Migration>>): Migration[] {
  let list = sortedCache.get(migrations);
  if (!list) {
    const at = (m: Migration) => parseTime(m.created) ?? -Infinity;
    list = Object.values(migrations).sort((a, b) => at(b) - at(a) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    sortedCache.set(migrations, list);
  }
  return list;
}

const rowCache = new WeakMap<Migration, Map<string, MigrationLogRow>>();

export function migrationLogRow(m: Migration, opts: MigrationLogOptions = {}): MigrationLogRow {
  const zone = opts.timeZone ?? '';
  let byZone = rowCache.get(m);
  if (!byZone) rowCache.set(m, (byZone = new Map()));
  const hit = byZone.get(zone);
  if (hit) return hit;
  const t = parseTime(m.created);
  const row: MigrationLogRow = {
    key: m.uid,
    time: t === undefined ? '' : formatClock(t, opts.timeZone),
    at: m.created,
    vmi: m.vmi,
    name: m.name,
    cause: m.cause,
    route: `${m.sourceNode ?? '?'} -> ${m.targetNode ?? '?'}`,
    duration: formatDuration(migrationDurationSec(m)),
    result: m.outcome === 'in-flight' ? m.phase || 'Pending' : m.outcome,
    outcome: m.outcome,
    reason: m.outcome === 'succeeded' ? '' : (m.failureReason ?? ''),
  };
  byZone.set(zone, row);
  return row;
}

/** The newest `limit` migrations, newest first. */
export function selectMigrationLog(state: Pick<ClusterState, 'migrations'>, limit: number, opts: MigrationLogOptions = {}): MigrationLogRow[] {
  return newestFirst(state.migrations)
    .slice(0, Math.max(0, limit))
    .map((m) => migrationLogRow(m, opts));
}

/** selectMigrationLog that returns the previous array while no line changed (for useShallow). */
export function createMigrationLogSelector(): typeof selectMigrationLog {
  let last: MigrationLogRow[] = [];
  return (state, limit, opts) => {
    const rows = selectMigrationLog(state, limit, opts);
    if (rows.length === last.length && rows.every((r, i) => r === last[i])) return last;
    last = rows;
    return rows;
  };
}
