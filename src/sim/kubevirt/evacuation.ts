// The evacuation controller (virt-controller pkg/virt-controller/watch/drain/
// evacuation): VMIs on a node tainted with the drain key (nodeDrainTaintKey,
// effect NoSchedule), or marked for eviction by `kubectl drain` (status.
// evacuationNodeName), that should live-migrate on eviction leave through
// `kubevirt-evacuation-` migrations. Only as many are created as the parallel
// limits leave free spots for; a VMI that cannot live-migrate is reported.
import type { KubeObject } from '../api/types.js';
import { type KubeVirtContext, VMIM_KEY, VMI_KEY } from './context.js';
import { isFinalPhase, migrationIndex } from './migration-index.js';
import { Reconciler, type ReconcileResult } from './reconciler.js';
import { FINAL_VMI_PHASES, conditionStatus, statusOf } from './vmi-status.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const EVACUATION_ANNOTATION = 'kubevirt.io/evacuationMigration';
const CONTROLLER = 'virtualmachine-controller';
/** migrations.IsMigrationRunning: past Pending, not final. */
const isRunningPhase = (phase: string) => phase !== '' && phase !== 'Pending' && !isFinalPhase(phase);

export class EvacuationController {
  private readonly queue: Reconciler;
  private readonly unsubscribes: (() => void)[];

  constructor(private readonly ctx: KubeVirtContext) {
    this.queue = new Reconciler('evacuation-controller', ctx.clock, (k) => this.reconcile(k), ctx.log);
    this.unsubscribes = [
      ctx.client.watch('nodes', (ev) => ev.type !== 'DELETED' && this.queue.enqueue(ev.object.metadata.name!)),
      // A finished evacuation frees a spot on its node; a VMI marked for eviction needs its node looked at.
      ctx.client.watch(VMIM_KEY, (ev) => {
        const node = ev.object.metadata.annotations?.[EVACUATION_ANNOTATION];
        if (node && isFinalPhase((ev.object as Any).status?.phase ?? '')) this.queue.enqueue(node, { urgent: true });
      }),
      ctx.client.watch(VMI_KEY, (ev) => {
        const st = (ev.object as Any).status ?? {};
        if (ev.type !== 'DELETED' && st.evacuationNodeName && st.evacuationNodeName !== (ev.previous as Any | undefined)?.status?.evacuationNodeName) this.queue.enqueue(st.evacuationNodeName);
      }),
    ];
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
    this.queue.stop();
  }

  /** VMIMigratableOnEviction: LiveMigrate always asks for a migration, LiveMigrateIfPossible only when it can. */
  private wantsMigration(vmi: KubeObject): boolean {
    const strategy = (vmi as Any).spec?.evictionStrategy ?? this.ctx.defaultEvictionStrategy();
    return strategy === 'LiveMigrate' || (strategy === 'LiveMigrateIfPossible' && conditionStatus(vmi, 'LiveMigratable') === 'True');
  }

  private reconcile(nodeName: string): ReconcileResult {
    const node = this.ctx.client.get('nodes', undefined, nodeName) as Any | undefined;
    if (!node) return;
    const limits = this.ctx.migrationLimits();
    const tainted = (node.spec?.taints ?? []).some((t: Any) => t.key === limits.nodeDrainTaintKey && t.effect === 'NoSchedule');
    const onNode = this.ctx.client.list(VMI_KEY).filter((v) => (v as Any).status?.nodeName === nodeName);
    const marked = (v: Any) => v.status?.evacuationNodeName === nodeName && !(v.status?.migrationState && !v.status.migrationState.completed);
    const toMigrate = tainted ? onNode : onNode.filter(marked);
    if (toMigrate.length === 0) return;
    const unfinished = migrationIndex(this.ctx).unfinished();
    const migrating = new Set(unfinished.map((u) => u.vmi));
    const candidates: KubeObject[] = [];
    const notMigratable: KubeObject[] = [];
    for (const vmi of toMigrate) {
      if (FINAL_VMI_PHASES.includes((vmi as Any).status?.phase) || vmi.metadata.deletionTimestamp || !this.wantsMigration(vmi)) continue;
      if (conditionStatus(vmi, 'LiveMigratable') !== 'True') notMigratable.push(vmi);
      else if (!migrating.has(`${vmi.metadata.namespace}/${vmi.metadata.name}`) && Object.keys(statusOf(vmi).activePods ?? {}).length <= 1) candidates.push(vmi);
    }
    if (candidates.length === 0 && notMigratable.length === 0) return;
    const running = unfinished.filter((u) => isRunningPhase(u.entry.phase));
    const here = new Set(onNode.map((v) => `${v.metadata.namespace}/${v.metadata.name}`));
    const fromHere = running.filter((u) => here.has(u.vmi)).length;
    const free = Math.min(limits.parallelMigrationsPerCluster - running.length, limits.parallelOutboundMigrationsPerNode - fromHere);
    if (free <= 0) return { requeueAfterMs: 5000 };
    const diff = Math.min(free, candidates.length);
    for (const vmi of notMigratable.slice(0, Math.min(free - diff, notMigratable.length))) {
      this.ctx.events.record(vmi, 'Normal', 'FailedCreate', 'VirtualMachineInstance is not migrateable', CONTROLLER);
    }
    // Keep the warnings about VMIs that cannot leave fresh, as KubeVirt requeues for them every minute.
    if (diff === 0) return notMigratable.length > 0 ? { requeueAfterMs: 60_000 } : undefined;
    for (const vmi of candidates.slice(0, diff)) this.createMigration(vmi, nodeName);
    return { requeueAfterMs: 5000 };
  }

  private createMigration(vmi: KubeObject, nodeName: string): void {
    try {
      const m = this.ctx.client.create(VMIM_KEY, {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstanceMigration',
        metadata: { generateName: 'kubevirt-evacuation-', namespace: vmi.metadata.namespace, annotations: { [EVACUATION_ANNOTATION]: nodeName } },
        spec: { vmiName: vmi.metadata.name },
      });
      this.ctx.events.record(vmi, 'Normal', 'SuccessfulCreate', `Created Migration ${m.metadata.name}`, CONTROLLER);
    } catch (e) {
      this.ctx.events.record(vmi, 'Warning', 'FailedCreate', `Error creating a Migration: ${(e as Error).message}`, CONTROLLER);
    }
  }
}

/**
 * Drains a node as `kubectl drain` plus KubeVirt leave it: cordoned, tainted
 * with the drain key, and each VMI that should live-migrate on eviction marked
 * with status.evacuationNodeName (what virt-api's eviction webhook does when
 * kubectl drain tries to evict its virt-launcher pod).
 */
export function drainNode(ctx: KubeVirtContext, nodeName: string): void {
  const key = ctx.migrationLimits().nodeDrainTaintKey;
  const updated = ctx.client.modify('nodes', undefined, nodeName, (n) => {
    const spec = ((n as Any).spec ??= {});
    spec.unschedulable = true;
    const taints: Any[] = spec.taints ?? [];
    if (!taints.some((t) => t.key === key)) spec.taints = [...taints, { key, value: 'draining', effect: 'NoSchedule' }];
    return n;
  });
  if (!updated) throw new Error(`node ${nodeName} not found`);
  const strategyOf = (v: Any) => v.spec?.evictionStrategy ?? ctx.defaultEvictionStrategy();
  for (const vmi of ctx.client.list(VMI_KEY)) {
    const v = vmi as Any;
    if (v.status?.nodeName !== nodeName || FINAL_VMI_PHASES.includes(v.status?.phase)) continue;
    const strategy = strategyOf(v);
    const evictable = strategy === 'LiveMigrate' || (strategy === 'LiveMigrateIfPossible' && conditionStatus(vmi, 'LiveMigratable') === 'True');
    if (!evictable) continue;
    ctx.client.modify(VMI_KEY, vmi.metadata.namespace, vmi.metadata.name!, (o) => ((statusOf(o).evacuationNodeName = nodeName), o));
  }
}
