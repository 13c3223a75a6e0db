// Which migrations make up a run's report, and which runs a namespace knows.
//
// A run's report holds the run's own migrations (labelled with its run id,
// or known to its controller's records) and the migrations of no run
// (evacuations, workload updates, manual ones) that began while the run was
// going: from its first migration to its last end, or to now while it is
// still deployed. Another run's migrations never enter it.
import type { ClusterState } from '../state/cluster-state.js';
import { buildReport, type Report } from '../state/report/index.js';
import { parseTime } from '../state/time.js';
import type { Migration } from '../state/types.js';
import type { Connection } from './connection.js';
import { deployedRunId } from './deploy-run-id.js';
import { runsWithHistory } from './history.js';

type Env = Record<string, string | undefined>;

export interface RunSelection {
  /** Only the first this many of the run's finished migrations (by end), for `run --migrations N`. */
  firstFinished?: number;
  /** Only the run's migrations triggered at or before this epoch ms (`run --duration`'s end). */
  triggeredBy?: number;
  /** The run is still deployed: its window reaches to `now`. */
  live?: boolean;
  now: number;
}

const at = (m: Migration) => parseTime(m.created) ?? 0;
const endOf = (m: Migration) => parseTime(m.ended) ?? at(m);

/** The migrations of a run's report (all of the state's when runId is undefined). */
export function migrationsOfRun(migrations: Readonly<Record<string, Migration>>, runId: string | undefined, sel: RunSelection): Migration[] {
  const all = Object.values(migrations);
  if (runId === undefined) return all;
  let own = all.filter((m) => m.runId === runId);
  if (sel.triggeredBy !== undefined) own = own.filter((m) => at(m) <= sel.triggeredBy!);
  if (sel.firstFinished !== undefined) {
    own = own
      .filter((m) => m.outcome !== 'in-flight')
      .sort((a, b) => endOf(a) - endOf(b) || at(a) - at(b))
      .slice(0, sel.firstFinished);
  }
  if (own.length === 0) return [];
  const from = Math.min(...own.map(at));
  const to = sel.live && sel.firstFinished === undefined ? Math.max(sel.now, ...own.map(endOf)) : Math.max(...own.map(endOf));
  const others = all.filter((m) => !m.runId && at(m) >= from && at(m) <= to);
  return [...own, ...others];
}

export interface RunReportOptions extends Partial<RunSelection> {
  runId: string | undefined;
  context: string;
}

/** The report of a run from a view's state (its migrations: cluster and history merged). */
export function runReport(state: ClusterState, opts: RunReportOptions): Report {
  const now = opts.now ?? Date.now();
  const live = opts.live ?? (state.controller.present && state.controller.runId === opts.runId);
  const migrations = migrationsOfRun(state.migrations, opts.runId, { ...opts, now, live });
  const records = opts.runId === undefined || state.controller.runId === opts.runId ? state.controller.records : [];
  return buildReport(migrations, { ...(opts.runId ? { runId: opts.runId } : {}), namespace: state.namespace, context: opts.context, generatedAt: now, records });
}

/**
 * The run ids this namespace knows: the controller's (status and labels), the
 * run labels of migrations seen, and the runs with a local history.
 */
export async function knownRuns(conn: Connection, state: ClusterState, env?: Env): Promise<string[]> {
  const runs = new Set<string>();
  if (state.controller.runId) runs.add(state.controller.runId);
  for (const m of Object.values(state.migrations)) if (m.runId) runs.add(m.runId);
  const deployed = await deployedRunId(conn, conn.namespace).catch(() => undefined);
  if (deployed) runs.add(deployed);
  for (const r of runsWithHistory({ context: conn.context, namespace: conn.namespace, env })) runs.add(r);
  return [...runs].sort();
}
