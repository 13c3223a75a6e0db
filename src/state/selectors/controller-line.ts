// The dashboard's controller line and `status`'s first lines: what the
// controller is doing, whether its heartbeat is fresh, when it migrates next.
import type { ClusterState } from '../cluster-state.js';
import { formatDuration } from '../time.js';

/** The script writes its status at least every 5 s; three missed writes mean trouble. */
export const STALE_AFTER_SEC = 15;

export interface ControllerLine {
  present: boolean;
  /** The state word: 'absent', 'unknown', or the controller's (paused when paused, unless a migration is still running). */
  state: string;
  /** Whole seconds since the last heartbeat. */
  heartbeatAgeSec?: number;
  /** No heartbeat for more than STALE_AFTER_SEC (or none at all while present). */
  stale: boolean;
  /** Whole seconds until the next planned migration (0 when due). */
  nextInSec?: number;
  paused: boolean;
  dryRun: boolean;
  currentMigration?: string;
  currentVmi?: string;
  runId?: string;
  /** The whole line in words, e.g. "idle · heartbeat 3s ago · next migration in 42s". */
  text: string;
}

export function selectControllerLine(state: Pick<ClusterState, 'controller'>, now: number): ControllerLine {
  const c = state.controller;
  if (!c.present) {
    return { present: false, state: 'absent', stale: false, paused: false, dryRun: false, text: 'no controller status (not deployed, or its status ConfigMap is missing)' };
  }
  // Pausing does not cut a running migration short: say it is still migrating.
  const word = c.state === 'migrating' ? 'migrating' : c.paused ? 'paused' : (c.state ?? 'unknown');
  const line: ControllerLine = { present: true, state: word, stale: true, paused: c.paused, dryRun: c.dryRun, text: '' };
  if (c.heartbeatAt !== undefined) {
    line.heartbeatAgeSec = Math.max(0, Math.floor((now - c.heartbeatAt) / 1000));
    line.stale = line.heartbeatAgeSec > STALE_AFTER_SEC;
  }
  if (c.nextMigrationAt !== undefined && word !== 'paused' && word !== 'migrating') {
    line.nextInSec = Math.max(0, Math.ceil((c.nextMigrationAt - now) / 1000));
  }
  if (c.currentMigration) line.currentMigration = c.currentMigration;
  if (c.currentVmi) line.currentVmi = c.currentVmi;
  if (c.runId) line.runId = c.runId;
  const parts = [word];
  if (line.currentVmi) parts.push(`${line.currentVmi}${line.currentMigration ? ` (${line.currentMigration})` : ''}`);
  parts.push(line.heartbeatAgeSec === undefined ? 'no heartbeat' : `heartbeat ${formatDuration(line.heartbeatAgeSec)} ago${line.stale ? ' (stale)' : ''}`);
  if (line.nextInSec !== undefined) parts.push(`next migration in ${formatDuration(line.nextInSec)}`);
  if (c.paused && word !== 'paused') parts.push('paused');
  if (c.dryRun && word !== 'dry-run') parts.push('dry-run');
  line.text = parts.join(' · ');
  return line;
}
