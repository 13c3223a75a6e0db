// One migration is often known several times over: from its VMIM (watched,
// listed again after a fault, or seen last in a DELETED event), from the
// controller's status records, from the local history file and from the
// VMI's migrationState. These rules fold any two records of the same uid into
// the richer one, in any order, without ever losing a field one of them knew.
import { sameStrings } from './json.js';
import { isFinalPhase, phaseRank } from './time.js';
import type { Migration, MigrationCause, VmiMigrationState } from './types.js';

/**
 * How far an outcome can be trusted: a final VMIM phase beats the controller's
 * record, which beats an inference from a vanished VMIM, which beats "in
 * flight". One exception: a timeout is only known to the controller (it
 * cancels the migration, which KubeVirt then reports as Failed or aborted), so
 * the controller's timeout beats the VMIM's final phase.
 */
export function outcomeAuthority(m: Migration): number {
  if (m.outcome === 'in-flight') return 0;
  const from = m.outcomeFrom ?? (isFinalPhase(m.phase) ? 'vmim' : 'controller');
  if (m.outcome === 'timeout' && from === 'controller') return 4;
  return from === 'vmim' ? 3 : from === 'controller' ? 2 : 1;
}

function mergeCause(a: MigrationCause, b: MigrationCause): MigrationCause {
  // KubeVirt's own names are certain; chaos is known from a label or from the
  // controller's records (the virtctl trigger labels its VMIM only after
  // virt-api created it), so either source saying chaos wins over "other".
  for (const c of ['evacuation', 'workload-update', 'chaos'] as const) if (a === c || b === c) return c;
  return 'other';
}

/** The VMIM itself was seen (not only a controller record of it). */
function fromVmim(m: Migration): boolean {
  return m.phase !== '' || Object.keys(m.phaseTimes).length > 0;
}

/**
 * Folds two records of the same migration: `a` is the newer one (its values
 * win where both are set, except where the rules above say otherwise).
 */
export function mergeMigration(a: Migration, b: Migration | undefined): Migration {
  if (!b || a === b) return a;
  // A live VMIM still in flight proves an inference from its absence wrong.
  const liveAgain = a.outcome === 'in-flight' && b.outcomeFrom === 'inferred' && fromVmim(a);
  const winner = liveAgain || outcomeAuthority(a) >= outcomeAuthority(b) ? a : b;
  const loser = winner === a ? b : a;
  const out: Migration = {
    uid: a.uid,
    name: a.name || b.name,
    namespace: a.namespace || b.namespace,
    vmi: a.vmi || b.vmi,
    cause: mergeCause(a.cause, b.cause),
    phase: phaseRank(b.phase) > phaseRank(a.phase) ? b.phase : a.phase,
    phaseTimes: { ...b.phaseTimes, ...a.phaseTimes },
    // The VMIM's creation is the trigger time every source agrees on.
    created: (fromVmim(a) || !fromVmim(b) ? a.created || b.created : b.created || a.created),
    outcome: winner.outcome,
  };
  const runId = a.runId ?? b.runId;
  if (runId) out.runId = runId;
  if (winner.outcomeFrom) out.outcomeFrom = winner.outcomeFrom;
  const fill = <K extends 'started' | 'sourceNode' | 'targetNode' | 'sourcePod' | 'targetPod'>(k: K) => {
    const v = a[k] ?? b[k];
    if (v !== undefined) out[k] = v;
  };
  fill('started');
  fill('sourceNode');
  fill('targetNode');
  fill('sourcePod');
  fill('targetPod');
  const ended = winner.ended ?? loser.ended;
  if (ended && out.outcome !== 'in-flight') out.ended = ended;
  if (out.outcome !== 'succeeded' && out.outcome !== 'in-flight') {
    const reason = winner.failureReason ?? loser.failureReason;
    if (reason) out.failureReason = reason;
  }
  const ipsBefore = a.ipsBefore ?? b.ipsBefore;
  if (ipsBefore) out.ipsBefore = ipsBefore;
  const ipsAfter = a.ipsAfter ?? b.ipsAfter;
  if (ipsAfter) out.ipsAfter = ipsAfter;
  if (sameMigration(out, a)) return a;
  return sameMigration(out, b) ? b : out;
}

/** Deep equality over Migration's fields, to keep unchanged objects (and memoized rows). */
export function sameMigration(a: Migration, b: Migration): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Migration>;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (k === 'ipsBefore' || k === 'ipsAfter') {
      if (!sameStrings(x as string[] | undefined, y as string[] | undefined)) return false;
    } else if (k === 'phaseTimes') {
      const px = x as Migration['phaseTimes'];
      const py = y as Migration['phaseTimes'];
      const pk = new Set([...Object.keys(px), ...Object.keys(py)]);
      for (const p of pk) if (px[p] !== py[p]) return false;
    } else return false;
  }
  return true;
}

export const VANISHED_REASON = 'its VirtualMachineInstanceMigration was deleted before a final phase was seen';

/**
 * A migration still in flight whose VMIM is gone (a DELETED event without a
 * final phase, or missing from a relist): it is over, but nobody saw how it
 * ended. The VMI's migrationState settles it when it belongs to this migration
 * and completed; otherwise it counts as failed, marked inferred, until the
 * controller's record (which knows) or a final VMIM phase replaces it.
 */
export function finalizeVanished(m: Migration, vmiState: VmiMigrationState | undefined): Migration {
  if (m.outcome !== 'in-flight') return m;
  const out: Migration = { ...m, outcomeFrom: 'inferred' };
  if (vmiState?.uid === m.uid && vmiState.completed) {
    out.outcome = !vmiState.failed ? 'succeeded' : vmiState.abortStatus === 'Succeeded' ? 'aborted' : 'failed';
    if (vmiState.ended) out.ended = vmiState.ended;
    if (out.outcome !== 'succeeded') out.failureReason = vmiState.failureReason ?? m.failureReason ?? VANISHED_REASON;
    return out;
  }
  out.outcome = 'failed';
  out.failureReason = m.failureReason ?? VANISHED_REASON;
  return out;
}
