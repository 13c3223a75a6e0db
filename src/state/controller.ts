// The controller as its status ConfigMap shows it, and the history its
// records hold (they outlive KubeVirt's garbage collection of VMIMs).
import type { MigrationRecord } from '../cloudinit/status-format.js';
import { parseStatusData } from '../cloudinit/status-format.js';
import { at, stringMap } from './json.js';
import { isoSeconds, parseTime } from './time.js';
import type { ControllerView, Migration } from './types.js';

/** The view while no status ConfigMap has been seen (or after it was deleted). */
export function emptyControllerView(): ControllerView {
  return {
    present: false,
    paused: false,
    dryRun: false,
    settings: {},
    counters: { succeeded: 0, failed: 0, timeouts: 0, skipped: 0, consecutiveFailures: 0 },
    records: [],
  };
}

/**
 * The ControllerView of a status ConfigMap (undefined: none). Paused and
 * dry-run come from the effective settings the script writes, and also from
 * its state word, so either one being current is enough.
 */
export function controllerViewFrom(statusConfigMap: unknown): ControllerView {
  if (statusConfigMap === undefined || statusConfigMap === null) return emptyControllerView();
  const { status } = parseStatusData(stringMap(at(statusConfigMap, 'data')));
  const view: ControllerView = {
    present: true,
    paused: status.state === 'paused' || status.settings.paused === 'true',
    dryRun: status.state === 'dry-run' || status.settings['migration-dry-run'] === 'true',
    settings: status.settings,
    counters: {
      succeeded: status.succeeded,
      failed: status.failed,
      timeouts: status.timeouts,
      skipped: status.skipped,
      consecutiveFailures: status.consecutiveFailures,
    },
    records: status.records,
  };
  if (status.state) view.state = status.state;
  const heartbeatAt = parseTime(status.heartbeat);
  if (heartbeatAt !== undefined) view.heartbeatAt = heartbeatAt;
  const nextAt = parseTime(status.nextMigration);
  if (nextAt !== undefined) view.nextMigrationAt = nextAt;
  if (status.currentMigration) view.currentMigration = status.currentMigration;
  if (status.currentVmi) view.currentVmi = status.currentVmi;
  if (status.runId) view.runId = status.runId;
  if (status.configResourceVersion) view.configResourceVersion = status.configResourceVersion;
  return view;
}

/** A record of a migration that really ran: it has a VMIM uid and a migration's result. */
export function isMigrationRecord(r: MigrationRecord): boolean {
  return r.uid !== '' && (r.result === 'succeeded' || r.result === 'failed' || r.result === 'timeout');
}

/**
 * Backfill: each record of a migration that ran becomes a Migration (cause
 * chaos, outcome from the record, marked as the controller's word). Dry-run
 * and rejected rounds, and a trigger that never produced a VMIM, are not
 * migrations: see controllerAttempts.
 */
export function migrationsFromStatusRecords(records: readonly MigrationRecord[], namespace: string, runId: string | undefined): Migration[] {
  const out: Migration[] = [];
  for (const r of records) {
    if (!isMigrationRecord(r)) continue;
    const outcome = r.result === 'succeeded' ? 'succeeded' : r.result === 'timeout' ? 'timeout' : 'failed';
    const m: Migration = {
      uid: r.uid,
      name: r.migration,
      namespace,
      vmi: r.vmi,
      cause: 'chaos',
      phase: '',
      phaseTimes: {},
      created: r.trigger,
      outcome,
      outcomeFrom: 'controller',
    };
    if (runId) m.runId = runId;
    const trigger = parseTime(r.trigger);
    if (trigger !== undefined) m.ended = isoSeconds(trigger + r.duration * 1000);
    if (r.source) m.sourceNode = r.source;
    if (r.target) m.targetNode = r.target;
    if (outcome !== 'succeeded' && r.reason) m.failureReason = r.reason;
    out.push(m);
  }
  return out;
}

/** The controller's rounds that migrated nothing (dry-run, rejected, no VMIM appeared), for reports. */
export function controllerAttempts(records: readonly MigrationRecord[]): MigrationRecord[] {
  return records.filter((r) => !isMigrationRecord(r));
}
