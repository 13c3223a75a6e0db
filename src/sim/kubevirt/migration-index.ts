// An informer-style index of migrations by VMI, as KubeVirt's webhooks and
// controllers query their migration informer by the kubevirt.io/vmi-name label
// instead of listing every migration: the in-flight check on create and the
// garbage collection of finished migrations ask only about one VMI. Listing
// (and copying) every migration per question made both quadratic under load.
import type { StoreEvent } from '../api/store.js';
import type { KubeObject } from '../api/types.js';
import { type KubeVirtContext, VMIM_KEY } from './context.js';

export const MIGRATION_SELECTOR_LABEL = 'kubevirt.io/vmi-name';
const FINAL = ['Succeeded', 'Failed'];

export interface MigrationEntry {
  name: string;
  uid: string;
  phase: string;
  creationTimestamp: string;
  resourceVersion: number;
  deleting: boolean;
}

export class MigrationIndex {
  /** `namespace/vmi-name` -> migration name -> entry. */
  private readonly byVmi = new Map<string, Map<string, MigrationEntry>>();
  /** Migration `namespace/name` -> the VMI key it is filed under. */
  private readonly filedUnder = new Map<string, string>();

  constructor(ctx: KubeVirtContext) {
    ctx.client.watch(VMIM_KEY, (ev) => this.observe(ev));
    for (const m of ctx.client.list(VMIM_KEY)) this.observe({ type: 'ADDED', key: VMIM_KEY, rv: 0, object: m });
  }

  private observe(ev: StoreEvent): void {
    const o = ev.object;
    const id = `${o.metadata.namespace}/${o.metadata.name}`;
    const old = this.filedUnder.get(id);
    if (old) this.byVmi.get(old)?.delete(o.metadata.name!);
    this.filedUnder.delete(id);
    const vmi = o.metadata.labels?.[MIGRATION_SELECTOR_LABEL];
    if (ev.type === 'DELETED' || !vmi) return;
    const key = `${o.metadata.namespace}/${vmi}`;
    let set = this.byVmi.get(key);
    if (!set) this.byVmi.set(key, (set = new Map()));
    set.set(o.metadata.name!, entryOf(o));
    this.filedUnder.set(id, key);
  }

  /** Every migration not yet final, with its VMI (`namespace/vmi`): what ListUnfinishedMigrations gives the evacuation controller. */
  unfinished(): { vmi: string; entry: MigrationEntry }[] {
    const out: { vmi: string; entry: MigrationEntry }[] = [];
    for (const [vmi, set] of this.byVmi) for (const entry of set.values()) if (!isFinalPhase(entry.phase)) out.push({ vmi, entry });
    return out;
  }

  /** Migrations labelled for this VMI (what a `kubevirt.io/vmi-name=<vmi>` selector finds). */
  ofVmi(namespace: string, vmi: string): MigrationEntry[] {
    return [...(this.byVmi.get(`${namespace}/${vmi}`)?.values() ?? [])];
  }
}

function entryOf(o: KubeObject): MigrationEntry {
  const phase = (o as { status?: { phase?: string } }).status?.phase ?? '';
  return {
    name: o.metadata.name!,
    uid: o.metadata.uid!,
    phase,
    creationTimestamp: o.metadata.creationTimestamp ?? '',
    resourceVersion: Number(o.metadata.resourceVersion ?? 0),
    deleting: Boolean(o.metadata.deletionTimestamp),
  };
}

export const isFinalPhase = (phase: string) => FINAL.includes(phase);

const indexes = new WeakMap<KubeVirtContext, MigrationIndex>();

/** The cluster's one index, started on first use (the admission webhook may be the first to ask). */
export function migrationIndex(ctx: KubeVirtContext): MigrationIndex {
  let idx = indexes.get(ctx);
  if (!idx) indexes.set(ctx, (idx = new MigrationIndex(ctx)));
  return idx;
}
