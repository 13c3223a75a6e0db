// The evacuation controller: a node carrying KubeVirt's drain taint
// (nodeDrainTaintKey, kubevirt.io/drain) has its VMIs with eviction strategy
// LiveMigrate (or LiveMigrateIfPossible, when migratable) moved off through
// `kubevirt-evacuation-` migrations, within the usual parallel limits.
import type { KubeObject } from '../api/types.js';
import { MIGRATION_SELECTOR_LABEL, isFinalMigration } from './admission.js';
import { type KubeVirtContext, VMIM_KEY, VMI_KEY } from './context.js';
import { Reconciler, type ReconcileResult } from './reconciler.js';
import { conditionStatus, statusOf } from './vmi-status.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const EVACUATION_ANNOTATION = 'kubevirt.io/evacuationMigration';

export class EvacuationController {
  private readonly queue: Reconciler;
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: KubeVirtContext) {
    this.queue = new Reconciler('evacuation-controller', ctx.clock, (k) => this.reconcile(k), ctx.log);
    this.unsubscribe = ctx.client.watch('nodes', (ev) => {
      if (ev.type !== 'DELETED') this.queue.enqueue(ev.object.metadata.name!);
    });
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private draining(node: KubeObject): boolean {
    const key = this.ctx.migrationLimits().nodeDrainTaintKey;
    return ((node as Any).spec?.taints ?? []).some((t: Any) => t.key === key);
  }

  private reconcile(nodeName: string): ReconcileResult {
    const node = this.ctx.client.get('nodes', undefined, nodeName);
    if (!node || !this.draining(node)) return;
    const migrations = this.ctx.client.list(VMIM_KEY);
    const inFlight = new Set(migrations.filter((m) => !isFinalMigration(m)).map((m) => `${m.metadata.namespace}/${m.metadata.labels?.[MIGRATION_SELECTOR_LABEL]}`));
    let remaining = 0;
    for (const vmi of this.ctx.client.list(VMI_KEY)) {
      const st = (vmi as Any).status ?? {};
      if (st.nodeName !== nodeName || st.phase !== 'Running' || vmi.metadata.deletionTimestamp) continue;
      const strategy = (vmi as Any).spec?.evictionStrategy ?? this.ctx.defaultEvictionStrategy();
      const migratable = conditionStatus(vmi, 'LiveMigratable') === 'True';
      if (!(strategy === 'LiveMigrate' || (strategy === 'LiveMigrateIfPossible' && migratable))) continue;
      remaining++;
      if (inFlight.has(`${vmi.metadata.namespace}/${vmi.metadata.name}`) || !migratable) continue;
      this.ctx.client.modify(VMI_KEY, vmi.metadata.namespace, vmi.metadata.name!, (o) => {
        statusOf(o).evacuationNodeName = nodeName;
        return o;
      });
      try {
        this.ctx.client.create(VMIM_KEY, {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstanceMigration',
          metadata: { generateName: 'kubevirt-evacuation-', namespace: vmi.metadata.namespace, annotations: { [EVACUATION_ANNOTATION]: nodeName } },
          spec: { vmiName: vmi.metadata.name },
        });
      } catch (e) {
        this.ctx.log(`evacuation of ${vmi.metadata.namespace}/${vmi.metadata.name} from ${nodeName}: ${(e as Error).message}`);
      }
    }
    // Keep at it while VMIs remain (failed migrations are retried).
    if (remaining > 0) return { requeueAfterMs: 5000 };
  }
}

/** Drains a node as `kubectl drain` plus KubeVirt see it: cordoned and tainted with the drain key. */
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
}
