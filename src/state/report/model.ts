// The report of a run as one model, which every output format renders: each
// migration (VMI, cause, nodes, trigger time, phase durations, result, IPs
// before and after) and the totals (success rate, duration percentiles,
// traffic per node, migrations per hour).
import type { MigrationRecord } from '../../cloudinit/status-format.js';
import { collator } from '../collate.js';
import { controllerAttempts } from '../controller.js';
import { mergeMigration } from '../merge.js';
import { countsOf, type DurationStats, type MigrationCounts, type NodeTraffic, selectStats } from '../stats.js';
import { isoSeconds, migrationDurationSec, parseTime, phaseDurations } from '../time.js';
import type { Migration, MigrationCause, MigrationOutcome } from '../types.js';

export interface ReportOptions {
  runId?: string;
  namespace: string;
  /** The kubeconfig context the report was read through. */
  context: string;
  /** Epoch ms or RFC3339. */
  generatedAt: number | string;
  /** The controller's status records: its rounds that migrated nothing are listed apart. */
  records?: readonly MigrationRecord[];
}

export interface ReportMigration {
  uid: string;
  name: string;
  vmi: string;
  cause: MigrationCause;
  runId?: string;
  sourceNode?: string;
  targetNode?: string;
  /** RFC3339 trigger (creation) time. */
  trigger: string;
  ended?: string;
  /** Trigger to end, seconds; undefined while in flight or unknown. */
  durationSec?: number;
  /** Seconds spent in each VMIM phase, in phase order. */
  phases: { phase: string; seconds: number }[];
  result: MigrationOutcome;
  /** The last VMIM phase seen ('' when only the controller's record is known). */
  phase: string;
  /** Why it did not succeed ('' when it did or is still running). */
  reason: string;
  /** 'vmim', 'controller' or 'inferred': who settled the result. */
  resultFrom?: string;
  ipsBefore: string[];
  ipsAfter: string[];
}

export interface ReportTotals extends MigrationCounts {
  /** Over the observed span (first trigger to last end); undefined under a minute. */
  perHour?: number;
  /** Trigger-to-end seconds of succeeded migrations. */
  duration: DurationStats;
}

export interface CauseTotals {
  cause: MigrationCause;
  total: number;
  succeeded: number;
  notSucceeded: number;
  inFlight: number;
}

export interface HourBucket {
  /** RFC3339 start of the UTC hour. */
  hour: string;
  migrations: number;
  succeeded: number;
}

/** A controller round that migrated nothing (dry-run, rejected, or no VMIM appeared). */
export interface ReportAttempt {
  trigger: string;
  vmi: string;
  result: string;
  source: string;
  reason: string;
}

export interface Report {
  title: string;
  runId?: string;
  namespace: string;
  context: string;
  generatedAt: string;
  /** First trigger and last end (or trigger) seen. */
  from?: string;
  to?: string;
  totals: ReportTotals;
  perPhase: (DurationStats & { phase: string })[];
  byCause: CauseTotals[];
  perNode: NodeTraffic[];
  perHour: HourBucket[];
  /** Oldest first. */
  migrations: ReportMigration[];
  attempts: ReportAttempt[];
}

/** Failed, timed out or aborted: what a CI gate counts against a run. */
export function isFailure(result: MigrationOutcome): boolean {
  return result === 'failed' || result === 'timeout' || result === 'aborted';
}

/** Deduplicates by uid, folding every record of one migration into the richest. */
export function dedupeMigrations(migrations: readonly Migration[]): Migration[] {
  const byUid = new Map<string, Migration>();
  for (const m of migrations) {
    if (!m.uid) continue;
    const cur = byUid.get(m.uid);
    byUid.set(m.uid, cur ? mergeMigration(cur, m) : m);
  }
  return [...byUid.values()];
}

function reportMigration(m: Migration): ReportMigration {
  const r: ReportMigration = {
    uid: m.uid,
    name: m.name,
    vmi: m.vmi,
    cause: m.cause,
    trigger: m.created,
    phases: phaseDurations(m),
    result: m.outcome,
    phase: m.phase,
    reason: m.outcome === 'succeeded' || m.outcome === 'in-flight' ? '' : (m.failureReason ?? ''),
    ipsBefore: m.ipsBefore ?? [],
    ipsAfter: m.ipsAfter ?? [],
  };
  if (m.runId) r.runId = m.runId;
  if (m.sourceNode) r.sourceNode = m.sourceNode;
  if (m.targetNode) r.targetNode = m.targetNode;
  if (m.ended) r.ended = m.ended;
  const d = migrationDurationSec(m);
  if (d !== undefined) r.durationSec = d;
  if (m.outcomeFrom) r.resultFrom = m.outcomeFrom;
  return r;
}

const CAUSES: readonly MigrationCause[] = ['chaos', 'evacuation', 'workload-update', 'other'];

function hourOf(ms: number): string {
  return isoSeconds(Math.floor(ms / 3_600_000) * 3_600_000);
}

export function buildReport(migrations: readonly Migration[], opts: ReportOptions): Report {
  const generatedMs = typeof opts.generatedAt === 'number' ? opts.generatedAt : (parseTime(opts.generatedAt) ?? 0);
  const list = dedupeMigrations(migrations).sort(
    (a, b) => (parseTime(a.created) ?? 0) - (parseTime(b.created) ?? 0) || collator.compare(a.name, b.name) || (a.uid < b.uid ? -1 : 1),
  );
  let first: number | undefined;
  let last: number | undefined;
  for (const m of list) {
    const t = parseTime(m.created);
    const e = parseTime(m.ended) ?? t;
    if (t !== undefined && (first === undefined || t < first)) first = t;
    if (e !== undefined && (last === undefined || e > last)) last = e;
  }
  // The observed span ends at the last end seen, or now while any is running.
  const spanEnd = list.some((m) => m.outcome === 'in-flight') ? Math.max(generatedMs, last ?? 0) : (last ?? generatedMs);
  const stats = selectStats(list, spanEnd);
  const totals: ReportTotals = { ...countsOf(stats), duration: stats.durations };
  if (stats.perHour !== undefined) totals.perHour = stats.perHour;

  const byCause = CAUSES.map((cause) => {
    const of = list.filter((m) => m.cause === cause);
    const succeeded = of.filter((m) => m.outcome === 'succeeded').length;
    const inFlight = of.filter((m) => m.outcome === 'in-flight').length;
    return { cause, total: of.length, succeeded, inFlight, notSucceeded: of.length - succeeded - inFlight };
  }).filter((c) => c.total > 0);

  const hours = new Map<string, HourBucket>();
  for (const m of list) {
    const t = parseTime(m.created);
    if (t === undefined) continue;
    const hour = hourOf(t);
    let b = hours.get(hour);
    if (!b) hours.set(hour, (b = { hour, migrations: 0, succeeded: 0 }));
    b.migrations++;
    if (m.outcome === 'succeeded') b.succeeded++;
  }

  const report: Report = {
    title: `virtwork chaos-migration report${opts.runId ? ` for run ${opts.runId}` : ''}`,
    namespace: opts.namespace,
    context: opts.context,
    generatedAt: isoSeconds(generatedMs),
    totals,
    perPhase: stats.perPhase,
    byCause,
    perNode: stats.perNode,
    perHour: [...hours.values()].sort((a, b) => (a.hour < b.hour ? -1 : 1)),
    migrations: list.map(reportMigration),
    attempts: controllerAttempts(opts.records ?? []).map((r) => ({ trigger: r.trigger, vmi: r.vmi, result: r.result, source: r.source, reason: r.reason })),
  };
  if (opts.runId) report.runId = opts.runId;
  if (first !== undefined) report.from = isoSeconds(first);
  if (last !== undefined) report.to = isoSeconds(last);
  return report;
}
