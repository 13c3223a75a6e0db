// The VirtualMachine controller: data volumes from templates, a VMI while the
// run strategy wants one (none while Halted), and the VM's status
// (printableStatus, ready, created, conditions) following its VMI.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';
import { DV_KEY, type KubeVirtContext, VMI_KEY, VM_KEY } from './context.js';
import { Reconciler, type ReconcileResult, nsKey, splitKey } from './reconciler.js';
import { VMI_FINALIZERS } from './vmi-controller.js';
import { conditionStatus } from './vmi-status.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const VM_FINALIZER = 'kubevirt.io/virtualMachineControllerFinalize';

export function runStrategyOf(vm: KubeObject): string {
  const spec = (vm as Any).spec ?? {};
  return spec.runStrategy ?? (spec.running ? 'Always' : 'Halted');
}

function wantsRunning(vm: KubeObject): boolean {
  return ['Always', 'RerunOnFailure', 'Once'].includes(runStrategyOf(vm));
}

export function ownerRef(vm: KubeObject) {
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name!, uid: vm.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The VMI a VM's template describes, as the VM controller creates it. */
export function vmiFromVm(vm: KubeObject): KubeObject {
  const tpl = (vm as Any).spec?.template ?? {};
  const spec = structuredClone(tpl.spec ?? {});
  spec.domain ??= {};
  spec.domain.firmware = { uuid: randomUUID(), ...(spec.domain.firmware ?? {}) };
  spec.domain.machine ??= { type: 'q35' };
  spec.architecture ??= 'amd64';
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name: vm.metadata.name,
      namespace: vm.metadata.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: {
        ...(tpl.metadata?.annotations ?? {}),
        'kubevirt.io/latest-observed-api-version': 'v1',
        'kubevirt.io/storage-observed-api-version': 'v1',
        'kubevirt.io/vm-generation': String(vm.metadata.generation ?? 1),
      },
      ownerReferences: [ownerRef(vm)],
      finalizers: [...VMI_FINALIZERS],
    },
    spec,
  };
}

/** The human status `kubectl get vm` shows. */
export function printableStatus(vm: KubeObject, vmi: KubeObject | undefined, dvsReady: boolean): string {
  if (vm.metadata.deletionTimestamp) return 'Terminating';
  if (!vmi) return wantsRunning(vm) ? (dvsReady ? 'Starting' : 'Provisioning') : 'Stopped';
  const st = (vmi as Any).status ?? {};
  if (vmi.metadata.deletionTimestamp) return 'Stopping';
  const unschedulable = (st.conditions ?? []).some((c: Any) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (unschedulable) return 'ErrorUnschedulable';
  switch (st.phase) {
    case 'Running':
      return st.migrationState && !st.migrationState.completed ? 'Migrating' : 'Running';
    case 'Succeeded':
      return 'Stopped';
    case 'Failed':
      return 'CrashLoopBackOff';
    default:
      return 'Starting';
  }
}

export class VmController {
  private readonly queue: Reconciler;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(private readonly ctx: KubeVirtContext) {
    this.queue = new Reconciler('vm-controller', ctx.clock, (k) => this.reconcile(k), ctx.log);
    const byName = (o: KubeObject) => this.queue.enqueue(nsKey(o.metadata.namespace, o.metadata.name!));
    const byOwner = (o: KubeObject) => {
      for (const r of o.metadata.ownerReferences ?? []) if (r.kind === 'VirtualMachine') this.queue.enqueue(nsKey(o.metadata.namespace, r.name));
    };
    this.unsubscribes.push(
      ctx.client.watch(VM_KEY, (ev) => byName(ev.object)),
      ctx.client.watch(VMI_KEY, (ev) => byName(ev.object)),
      ctx.client.watch(DV_KEY, (ev) => byOwner(ev.object)),
    );
    for (const vm of ctx.client.list(VM_KEY)) byName(vm);
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
    this.queue.stop();
  }

  private reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client;
    const vm = client.get(VM_KEY, namespace, name);
    if (!vm) return;
    const vmi = client.get(VMI_KEY, namespace, name);
    if (vm.metadata.deletionTimestamp) {
      if (vmi && !vmi.metadata.deletionTimestamp) client.delete(VMI_KEY, namespace, name);
      if (!vmi) {
        client.modify(VM_KEY, namespace, name, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== VM_FINALIZER) } }));
      } else this.updateStatus(vm, vmi, true);
      return;
    }
    if (!(vm.metadata.finalizers ?? []).includes(VM_FINALIZER)) {
      client.modify(VM_KEY, namespace, name, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [...(o.metadata.finalizers ?? []), VM_FINALIZER] } }));
      return;
    }
    const dvsReady = this.ensureDataVolumes(vm);
    // A VMI owned by a previous incarnation of this VM is not ours to keep.
    const ours = vmi && (vmi.metadata.ownerReferences ?? []).some((r) => r.uid === vm.metadata.uid);
    if (wantsRunning(vm)) {
      if (!vmi && dvsReady) client.create(VMI_KEY, vmiFromVm(vm));
      const finished = vmi && ['Succeeded', 'Failed'].includes((vmi as Any).status?.phase);
      if (vmi && ours && finished && runStrategyOf(vm) === 'Always' && !vmi.metadata.deletionTimestamp) client.delete(VMI_KEY, namespace, name);
    } else if (vmi && ours && !vmi.metadata.deletionTimestamp) {
      client.delete(VMI_KEY, namespace, name);
    }
    this.updateStatus(vm, client.get(VMI_KEY, namespace, name), dvsReady);
  }

  /** Creates missing DataVolumes from dataVolumeTemplates; true when all have succeeded. */
  private ensureDataVolumes(vm: KubeObject): boolean {
    let ready = true;
    for (const t of (vm as Any).spec?.dataVolumeTemplates ?? []) {
      const dvName = t.metadata?.name;
      if (!dvName) continue;
      const dv = this.ctx.client.get(DV_KEY, vm.metadata.namespace, dvName) as Any | undefined;
      if (!dv) {
        this.ctx.client.create(DV_KEY, {
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata: { name: dvName, namespace: vm.metadata.namespace, labels: { ...(t.metadata?.labels ?? {}) }, ownerReferences: [ownerRef(vm)] },
          spec: structuredClone(t.spec ?? {}),
        });
        ready = false;
      } else if (dv.status?.phase !== 'Succeeded') ready = false;
    }
    return ready;
  }

  private updateStatus(vm: KubeObject, vmi: KubeObject | undefined, dvsReady: boolean): void {
    const ready = Boolean(vmi && conditionStatus(vmi, 'Ready') === 'True' && (vmi as Any).status?.phase === 'Running');
    const printable = printableStatus(vm, vmi, dvsReady);
    this.ctx.client.modify(
      VM_KEY,
      vm.metadata.namespace,
      vm.metadata.name!,
      (o) => {
        const st = ((o as Any).status ??= {});
        const now = timestamp();
        const old = (st.conditions ?? []).find((c: Any) => c.type === 'Ready');
        const readyCond: Any = { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: old && old.status === (ready ? 'True' : 'False') ? old.lastTransitionTime : now };
        if (!ready) {
          readyCond.reason = vmi ? 'PodNotReady' : 'VMINotExists';
          readyCond.message = vmi ? 'VMI is not running' : 'VMI does not exist';
        }
        const next = { ...st, printableStatus: printable, ready, created: Boolean(vmi), runStrategy: runStrategyOf(o), conditions: [readyCond], desiredGeneration: o.metadata.generation, observedGeneration: o.metadata.generation, volumeSnapshotStatuses: st.volumeSnapshotStatuses };
        if (!next.volumeSnapshotStatuses) delete next.volumeSnapshotStatuses;
        if (!ready) delete next.ready;
        if (!vmi) delete next.created;
        // Like KubeVirt's VM controller, write only a status that changed (a VMI's every change reaches here).
        if (isDeepStrictEqual(next, st)) return undefined;
        (o as Any).status = next;
        return o;
      },
      { subresource: 'status' },
    );
  }
}
