// A virtwork fleet as `virtwork run` leaves it: `virtwork-<component>-<i>` VMs
// with virtwork's labels and cloud-init Secrets, components assigned
// round-robin, disk and database VMs on a blank DataVolume (ReadWriteOnce, so
// not live-migratable, unless rwx). Seeded VMs start out Running and placed,
// as a fleet that has been up for a while.
import { randomUUID } from 'node:crypto';
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';
import { DV_KEY, type KubeVirtContext, VMI_KEY, VM_KEY } from './context.js';
import type { PodIps } from './pod-ips.js';
import type { Scheduler } from './scheduler.js';
import { VM_FINALIZER, vmiFromVm } from './vm-controller.js';
import { markRunning } from './vmi-controller.js';
import { newPodUid, setPhase, statusOf } from './vmi-status.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const COMPONENTS = ['cpu', 'memory', 'disk', 'database', 'network'] as const;
const WITH_DATA = new Set(['disk', 'database']);

export interface SeedOptions {
  namespace: string;
  count: number;
  rwx: boolean;
  runId?: string;
  containerDiskImage?: string;
}

export function virtworkLabels(component: string, runId: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': `virtwork-${component}`,
    'app.kubernetes.io/managed-by': 'virtwork',
    'app.kubernetes.io/component': component,
    'virtwork/run-id': runId,
  };
}

export function virtworkVm(name: string, namespace: string, component: string, runId: string, opts: { rwx: boolean; image: string }): KubeObject {
  const labels = virtworkLabels(component, runId);
  const disks: Any[] = [
    { name: 'containerdisk', disk: { bus: 'virtio' } },
    { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
  ];
  const volumes: Any[] = [
    { name: 'containerdisk', containerDisk: { image: opts.image } },
    { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: `${name}-cloudinit` } } },
  ];
  const spec: Any = {
    runStrategy: 'Always',
    template: {
      metadata: { labels },
      spec: {
        domain: {
          cpu: { cores: 2 },
          memory: { guest: '2Gi' },
          resources: { requests: { memory: '2Gi' } },
          devices: { disks, interfaces: [{ name: 'default', masquerade: {} }] },
        },
        networks: [{ name: 'default', pod: {} }],
        volumes,
      },
    },
  };
  if (WITH_DATA.has(component)) {
    const dv = `${name}-data`;
    disks.push({ name: 'datadisk', disk: { bus: 'virtio' } });
    volumes.push({ name: 'datadisk', dataVolume: { name: dv } });
    const storage: Any = { resources: { requests: { storage: '10Gi' } } };
    if (opts.rwx) storage.accessModes = ['ReadWriteMany'];
    spec.dataVolumeTemplates = [{ metadata: { name: dv }, spec: { source: { blank: {} }, storage } }];
  }
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace, labels }, spec };
}

function userdata(component: string): string {
  return `#cloud-config\nuser: virtwork\npassword: virtwork\nchpasswd: { expire: False }\nruncmd:\n  - systemctl enable --now virtwork-${component}.service\n`;
}

/** Seeds the fleet; returns the run id. */
export function seedVirtwork(ctx: KubeVirtContext, scheduler: Scheduler, ips: PodIps, opts: SeedOptions): string {
  const runId = opts.runId ?? randomUUID();
  const image = opts.containerDiskImage ?? 'quay.io/containerdisks/fedora:42';
  const client = ctx.client;
  const index = new Map<string, number>();
  for (let i = 0; i < opts.count; i++) {
    const component = COMPONENTS[i % COMPONENTS.length]!;
    const n = index.get(component) ?? 0;
    index.set(component, n + 1);
    const name = `virtwork-${component}-${n}`;
    if (client.get(VM_KEY, opts.namespace, name)) continue;
    client.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-cloudinit`, namespace: opts.namespace, labels: virtworkLabels(component, runId) },
      type: 'Opaque',
      data: { userdata: Buffer.from(userdata(component)).toString('base64') },
    });
    const vm = virtworkVm(name, opts.namespace, component, runId, { rwx: opts.rwx, image });
    vm.metadata.finalizers = [VM_FINALIZER];
    const created = client.create(VM_KEY, vm);
    for (const t of (vm as Any).spec.dataVolumeTemplates ?? []) seedDataVolume(ctx, created, t);
    seedRunningVmi(ctx, scheduler, ips, created);
  }
  return runId;
}

function seedDataVolume(ctx: KubeVirtContext, vm: KubeObject, template: Any): void {
  const ns = vm.metadata.namespace!;
  const name = template.metadata.name as string;
  const owner = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name!, uid: vm.metadata.uid!, controller: true, blockOwnerDeletion: true };
  const dv = ctx.client.create(DV_KEY, { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name, namespace: ns, ownerReferences: [owner] }, spec: template.spec });
  const now = timestamp();
  ctx.client.update(DV_KEY, { ...dv, status: { phase: 'Succeeded', progress: '100.0%', claimName: name, conditions: [{ type: 'Bound', status: 'True', lastHeartbeatTime: now, lastTransitionTime: now, reason: 'Bound', message: `PVC ${name} Bound` }, { type: 'Ready', status: 'True', lastHeartbeatTime: now, lastTransitionTime: now }] } }, { subresource: 'status' });
  const modes = template.spec.storage?.accessModes ?? ['ReadWriteOnce'];
  const pvc = ctx.client.create('persistentvolumeclaims', {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: ns, ownerReferences: [{ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name, uid: dv.metadata.uid!, controller: true, blockOwnerDeletion: true }] },
    spec: { accessModes: modes, resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard-csi', volumeMode: 'Filesystem', volumeName: `pvc-${dv.metadata.uid}` },
  });
  ctx.client.update('persistentvolumeclaims', { ...pvc, status: { phase: 'Bound', accessModes: modes, capacity: { storage: '10Gi' } } }, { subresource: 'status' });
}

function seedRunningVmi(ctx: KubeVirtContext, scheduler: Scheduler, ips: PodIps, vm: KubeObject): void {
  const vmi = vmiFromVm(vm);
  const placed = scheduler.schedule(vmi);
  if (!placed.node) return; // The VM controller will keep trying, as for any new VM.
  const node = placed.node.metadata.name!;
  const now = timestamp();
  for (const phase of ['Pending', 'Scheduling', 'Scheduled']) setPhase(vmi, phase, now);
  statusOf(vmi).activePods = { [newPodUid()]: node };
  markRunning(ctx, vmi, node, ips.allocate(node), now);
  ctx.client.create(VMI_KEY, vmi);
}
