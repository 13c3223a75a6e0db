// The garbage collector: deletes dependents whose owners are gone (background
// propagation), releases them for `orphan`, and holds an owner with
// `foregroundDeletion` until its blocking dependents are gone.
import { resourceKey, type ResourceRegistry } from '../resource-type.js';
import type { StoreEvent } from '../store.js';
import type { SystemClient } from '../system-client.js';
import type { KubeObject } from '../types.js';

interface Ref {
  key: string;
  namespace: string | undefined;
  name: string;
}

const refId = (r: Ref) => `${r.key}|${r.namespace ?? ''}|${r.name}`;

export class GarbageCollector {
  /** uid -> where the object lives, for every object. */
  private readonly byUid = new Map<string, Ref>();
  /** owner uid -> dependents. */
  private readonly dependents = new Map<string, Map<string, Ref>>();
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly client: SystemClient,
    types: ResourceRegistry,
  ) {
    for (const rt of types.all()) {
      const key = resourceKey(rt);
      this.unsubscribes.push(client.watch(key, (ev) => this.observe(ev)));
    }
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
  }

  private enqueue(work: () => void): void {
    this.queue.push(work);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0);
      for (const w of batch) {
        try {
          w();
        } catch {
          // A dependent that changed meanwhile is handled by its next event.
        }
      }
    });
  }

  private observe(ev: StoreEvent): void {
    const o = ev.object;
    const ref: Ref = { key: ev.key, namespace: o.metadata.namespace, name: o.metadata.name! };
    const uid = o.metadata.uid!;
    for (const prevOwner of ev.previous?.metadata.ownerReferences ?? []) this.dependents.get(prevOwner.uid)?.delete(refId(ref));
    if (ev.type === 'DELETED') {
      this.byUid.delete(uid);
      this.enqueue(() => this.ownerGone(uid));
      return;
    }
    this.byUid.set(uid, ref);
    for (const owner of o.metadata.ownerReferences ?? []) {
      let deps = this.dependents.get(owner.uid);
      if (!deps) this.dependents.set(owner.uid, (deps = new Map()));
      deps.set(refId(ref), ref);
      // A dependent created for an owner that does not exist is collected, as the real GC does.
      if (ev.type === 'ADDED' && !this.byUid.has(owner.uid)) this.enqueue(() => this.ownerGone(owner.uid));
    }
    const fin = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp && fin.includes('orphan')) this.enqueue(() => this.orphan(o, ref));
    if (o.metadata.deletionTimestamp && fin.includes('foregroundDeletion')) this.enqueue(() => this.foreground(o, ref));
    // A dependent going away may release an owner waiting in foreground deletion.
    for (const owner of ev.previous?.metadata.ownerReferences ?? []) {
      const ownerRef = this.byUid.get(owner.uid);
      if (ownerRef) this.enqueue(() => this.recheckForeground(ownerRef));
    }
  }

  private ownerGone(uid: string): void {
    if (this.byUid.has(uid)) return;
    const deps = this.dependents.get(uid);
    if (!deps) return;
    this.dependents.delete(uid);
    for (const d of deps.values()) {
      const cur = this.client.get(d.key, d.namespace, d.name);
      if (!cur) continue;
      const owners = cur.metadata.ownerReferences ?? [];
      const alive = owners.filter((x) => x.uid !== uid && this.byUid.has(x.uid));
      if (alive.length === 0) this.client.delete(d.key, d.namespace, d.name, { propagationPolicy: 'Background' });
      else this.client.modify(d.key, d.namespace, d.name, (x) => ({ ...x, metadata: { ...x.metadata, ownerReferences: owners.filter((y) => y.uid !== uid) } }));
    }
  }

  private orphan(owner: KubeObject, ref: Ref): void {
    const uid = owner.metadata.uid!;
    for (const d of this.dependents.get(uid)?.values() ?? []) {
      this.client.modify(d.key, d.namespace, d.name, (x) => {
        const refs = (x.metadata.ownerReferences ?? []).filter((y) => y.uid !== uid);
        x.metadata.ownerReferences = refs.length ? refs : undefined;
        return x;
      });
    }
    this.dependents.delete(uid);
    this.removeFinalizer(ref, 'orphan');
  }

  private foreground(owner: KubeObject, ref: Ref): void {
    for (const d of this.dependents.get(owner.metadata.uid!)?.values() ?? []) this.client.delete(d.key, d.namespace, d.name, { propagationPolicy: 'Foreground' });
    this.recheckForeground(ref);
  }

  private recheckForeground(ref: Ref): void {
    const cur = this.client.get(ref.key, ref.namespace, ref.name);
    if (!cur?.metadata.deletionTimestamp || !(cur.metadata.finalizers ?? []).includes('foregroundDeletion')) return;
    const uid = cur.metadata.uid!;
    const blocking = [...(this.dependents.get(uid)?.values() ?? [])].some((d) => {
      const dep = this.client.get(d.key, d.namespace, d.name);
      return dep?.metadata.ownerReferences?.some((o) => o.uid === uid && o.blockOwnerDeletion);
    });
    if (!blocking) this.removeFinalizer(ref, 'foregroundDeletion');
  }

  private removeFinalizer(ref: Ref, finalizer: string): void {
    this.client.modify(ref.key, ref.namespace, ref.name, (x) => {
      x.metadata.finalizers = (x.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      return x;
    });
  }
}
