// A VirtualMachineInstanceMigration as one Migration of history: what caused
// it, its phases, its nodes and pods, and how it ended.
import { LABEL_RUN_ID } from '../cloudinit/names.js';
import { annotationsOf, asArray, at, conditionOf, labelsOf, stringAt } from './json.js';
import { mergeMigration } from './merge.js';
import { isFinalPhase } from './time.js';
import type { Migration, MigrationCause, MigrationOutcome, VmiMigrationState } from './types.js';
import { readMigrationState } from './vmi.js';

export const EVACUATION_PREFIX = 'kubevirt-evacuation-';
export const WORKLOAD_UPDATE_PREFIX = 'kubevirt-workload-update-';
export const EVACUATION_ANNOTATION = 'kubevirt.io/evacuationMigration';
/** Set on every VMIM by KubeVirt's mutating webhook. */
export const LABEL_VMI_NAME = 'kubevirt.io/vmi-name';

/**
 * KubeVirt's own migrations first (a drain names and annotates its
 * evacuations; a KubeVirt update names its workload updates), then ours (the
 * controller labels its VMIMs with the run id), then anything else.
 */
export function migrationCause(vmim: unknown): MigrationCause {
  const name = stringAt(vmim, 'metadata', 'name') ?? '';
  if (name.startsWith(EVACUATION_PREFIX) || annotationsOf(vmim)[EVACUATION_ANNOTATION] !== undefined) return 'evacuation';
  if (name.startsWith(WORKLOAD_UPDATE_PREFIX)) return 'workload-update';
  if (labelsOf(vmim)[LABEL_RUN_ID]) return 'chaos';
  return 'other';
}

/**
 * The outcome of a VMIM phase. A Failed migration was aborted when the source
 * confirmed the abort (abortStatus Succeeded) or KubeVirt marked the request
 * (condition migrationAbortRequested: a delete before hand-off cancels it that
 * way). A timeout is the controller's word, not KubeVirt's (see merge.ts).
 */
export function vmimOutcome(phase: string, abortStatus: string | undefined, abortRequested: boolean): MigrationOutcome {
  if (phase === 'Succeeded') return 'succeeded';
  if (phase !== 'Failed') return 'in-flight';
  return abortStatus === 'Succeeded' || abortRequested ? 'aborted' : 'failed';
}

/** RFC3339 time each phase began; the first transition wins if one repeats. */
export function phaseTimesOf(vmim: unknown): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const t of asArray(at(vmim, 'status', 'phaseTransitionTimestamps'))) {
    const phase = stringAt(t, 'phase');
    const time = stringAt(t, 'phaseTransitionTimestamp');
    if (phase && time && out[phase] === undefined) out[phase] = time;
  }
  return out;
}

/**
 * The Migration for a VMIM object, folded over `previous` (the same uid seen
 * before, from any source) so that nothing known is lost. `runId` says the
 * caller knows this VMIM to be the controller's (its name is the controller's
 * current migration, or a status record has its uid) before the label is
 * there. `vmiState` is the VMI's migrationState; it fills nodes, pods, times
 * and the failure reason when its migrationUid is this VMIM's uid (older
 * KubeVirt keeps them only on the VMI).
 */
export function migrationFrom(vmim: unknown, previous?: Migration, runId?: string, vmiState?: VmiMigrationState): Migration | undefined {
  const uid = stringAt(vmim, 'metadata', 'uid');
  if (!uid) return undefined;
  const labels = labelsOf(vmim);
  const name = stringAt(vmim, 'metadata', 'name') ?? '';
  const phase = stringAt(vmim, 'status', 'phase') ?? '';
  const phaseTimes = phaseTimesOf(vmim);
  const own = readMigrationState(at(vmim, 'status', 'migrationState'));
  const vs = vmiState?.uid === uid ? vmiState : undefined;
  const pick = <K extends keyof VmiMigrationState>(k: K): VmiMigrationState[K] | undefined => own?.[k] ?? vs?.[k];
  const abortCondition = conditionOf(vmim, 'migrationAbortRequested')?.status === 'True';
  let cause = migrationCause(vmim);
  if (cause === 'other' && runId) cause = 'chaos';
  const outcome = vmimOutcome(phase, pick('abortStatus'), abortCondition);
  const m: Migration = {
    uid,
    name,
    namespace: stringAt(vmim, 'metadata', 'namespace') ?? previous?.namespace ?? '',
    vmi: stringAt(vmim, 'spec', 'vmiName') ?? labels[LABEL_VMI_NAME] ?? '',
    cause,
    phase,
    phaseTimes,
    created: stringAt(vmim, 'metadata', 'creationTimestamp') ?? phaseTimes.Pending ?? '',
    outcome,
  };
  const labelRun = labels[LABEL_RUN_ID];
  if (labelRun) m.runId = labelRun;
  else if (cause === 'chaos' && runId) m.runId = runId;
  if (isFinalPhase(phase)) {
    m.outcomeFrom = 'vmim';
    const ended = pick('ended') ?? phaseTimes[phase];
    if (ended) m.ended = ended;
  }
  const started = pick('started');
  if (started) m.started = started;
  const sourceNode = pick('sourceNode');
  if (sourceNode) m.sourceNode = sourceNode;
  const targetNode = pick('targetNode');
  if (targetNode) m.targetNode = targetNode;
  const sourcePod = pick('sourcePod');
  if (sourcePod) m.sourcePod = sourcePod;
  const targetPod = pick('targetPod');
  if (targetPod) m.targetPod = targetPod;
  if (outcome === 'failed' || outcome === 'aborted') {
    const reason = pick('failureReason') ?? (outcome === 'aborted' ? 'aborted: the migration was cancelled' : undefined);
    if (reason) m.failureReason = reason;
  }
  return mergeMigration(m, previous);
}

/**
 * Fills a known migration from the VMI's migrationState (matched by uid):
 * nodes, pods and times that the VMIM did not carry. The outcome stays the
 * VMIM's (or the controller's) to decide.
 */
export function enrichFromVmiState(m: Migration, vs: VmiMigrationState | undefined): Migration {
  if (!vs || vs.uid !== m.uid) return m;
  const out: Migration = { ...m };
  let changed = false;
  const fill = (k: 'started' | 'sourceNode' | 'targetNode' | 'sourcePod' | 'targetPod', v: string | undefined) => {
    if (v && out[k] === undefined) {
      out[k] = v;
      changed = true;
    }
  };
  fill('started', vs.started);
  fill('sourceNode', vs.sourceNode);
  fill('targetNode', vs.targetNode);
  fill('sourcePod', vs.sourcePod);
  fill('targetPod', vs.targetPod);
  if (m.outcome !== 'in-flight' && m.outcome !== 'succeeded' && !m.failureReason && vs.failureReason) {
    out.failureReason = vs.failureReason;
    changed = true;
  }
  if (m.outcome !== 'in-flight' && !m.ended && vs.ended) {
    out.ended = vs.ended;
    changed = true;
  }
  return changed ? out : m;
}
