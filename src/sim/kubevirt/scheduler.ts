// Where a virt-launcher pod can go, as the Kubernetes scheduler decides it for
// KubeVirt: Ready, uncordoned nodes labelled kubevirt.io/schedulable=true,
// taints tolerated, node selectors matched, requests within allocatable, and
// for a migration target never the source node (the target pod's
// anti-affinity). Usage is tracked incrementally from VMI events.
import { parseQuantity } from '../../k8s/quantity.js';
import type { StoreEvent } from '../api/store.js';
import type { KubeObject } from '../api/types.js';
import { type KubeVirtContext, VMI_KEY } from './context.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Need {
  cpu: number;
  memory: number;
}

/** What a VMI's virt-launcher pod requests: memory plus launcher overhead, vCPUs at KubeVirt's 10:1 allocation ratio. */
export function podNeed(vmi: KubeObject): Need {
  const domain = (vmi as Any).spec?.domain ?? {};
  const memory = parseQuantity(domain.resources?.requests?.memory) ?? parseQuantity(domain.memory?.guest) ?? 2 ** 30;
  const cpu = domain.cpu ?? {};
  const vcpus = (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1);
  const cpuRequest = parseQuantity(domain.resources?.requests?.cpu) ?? vcpus / 10;
  return { cpu: cpuRequest, memory: memory + 220 * 2 ** 20 };
}

interface Placement {
  nodes: string[];
  need: Need;
}

/** A node as the scheduler's cache holds it: allocatable parsed once per change, not once per decision. */
interface CachedNode {
  node: KubeObject;
  cpu: number;
  memory: number;
}

export interface ScheduleResult {
  node?: KubeObject;
  /** The scheduler's FailedScheduling message when no node fits. */
  message?: string;
}

export class Scheduler {
  private readonly placements = new Map<string, Placement>();
  /** Requests per node, kept in step with placements and reservations. */
  private readonly usedByNode = new Map<string, Need>();
  /** Migration target pods, by migration uid, before the VMI records them. */
  private readonly reservations = new Map<string, { node: string; need: Need }>();
  /** The scheduler's informer cache of nodes (listing and parsing them per decision dominated bulk seeding). */
  private readonly nodes = new Map<string, CachedNode>();
  private readonly unsubscribes: (() => void)[];

  constructor(private readonly ctx: KubeVirtContext) {
    this.unsubscribes = [ctx.client.watch(VMI_KEY, (ev) => this.observe(ev)), ctx.client.watch('nodes', (ev) => this.observeNode(ev))];
    for (const n of ctx.client.list('nodes')) this.observeNode({ type: 'ADDED', object: n } as StoreEvent);
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
  }

  private observeNode(ev: StoreEvent): void {
    const name = ev.object.metadata.name!;
    if (ev.type === 'DELETED') {
      this.nodes.delete(name);
      return;
    }
    const alloc = (ev.object as Any).status?.allocatable ?? {};
    this.nodes.set(name, { node: ev.object, cpu: parseQuantity(alloc.cpu) ?? 0, memory: parseQuantity(alloc.memory) ?? 0 });
  }

  private account(node: string, n: Need, sign: 1 | -1): void {
    const u = this.usedByNode.get(node) ?? { cpu: 0, memory: 0 };
    this.usedByNode.set(node, { cpu: u.cpu + sign * n.cpu, memory: u.memory + sign * n.memory });
  }

  private setPlacement(key: string, p: Placement | undefined): void {
    const old = this.placements.get(key);
    if (old) for (const n of old.nodes) this.account(n, old.need, -1);
    if (p) {
      for (const n of p.nodes) this.account(n, p.need, 1);
      this.placements.set(key, p);
    } else this.placements.delete(key);
  }

  private observe(ev: StoreEvent): void {
    const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
    if (ev.type === 'DELETED') {
      this.setPlacement(key, undefined);
      return;
    }
    const st = (ev.object as Any).status ?? {};
    const nodes: string[] = [];
    if (st.nodeName && !['Succeeded', 'Failed'].includes(st.phase)) nodes.push(st.nodeName);
    const ms = st.migrationState;
    if (ms?.targetNode && !ms.completed && ms.targetNode !== st.nodeName) nodes.push(ms.targetNode);
    this.setPlacement(key, { nodes, need: podNeed(ev.object) });
  }

  reserve(id: string, node: string, need: Need): void {
    this.release(id);
    this.reservations.set(id, { node, need });
    this.account(node, need, 1);
  }

  release(id: string): void {
    const r = this.reservations.get(id);
    if (!r) return;
    this.reservations.delete(id);
    this.account(r.node, r.need, -1);
  }

  /** Picks the least-loaded fitting node, or explains why none fits. */
  schedule(vmi: KubeObject, opts: { excludeNode?: string; addedNodeSelector?: Record<string, string> } = {}): ScheduleResult {
    const need = podNeed(vmi);
    const used = this.usedByNode;
    const spec = (vmi as Any).spec ?? {};
    const selector: Record<string, string> = { 'kubevirt.io/schedulable': 'true', ...(spec.nodeSelector ?? {}), ...(opts.addedNodeSelector ?? {}) };
    const reasons = new Map<string, number>();
    const refuse = (why: string) => reasons.set(why, (reasons.get(why) ?? 0) + 1);
    let best: { node: KubeObject; free: number } | undefined;
    for (const cached of this.nodes.values()) {
      const node = cached.node;
      const n = node as Any;
      const name = node.metadata.name!;
      const ready = (n.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
      const taint = (n.spec?.taints ?? []).find((t: Any) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(spec.tolerations, t));
      if (n.spec?.unschedulable) refuse("node(s) were unschedulable");
      else if (!ready) refuse("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
      else if (taint) refuse(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      else if (!Object.entries(selector).every(([k, v]) => n.metadata?.labels?.[k] === v)) refuse("node(s) didn't match Pod's node affinity/selector");
      else if (name === opts.excludeNode) refuse("node(s) didn't match pod anti-affinity rules");
      else {
        const u = used.get(name) ?? { cpu: 0, memory: 0 };
        const freeMem = cached.memory - u.memory;
        const freeCpu = cached.cpu - u.cpu;
        if (freeMem < need.memory) refuse('Insufficient memory');
        else if (freeCpu < need.cpu) refuse('Insufficient cpu');
        else if (!best || freeMem > best.free) best = { node, free: freeMem };
      }
    }
    if (best) return { node: best.node };
    return { message: unschedulableMessage(reasons, this.nodes.size) };
  }
}

/** Reasons preemption could fix (evicting lower-priority pods frees resources or anti-affinity); the rest it cannot. */
const RESOLVABLE = new Set(["node(s) didn't match pod anti-affinity rules", 'Insufficient memory', 'Insufficient cpu']);

/** The default scheduler's FailedScheduling message, with its preemption verdict (no lower-priority pods to evict here). */
function unschedulableMessage(reasons: Map<string, number>, total: number): string {
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([why, count]) => `${count} ${why}`);
  let noVictims = 0;
  for (const [why, count] of reasons) if (RESOLVABLE.has(why)) noVictims += count;
  const verdicts = new Map<string, number>();
  if (noVictims > 0) verdicts.set('No preemption victims found for incoming pod', noVictims);
  if (total - noVictims > 0) verdicts.set('Preemption is not helpful for scheduling', total - noVictims);
  return `0/${total} nodes are available: ${sorted(reasons).join(', ')}. preemption: 0/${total} nodes are available: ${sorted(verdicts).join(', ')}.`;
}

function tolerates(tolerations: Any[] | undefined, taint: Any): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}
