// A VMI's life as virt-controller and virt-handler drive it: Pending,
// Scheduling (virt-launcher pod created), Scheduled (pod bound to a node),
// Running (domain up, conditions and interfaces reported); shutdown and
// finalizer removal on delete.
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';
import { type KubeVirtContext, VMI_KEY } from './context.js';
import { migratability } from './migratability.js';
import type { PodIps } from './pod-ips.js';
import { Reconciler, type ReconcileResult, nsKey, splitKey } from './reconciler.js';
import type { Scheduler } from './scheduler.js';
import { FINAL_VMI_PHASES, macAddress, newPodUid, podInterface, removeCondition, setCondition, setPhase, statusOf } from './vmi-status.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const VMI_FINALIZERS = ['kubevirt.io/virtualMachineControllerFinalize'];

/** Everything a Running VMI reports once its domain and guest agent are up. */
export function markRunning(ctx: KubeVirtContext, vmi: KubeObject, node: string, ip: string, now = timestamp()): void {
  const st = statusOf(vmi);
  const spec = (vmi as Any).spec ?? {};
  setPhase(vmi, 'Running', now);
  setCondition(vmi, { type: 'Ready', status: 'True' }, now);
  const m = migratability(ctx.client, vmi);
  setCondition(vmi, m.migratable ? { type: 'LiveMigratable', status: 'True' } : { type: 'LiveMigratable', status: 'False', reason: m.reason, message: m.message }, now);
  setCondition(vmi, { type: 'AgentConnected', status: 'True' }, now);
  st.nodeName = node;
  st.interfaces = [podInterface(ip, st.interfaces?.[0]?.mac ?? macAddress())];
  st.guestOSInfo = { id: 'fedora', name: 'Fedora Linux', prettyName: 'Fedora Linux 42 (Cloud Edition)', version: '42', versionId: '42', kernelRelease: '6.14.0-63.fc42.x86_64' };
  st.migrationMethod = m.migratable ? 'LiveMigration' : 'BlockMigration';
  st.migrationTransport = 'Unix';
  st.qosClass = 'Burstable';
  st.launcherContainerImageVersion = `quay.io/kubevirt/virt-launcher:${ctx.release}`;
  st.machine = { type: 'pc-q35-rhel9.6.0' };
  const cpu = spec.domain?.cpu ?? {};
  st.currentCPUTopology = { cores: cpu.cores ?? 1, sockets: cpu.sockets ?? 1, threads: cpu.threads ?? 1 };
  st.selinuxContext = 'none';
  vmi.metadata.labels = { ...(vmi.metadata.labels ?? {}), 'kubevirt.io/nodeName': node };
}

export class VmiController {
  private readonly queue: Reconciler;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: KubeVirtContext,
    private readonly scheduler: Scheduler,
    private readonly ips: PodIps,
  ) {
    this.queue = new Reconciler('vmi-controller', ctx.clock, (k) => this.reconcile(k), ctx.log);
    this.unsubscribe = ctx.client.watch(VMI_KEY, (ev) => {
      if (ev.type !== 'DELETED') this.queue.enqueue(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!), { urgent: Boolean(ev.object.metadata.deletionTimestamp) });
    });
    for (const vmi of ctx.client.list(VMI_KEY)) this.queue.enqueue(nsKey(vmi.metadata.namespace, vmi.metadata.name!));
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  private modify(ns: string, name: string, fn: (vmi: KubeObject) => void): void {
    this.ctx.client.modify(VMI_KEY, ns, name, (vmi) => {
      fn(vmi);
      return vmi;
    });
  }

  private reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const vmi = this.ctx.client.get(VMI_KEY, namespace, name) as Any | undefined;
    if (!vmi) return;
    const clock = this.ctx.clock;
    const phase: string = vmi.status?.phase ?? '';
    if (vmi.metadata.deletionTimestamp) return this.shutdown(vmi);
    if (!(vmi.metadata.finalizers ?? []).includes(VMI_FINALIZERS[0])) {
      this.modify(namespace, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), ...VMI_FINALIZERS];
      });
      return;
    }
    switch (phase) {
      case '':
        this.modify(namespace, name, (o) => setPhase(o, 'Pending'));
        return { requeueAfterMs: clock.jitter(500) };
      case 'Pending': {
        const uid = newPodUid();
        this.modify(namespace, name, (o) => {
          setPhase(o, 'Scheduling');
          statusOf(o).activePods = { [uid]: '' };
        });
        return { requeueAfterMs: clock.jitter(1500) };
      }
      case 'Scheduling': {
        const placed = this.scheduler.schedule(vmi as KubeObject);
        if (!placed.node) {
          this.modify(namespace, name, (o) => setCondition(o, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: placed.message }));
          return { requeueAfterMs: 5000 };
        }
        const node = placed.node.metadata.name!;
        this.modify(namespace, name, (o) => {
          const st = statusOf(o);
          setPhase(o, 'Scheduled');
          st.nodeName = node;
          st.activePods = Object.fromEntries(Object.keys(st.activePods ?? { [newPodUid()]: '' }).map((uid) => [uid, node]));
          removeCondition(o, 'PodScheduled');
          o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubevirt.io/nodeName': node };
        });
        return { requeueAfterMs: clock.jitter(6000) };
      }
      case 'Scheduled': {
        const node = vmi.status.nodeName as string;
        this.modify(namespace, name, (o) => markRunning(this.ctx, o, node, this.ips.allocate(node)));
        return;
      }
      default:
        return;
    }
  }

  /** virt-handler stops the domain; then the controller lets the object go. */
  private shutdown(vmi: Any): ReconcileResult {
    const { namespace, name } = vmi.metadata;
    if (!FINAL_VMI_PHASES.includes(vmi.status?.phase)) {
      this.ctx.clock.after(this.ctx.clock.jitter(1500), () =>
        this.modify(namespace, name, (o) => {
          setPhase(o, 'Succeeded');
          setCondition(o, { type: 'Ready', status: 'False', reason: 'PodTerminating' });
        }),
      );
      return;
    }
    this.modify(namespace, name, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => !VMI_FINALIZERS.includes(f));
    });
  }
}
