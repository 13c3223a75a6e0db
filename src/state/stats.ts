// Migration statistics for the dashboard and the reports: counts, success
// rate, rate per hour, duration percentiles overall and per phase, and
// traffic per node.
import { collator } from './collate.js';
import { migrationDurationSec, PHASE_ORDER, phaseDurations, parseTime } from './time.js';
import type { Migration } from './types.js';

/**
 * The nearest-rank percentile (the smallest value with at least p% of the
 * values at or below it): always a value that was observed, which suits
 * whole-second durations. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}

export interface DurationStats {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export function durationStats(values: readonly number[]): DurationStats {
  const s: DurationStats = { count: values.length };
  if (values.length === 0) return s;
  const sorted = [...values].sort((a, b) => a - b);
  s.p50 = percentile(sorted, 50);
  s.p95 = percentile(sorted, 95);
  s.p99 = percentile(sorted, 99);
  return s;
}

export interface NodeTraffic {
  node: string;
  /** Migrations that left this node (it was the source). */
  outbound: number;
  /** Migrations that came to this node (it was the target). */
  inbound: number;
}

/** How a set of migrations ended: the counts the dashboard, `status` and reports all show. */
export interface MigrationCounts {
  total: number;
  succeeded: number;
  failed: number;
  timeouts: number;
  aborted: number;
  inFlight: number;
  /** succeeded / finished (in-flight ones excluded), 0..1; undefined before any finished. */
  successRate?: number;
}

/** Just the counts of some stats (successRate only when defined, so JSON output leaves it out rather than null). */
export function countsOf(s: MigrationCounts): MigrationCounts {
  const c: MigrationCounts = { total: s.total, succeeded: s.succeeded, failed: s.failed, timeouts: s.timeouts, aborted: s.aborted, inFlight: s.inFlight };
  if (s.successRate !== undefined) c.successRate = s.successRate;
  return c;
}

export interface MigrationStats extends MigrationCounts {
  /** total / observed span in hours; undefined while the span is under a minute. */
  perHour?: number;
  /** From the first trigger to `now`, in seconds. */
  spanSec: number;
  /** Trigger to end, of succeeded migrations (failures end at a timeout or an error, not a transfer). */
  durations: DurationStats;
  /** Time in each phase (from phaseTimes), of every migration that went through it, in phase order. */
  perPhase: (DurationStats & { phase: string })[];
  /** Every node seen as a source or target, by name. */
  perNode: NodeTraffic[];
}

/** Below this span a rate per hour says more about the span than the rate. */
export const MIN_RATE_SPAN_SEC = 60;

interface Core extends Omit<MigrationStats, 'perHour' | 'spanSec'> {
  firstAt?: number;
}

function core(list: readonly Migration[]): Core {
  const c: Core = { total: 0, succeeded: 0, failed: 0, timeouts: 0, aborted: 0, inFlight: 0, durations: { count: 0 }, perPhase: [], perNode: [] };
  const durations: number[] = [];
  const phases = new Map<string, number[]>();
  const nodes = new Map<string, NodeTraffic>();
  const node = (name: string) => {
    let n = nodes.get(name);
    if (!n) nodes.set(name, (n = { node: name, outbound: 0, inbound: 0 }));
    return n;
  };
  for (const m of list) {
    c.total++;
    if (m.outcome === 'succeeded') c.succeeded++;
    else if (m.outcome === 'failed') c.failed++;
    else if (m.outcome === 'timeout') c.timeouts++;
    else if (m.outcome === 'aborted') c.aborted++;
    else c.inFlight++;
    const t = parseTime(m.created);
    if (t !== undefined && (c.firstAt === undefined || t < c.firstAt)) c.firstAt = t;
    if (m.outcome === 'succeeded') {
      const d = migrationDurationSec(m);
      if (d !== undefined) durations.push(d);
    }
    for (const { phase, seconds } of phaseDurations(m)) {
      let arr = phases.get(phase);
      if (!arr) phases.set(phase, (arr = []));
      arr.push(seconds);
    }
    if (m.sourceNode) node(m.sourceNode).outbound++;
    if (m.targetNode) node(m.targetNode).inbound++;
  }
  const finished = c.total - c.inFlight;
  if (finished > 0) c.successRate = c.succeeded / finished;
  c.durations = durationStats(durations);
  c.perPhase = PHASE_ORDER.filter((p) => phases.has(p)).map((phase) => ({ phase, ...durationStats(phases.get(phase)!) }));
  c.perNode = [...nodes.values()].sort((a, b) => collator.compare(a.node, b.node));
  return c;
}

const coreCache = new WeakMap<object, Core>();

/**
 * Statistics of these migrations (an array, or the store's record by uid) as
 * of `now`. The expensive part is cached per collection object, so calling it
 * every frame with the store's unchanged `migrations` costs nearly nothing and
 * returns the same nested arrays.
 */
export function selectStats(migrations: readonly Migration[] | Readonly<Record<string, Migration>>, now: number): MigrationStats {
  let c = coreCache.get(migrations);
  if (!c) {
    c = core(Array.isArray(migrations) ? migrations : Object.values(migrations));
    coreCache.set(migrations, c);
  }
  const { firstAt, ...rest } = c;
  const spanSec = firstAt === undefined ? 0 : Math.max(0, (now - firstAt) / 1000);
  const stats: MigrationStats = { ...rest, spanSec };
  if (spanSec >= MIN_RATE_SPAN_SEC) stats.perHour = (c.total * 3600) / spanSec;
  return stats;
}
