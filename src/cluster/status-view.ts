// What `status` reports, as one model (its --json shape) computed from a
// namespace view's state: the controller (state word, heartbeat age, next
// migration, counters), the fleet summary, the migrations in flight and the
// run's totals. Also the parts of it that change without anything happening
// (ages, countdowns), so that `status --watch` prints only real changes.
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import type { ClusterState } from '../state/cluster-state.js';
import { selectControllerLine } from '../state/selectors/controller-line.js';
import { type FleetSummary, fleetSummary } from '../state/selectors/fleet.js';
import { countsOf, type MigrationCounts, selectStats } from '../state/stats.js';
import { isoSeconds, parseTime } from '../state/time.js';
import type { MigrationCause } from '../state/types.js';
import { migrationsOfRun } from './run-report.js';

export interface StatusController {
  /** A status ConfigMap is there (a controller is deployed). */
  present: boolean;
  /** idle, migrating, paused, dry-run, no-targets, backing-off, starting; 'absent' without a controller. */
  state: string;
  paused: boolean;
  dryRun: boolean;
  /** No heartbeat for more than 15 s. */
  stale: boolean;
  heartbeat?: string;
  heartbeatAgeSec?: number;
  nextMigration?: string;
  nextMigrationInSec?: number;
  currentMigration?: string;
  currentVmi?: string;
  counters: { succeeded: number; failed: number; timeouts: number; skipped: number; consecutiveFailures: number };
  settings: Record<string, string>;
  /** The line in words, e.g. "idle · heartbeat 2s ago · next migration in 41s". */
  text: string;
}

export interface StatusInFlight {
  uid: string;
  name: string;
  vmi: string;
  cause: MigrationCause;
  phase: string;
  sourceNode?: string;
  targetNode?: string;
  created: string;
  ageSec?: number;
}

export interface StatusView {
  context: string;
  namespace: string;
  runId?: string;
  generatedAt: string;
  controller: StatusController;
  fleet: FleetSummary & { nodesListed: boolean };
  inFlight: StatusInFlight[];
  /** The run's migrations seen (cluster and local history): counts, success rate, trigger-to-end percentiles in seconds. */
  migrations: MigrationCounts & {
    p50?: number;
    p95?: number;
    p99?: number;
  };
  /** Watches that are not connected (live views only), in one sentence each. */
  problems: string[];
}

export function statusView(state: ClusterState, opts: { context: string; now: number; nodesListed: boolean; problems?: string[] }): StatusView {
  const { now } = opts;
  const c = state.controller;
  const line = selectControllerLine(state, now);
  const controller: StatusController = {
    present: c.present,
    state: line.state,
    paused: c.paused,
    dryRun: c.dryRun,
    stale: line.stale,
    counters: { ...c.counters },
    settings: { ...c.settings },
    text: c.present ? line.text : `no controller deployed in namespace ${state.namespace} (no ConfigMap ${STATUS_MAP_NAME})`,
  };
  if (c.heartbeatAt !== undefined) controller.heartbeat = isoSeconds(c.heartbeatAt);
  if (line.heartbeatAgeSec !== undefined) controller.heartbeatAgeSec = line.heartbeatAgeSec;
  if (c.nextMigrationAt !== undefined && line.nextInSec !== undefined) {
    controller.nextMigration = isoSeconds(c.nextMigrationAt);
    controller.nextMigrationInSec = line.nextInSec;
  }
  if (c.currentMigration) controller.currentMigration = c.currentMigration;
  if (c.currentVmi) controller.currentVmi = c.currentVmi;

  const runId = state.runId ?? c.runId;
  const inFlight: StatusInFlight[] = Object.values(state.migrations)
    .filter((m) => m.outcome === 'in-flight')
    .sort((a, b) => (parseTime(a.created) ?? 0) - (parseTime(b.created) ?? 0) || (a.name < b.name ? -1 : 1))
    .map((m) => {
      const f: StatusInFlight = { uid: m.uid, name: m.name, vmi: m.vmi, cause: m.cause, phase: m.phase || 'Pending', created: m.created };
      if (m.sourceNode) f.sourceNode = m.sourceNode;
      if (m.targetNode) f.targetNode = m.targetNode;
      const t = parseTime(m.created);
      if (t !== undefined) f.ageSec = Math.max(0, Math.floor((now - t) / 1000));
      return f;
    });
  const stats = selectStats(migrationsOfRun(state.migrations, runId, { now, live: c.present && c.runId === runId }), now);
  const migrations: StatusView['migrations'] = countsOf(stats);
  for (const p of ['p50', 'p95', 'p99'] as const) if (stats.durations[p] !== undefined) migrations[p] = stats.durations[p];

  const view: StatusView = {
    context: opts.context,
    namespace: state.namespace,
    generatedAt: isoSeconds(now),
    controller,
    fleet: { ...fleetSummary(state), nodesListed: opts.nodesListed },
    inFlight,
    migrations,
    problems: opts.problems ?? [],
  };
  if (runId) view.runId = runId;
  return view;
}

/** The view without what changes by itself as time passes: two views with the same key show the same situation. */
export function statusKey(v: StatusView): string {
  const { generatedAt: _g, controller, inFlight, ...rest } = v;
  const { heartbeat: _h, heartbeatAgeSec: _a, nextMigrationInSec: _n, text: _t, ...ctl } = controller;
  return JSON.stringify({ ...rest, controller: ctl, inFlight: inFlight.map(({ ageSec: _x, ...f }) => f) });
}
