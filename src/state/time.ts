// Times and durations as the product shows and computes them. KubeVirt's
// timestamps are RFC3339 with whole seconds, so durations are whole seconds
// too; no clock is read here (callers pass `now`).
import type { Migration } from './types.js';

/** Epoch ms of an RFC3339 time, or undefined when absent or unreadable. */
export function parseTime(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/** RFC3339 UTC without fractions, as Kubernetes writes it. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "45s", "3m05s", "2h04m", "3d02h"; '' for undefined. */
export function formatDuration(sec: number | undefined): string {
  if (sec === undefined || !Number.isFinite(sec)) return '';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** HH:MM:SS in the given IANA zone (the machine's when undefined). */
export function formatClock(ms: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let f = clockFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone });
    clockFormats.set(key, f);
  }
  return f.format(ms);
}

/**
 * Seconds from trigger to end, the figure the controller records: undefined
 * while in flight or when either end is unknown.
 */
export function migrationDurationSec(m: Migration): number | undefined {
  if (m.outcome === 'in-flight') return undefined;
  const start = parseTime(m.created);
  const end = parseTime(m.ended);
  if (start === undefined || end === undefined) return undefined;
  return Math.max(0, (end - start) / 1000);
}

/** KubeVirt's VMIM phases in the order a migration goes through them. */
export const PHASE_ORDER = [
  'Pending',
  'Scheduling',
  'Scheduled',
  'PreparingTarget',
  'TargetReady',
  'WaitingForSync',
  'Synchronizing',
  'Running',
  'Succeeded',
  'Failed',
] as const;

export const FINAL_PHASES: readonly string[] = ['Succeeded', 'Failed'];

export function isFinalPhase(phase: string | undefined): boolean {
  return phase !== undefined && FINAL_PHASES.includes(phase);
}

/** Position in PHASE_ORDER; unknown and '' phases sort first. */
export function phaseRank(phase: string | undefined): number {
  return PHASE_ORDER.indexOf(phase as (typeof PHASE_ORDER)[number]);
}

/**
 * Seconds spent in each phase: from the phase's transition time to the next
 * transition seen, in phase order. Phases a migration skipped simply do not
 * appear; the final phase has no duration.
 */
export function phaseDurations(m: Pick<Migration, 'phaseTimes'>): { phase: string; seconds: number }[] {
  const seen: { phase: string; ms: number }[] = [];
  for (const phase of PHASE_ORDER) {
    const ms = parseTime(m.phaseTimes[phase]);
    if (ms !== undefined) seen.push({ phase, ms });
  }
  const out: { phase: string; seconds: number }[] = [];
  for (let i = 0; i + 1 < seen.length; i++) {
    const cur = seen[i]!;
    if (isFinalPhase(cur.phase)) break;
    out.push({ phase: cur.phase, seconds: Math.max(0, (seen[i + 1]!.ms - cur.ms) / 1000) });
  }
  return out;
}
