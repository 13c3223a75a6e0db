// CDI and the storage provisioner: a DataVolume gets its PVC (same name, the
// access modes it asked for, else the storage profile's ReadWriteOnce), the
// PVC binds, the DataVolume succeeds.
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';
import { DV_KEY, type KubeVirtContext } from './context.js';
import { Reconciler, type ReconcileResult, nsKey, splitKey } from './reconciler.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the simulated storage profile fills in when a DataVolume names no access mode. */
export const DEFAULT_ACCESS_MODES = ['ReadWriteOnce'];
const STORAGE_CLASS = 'standard-csi';

export class CdiController {
  private readonly dvQueue: Reconciler;
  private readonly pvcQueue: Reconciler;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(private readonly ctx: KubeVirtContext) {
    this.dvQueue = new Reconciler('cdi-datavolume', ctx.clock, (k) => this.reconcileDv(k), ctx.log);
    this.pvcQueue = new Reconciler('pv-binder', ctx.clock, (k) => this.reconcilePvc(k), ctx.log);
    const key = (o: KubeObject) => nsKey(o.metadata.namespace, o.metadata.name!);
    this.unsubscribes.push(
      ctx.client.watch(DV_KEY, (ev) => ev.type !== 'DELETED' && this.dvQueue.enqueue(key(ev.object))),
      ctx.client.watch('persistentvolumeclaims', (ev) => {
        if (ev.type === 'DELETED') return;
        this.pvcQueue.enqueue(key(ev.object));
        for (const r of ev.object.metadata.ownerReferences ?? []) if (r.kind === 'DataVolume') this.dvQueue.enqueue(nsKey(ev.object.metadata.namespace, r.name));
      }),
    );
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
    this.dvQueue.stop();
    this.pvcQueue.stop();
  }

  private reconcileDv(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client;
    const dv = client.get(DV_KEY, namespace, name) as Any | undefined;
    if (!dv || dv.metadata.deletionTimestamp) return;
    const pvc = client.get('persistentvolumeclaims', namespace, name) as Any | undefined;
    if (!pvc) {
      const src = dv.spec?.pvc ?? dv.spec?.storage ?? {};
      client.create('persistentvolumeclaims', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name,
          namespace,
          labels: { ...(dv.metadata.labels ?? {}), 'app.kubernetes.io/component': 'storage', 'app.kubernetes.io/managed-by': 'cdi-controller' },
          annotations: { 'cdi.kubevirt.io/storage.contentType': 'kubevirt', 'cdi.kubevirt.io/createdForDataVolume': dv.metadata.uid },
          ownerReferences: [{ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name, uid: dv.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          accessModes: src.accessModes?.length ? src.accessModes : DEFAULT_ACCESS_MODES,
          resources: { requests: { storage: src.resources?.requests?.storage ?? '10Gi' } },
          storageClassName: src.storageClassName ?? STORAGE_CLASS,
          volumeMode: src.volumeMode ?? 'Filesystem',
        },
      });
      this.setDvPhase(namespace, name, 'Pending', 'N/A');
      return;
    }
    if (pvc.status?.phase === 'Bound' && dv.status?.phase !== 'Succeeded') {
      this.ctx.clock.after(this.ctx.clock.jitter(1500), () => this.setDvPhase(namespace, name, 'Succeeded', '100.0%', pvc.metadata.name));
    }
  }

  private setDvPhase(namespace: string, name: string, phase: string, progress: string, claimName?: string): void {
    const now = timestamp();
    const bound = phase === 'Succeeded';
    this.ctx.client.modify(
      DV_KEY,
      namespace,
      name,
      (o) => {
        (o as Any).status = {
          phase,
          progress,
          ...(claimName ? { claimName } : {}),
          conditions: [
            { type: 'Bound', status: bound ? 'True' : 'False', lastHeartbeatTime: now, lastTransitionTime: now, reason: bound ? 'Bound' : 'Pending', message: bound ? `PVC ${name} Bound` : '' },
            { type: 'Ready', status: bound ? 'True' : 'False', lastHeartbeatTime: now, lastTransitionTime: now },
            { type: 'Running', status: 'False', lastHeartbeatTime: now, lastTransitionTime: now, reason: bound ? 'Completed' : '' },
          ],
        };
        return o;
      },
      { subresource: 'status' },
    );
  }

  /** The provisioner binds every pending claim with a volume of the requested size and modes. */
  private reconcilePvc(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const pvc = this.ctx.client.get('persistentvolumeclaims', namespace, name) as Any | undefined;
    if (!pvc || pvc.metadata.deletionTimestamp || pvc.status?.phase === 'Bound') return;
    this.ctx.clock.after(this.ctx.clock.jitter(800), () => {
      this.ctx.client.modify('persistentvolumeclaims', namespace, name, (o) => {
        const x = o as Any;
        if (x.status?.phase === 'Bound') return undefined;
        x.spec.volumeName ??= `pvc-${o.metadata.uid}`;
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
        return o;
      });
      this.ctx.client.modify(
        'persistentvolumeclaims',
        namespace,
        name,
        (o) => {
          const x = o as Any;
          x.status = { phase: 'Bound', accessModes: x.spec.accessModes, capacity: { storage: x.spec.resources?.requests?.storage ?? '10Gi' } };
          return o;
        },
        { subresource: 'status' },
      );
    });
  }
}
