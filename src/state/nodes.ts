// A node as a place VMs can run, by the rules (and in the words) preflight
// uses (src/cluster/nodes.ts, which reads typed client-node objects): Ready, not
// cordoned, no taint that keeps pods off (NoSchedule, NoExecute), and marked
// by virt-handler with kubevirt.io/schedulable=true (every virt-launcher pod
// selects on that label).
import { asArray, asString, at, conditionOf, labelsOf, stringAt } from './json.js';
import type { NodeView } from './types.js';

export const LABEL_KUBEVIRT_SCHEDULABLE = 'kubevirt.io/schedulable';

function describeTaint(t: unknown): string {
  const key = stringAt(t, 'key') ?? '';
  const value = stringAt(t, 'value');
  return `${key}${value ? `=${value}` : ''}:${stringAt(t, 'effect') ?? ''}`;
}

export function nodeViewFrom(node: unknown): NodeView | undefined {
  const name = stringAt(node, 'metadata', 'name');
  if (!name) return undefined;
  const reasons: string[] = [];
  const ready = conditionOf(node, 'Ready');
  const isReady = ready?.status === 'True';
  if (!isReady) reasons.push(ready ? `not Ready (${asString(ready.reason) ?? asString(ready.status) ?? 'no status'})` : 'not Ready (no Ready condition)');
  if (at(node, 'spec', 'unschedulable') === true) reasons.push('cordoned');
  for (const t of asArray(at(node, 'spec', 'taints'))) {
    const effect = stringAt(t, 'effect');
    if (effect === 'NoSchedule' || effect === 'NoExecute') reasons.push(`tainted ${describeTaint(t)}`);
  }
  const label = labelsOf(node)[LABEL_KUBEVIRT_SCHEDULABLE];
  if (label !== 'true') {
    reasons.push(
      label === undefined ? `no ${LABEL_KUBEVIRT_SCHEDULABLE}=true label (virt-handler does not run there)` : `${LABEL_KUBEVIRT_SCHEDULABLE}=${label} (virt-handler is not ready there)`,
    );
  }
  return { name, ready: isReady, schedulable: reasons.length === 0, reason: reasons.join(', ') };
}

export function sameNodeView(a: NodeView, b: NodeView): boolean {
  return a.name === b.name && a.ready === b.ready && a.schedulable === b.schedulable && a.reason === b.reason;
}
