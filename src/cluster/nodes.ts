// Nodes that can take a VM. A live migration needs a second such node: the
// target virt-launcher pod has required anti-affinity against the source's
// node, so on one node every migration sits Pending until KubeVirt fails it.
// virt-launcher pods carry nodeSelector kubevirt.io/schedulable=true (set by
// virt-handler while it heartbeats), and tolerate no ordinary taint.
import type { V1Node } from '@kubernetes/client-node';
import type { Connection } from './connection.js';
import { isForbidden, listNames, messageOf, plural } from './preflight-fields.js';
import { type NodeSummary, type PreflightCheck, check } from './preflight-types.js';

export const SCHEDULABLE_LABEL = 'kubevirt.io/schedulable';

/** Why a node cannot take a VM, or undefined when it can. */
export function unschedulableReason(node: V1Node): string | undefined {
  const reasons: string[] = [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') reasons.push(ready ? `not Ready (${ready.reason ?? ready.status})` : 'not Ready (no Ready condition)');
  if (node.spec?.unschedulable) reasons.push('cordoned');
  for (const t of node.spec?.taints ?? []) {
    if (t.effect === 'NoSchedule' || t.effect === 'NoExecute') reasons.push(`tainted ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  }
  const label = node.metadata?.labels?.[SCHEDULABLE_LABEL];
  if (label !== 'true') {
    reasons.push(label === undefined ? `no ${SCHEDULABLE_LABEL}=true label (virt-handler does not run there)` : `${SCHEDULABLE_LABEL}=${label} (virt-handler is not ready there)`);
  }
  return reasons.length ? reasons.join(', ') : undefined;
}

export function summariseNodes(nodes: V1Node[]): NodeSummary {
  const out: NodeSummary = { schedulable: [], unschedulable: [] };
  for (const n of nodes) {
    const name = n.metadata?.name ?? '';
    const reason = unschedulableReason(n);
    if (reason) out.unschedulable.push({ name, reason });
    else out.schedulable.push(name);
  }
  out.schedulable.sort();
  out.unschedulable.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

export interface NodesResult {
  check: PreflightCheck;
  nodes: NodeSummary;
}

/** The nodes check; `allowSingleNode` turns "fewer than two" into a warning, as long as one node can run the controller VM. */
export async function checkNodes(conn: Connection, opts: { allowSingleNode?: boolean } = {}): Promise<NodesResult> {
  let nodes: V1Node[];
  try {
    nodes = (await conn.call('Listing nodes', () => conn.core.listNode())).items;
  } catch (e) {
    const empty: NodeSummary = { schedulable: [], unschedulable: [] };
    if (!isForbidden(e)) throw e;
    // Namespace admins may not list nodes; that must not stop them.
    return {
      nodes: empty,
      check: check(
        'nodes',
        'warn',
        `cannot list nodes, so whether two of them can run VMs is unknown: ${messageOf(e)}`,
        `Ask a cluster admin to confirm that at least two nodes can run VMs (kubectl get nodes -l ${SCHEDULABLE_LABEL}=true).`,
      ),
    };
  }
  const summary = summariseNodes(nodes);
  const n = summary.schedulable.length;
  const cannot = summary.unschedulable.map((u) => `${u.name}: ${u.reason}`);
  if (n >= 2) {
    const others = cannot.length ? ` (${plural(cannot.length, 'other node')} cannot: ${listNames(cannot, 3)})` : '';
    return { nodes: summary, check: check('nodes', 'ok', `${n} nodes can run VMs: ${listNames(summary.schedulable)}${others}`) };
  }
  const others = cannot.length ? ` (${listNames(cannot, 3)})` : '';
  const detail = n
    ? `live migration needs at least two schedulable nodes; found ${n}: ${summary.schedulable.join(', ')}${others}`
    : `live migration needs at least two schedulable nodes; found 0, so not even the controller VM can run${others}`;
  const fix = `Make ${n ? 'another node' : 'at least two nodes'} schedulable for VMs (Ready, uncordoned, without NoSchedule/NoExecute taints, labelled ${SCHEDULABLE_LABEL}=true by virt-handler)`;
  if (n === 0) {
    // Not even the controller VM could start: --allow-single-node cannot help.
    return { nodes: summary, check: check('nodes', 'block', detail, `${fix}.`) };
  }
  if (opts.allowSingleNode) {
    return {
      nodes: summary,
      check: check('nodes', 'warn', `${detail} (going on because of --allow-single-node: every migration will fail for want of a target node)`, `${fix}.`),
    };
  }
  return { nodes: summary, check: check('nodes', 'block', detail, `${fix}, or pass --allow-single-node to deploy anyway (every migration will then fail).`) };
}
