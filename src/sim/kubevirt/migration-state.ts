// How a migration shows on its VMI and its VMIM as it progresses: the
// migrationState record (sourceNode, targetNode, pods, timestamps, completed,
// failed, abort, the migration configuration in effect), the target-node
// label, active pods, and the final move. The VMIM keeps only its source pod
// until it is final, then a copy of the VMI's record (KubeVirt v1.7).
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';
import type { KubeVirtContext, MigrationLimits } from './context.js';
import type { FailureReport } from './migration-failures.js';
import { markRunning } from './vmi-controller.js';
import { statusOf } from './vmi-status.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TARGET_NODE_LABEL = 'kubevirt.io/migrationTargetNodeName';

export interface MigrationPlan {
  uid: string;
  sourceNode: string;
  sourcePod: string;
  targetNode: string;
  targetPod: string;
  targetPodUid: string;
  targetNodeAddress: string;
}

/**
 * The hand-off (virt-controller): the VMI learns its target and the cluster's
 * migration configuration (no MigrationPolicy matches); the target pod joins
 * activePods; the target-node label wakes virt-handler there, which reports
 * the address it listens on.
 */
export function beginOnVmi(vmi: KubeObject, plan: MigrationPlan, config: MigrationLimits): void {
  const st = statusOf(vmi);
  st.migrationState = {
    migrationUid: plan.uid,
    sourceNode: plan.sourceNode,
    sourcePod: plan.sourcePod,
    targetNode: plan.targetNode,
    targetPod: plan.targetPod,
    targetNodeAddress: plan.targetNodeAddress,
    migrationConfiguration: { ...config },
  };
  st.activePods = { ...(st.activePods ?? {}), [plan.targetPodUid]: plan.targetNode };
  vmi.metadata.labels = { ...(vmi.metadata.labels ?? {}), [TARGET_NODE_LABEL]: plan.targetNode };
}

/** The source starts sending memory (virt-handler). */
export function startOnVmi(vmi: KubeObject, now = timestamp()): void {
  const ms = statusOf(vmi).migrationState;
  if (ms) Object.assign(ms, { startTimestamp: now, mode: 'PreCopy', targetNodeDomainDetected: true, targetNodeDomainReadyTimestamp: now });
}

/** Success: the VMI now runs on the target node with the target pod's IP. */
export function succeedOnVmi(ctx: KubeVirtContext, vmi: KubeObject, plan: MigrationPlan, newIp: string, now = timestamp()): void {
  const st = statusOf(vmi);
  Object.assign(st.migrationState ?? {}, { completed: true, endTimestamp: now });
  st.activePods = { [plan.targetPodUid]: plan.targetNode };
  // virt-handler clears the evacuation mark once the VMI has left the drained node.
  delete st.evacuationNodeName;
  const labels = { ...(vmi.metadata.labels ?? {}) };
  delete labels[TARGET_NODE_LABEL];
  vmi.metadata.labels = labels;
  markRunning(ctx, vmi, plan.targetNode, newIp, now);
}

/**
 * Failure or a successful abort: the VMI stays where it was. A record the VMI
 * holds for this migration is closed with the failure (`report`, given only
 * when the migration was handed off); the target pod leaves activePods.
 */
export function failOnVmi(vmi: KubeObject, plan: MigrationPlan | undefined, report: FailureReport | undefined, now = timestamp()): void {
  const st = statusOf(vmi);
  const ms = st.migrationState;
  if (ms && plan && report && ms.migrationUid === plan.uid) {
    Object.assign(ms, { completed: true, failed: true, endTimestamp: now });
    ms.startTimestamp ??= now;
    if (report.failureReason) ms.failureReason = report.failureReason;
    if (report.aborted) Object.assign(ms, { abortRequested: true, abortStatus: 'Succeeded' });
  }
  if (plan) {
    const pods = { ...(st.activePods ?? {}) };
    delete pods[plan.targetPodUid];
    st.activePods = pods;
  }
  const labels = { ...(vmi.metadata.labels ?? {}) };
  delete labels[TARGET_NODE_LABEL];
  vmi.metadata.labels = labels;
}

/** A final VMIM stores the VMI's record of it, when the VMI has one. */
export function finalOnVmim(vmim: KubeObject, vmi: KubeObject | undefined): void {
  const ms = (vmi as Any | undefined)?.status?.migrationState;
  if (ms && ms.migrationUid === vmim.metadata.uid) statusOf(vmim).migrationState = structuredClone(ms);
}
