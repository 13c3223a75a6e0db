// metadata.managedFields bookkeeping for writes that are not applies
// (create, update, json/merge/strategic patch), as the apiserver's field
// manager keeps it: the writer gains what it changed, everyone else loses it,
// removed fields leave every set, and empty entries go. Entries are keyed like
// the server keys them: (manager, operation, subresource) plus apiVersion for
// Update entries; they are sorted Apply first, then by time, manager,
// apiVersion and subresource; Update entries beyond ten are folded, oldest
// first, into "ancient-changes".
import type { Json, KubeObject, ManagedFieldsEntry } from '../types.js';
import type { ModelRef } from '../resource-type.js';
import { isObject } from './json-value.js';
import { FieldSet, fieldPE, type Path } from './fieldpath.js';
import { emptyObject, rootType } from './schema.js';
import { compare, TypedError } from './typed-walk.js';

export interface ManagerSet {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}
export type Managed = Map<string, ManagerSet>;

/** The server's manager identifier: the entry without fields and time (and without apiVersion for appliers). */
export function identity(e: Pick<ManagerSet, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const o: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation !== 'Apply' && e.apiVersion) o.apiVersion = e.apiVersion;
  if (e.subresource) o.subresource = e.subresource;
  return JSON.stringify(o);
}

/** Decodes managedFields; throws when an entry is not decodable. */
export function decodeManaged(entries: unknown): Managed {
  const out: Managed = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new Error('managedFields is not a list');
  for (const e of entries as unknown[]) {
    if (!isObject(e)) throw new Error('managedFields entry is not an object');
    const m: ManagerSet = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      set: e.fieldsV1 === undefined || e.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1),
    };
    if (typeof e.subresource === 'string' && e.subresource) m.subresource = e.subresource;
    if (typeof e.time === 'string') m.time = e.time;
    out.set(identity(m), m);
  }
  return out;
}

export function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManaged(entries);
  } catch {
    return new Map();
  }
}

const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);

export function encodeManaged(managed: Managed, fallbackTime: string): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((m) => !m.set.empty());
  entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map((m) => {
    const e: ManagedFieldsEntry = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: m.time ?? fallbackTime,
      fieldsType: 'FieldsV1',
      fieldsV1: m.set.toFieldsV1(),
    };
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Fields no manager owns: identity and bookkeeping the server sets. */
export const STRIPPED = FieldSet.of(
  [['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map((p): Path => p.map(fieldPE)),
);

/** Top-level fields whose changes the write discards (status on the main resource, for example). */
export function resetSet(resetFields: string[] | undefined): FieldSet {
  return FieldSet.of((resetFields ?? []).map((f) => [fieldPE(f)]));
}

export const MAX_UPDATE_MANAGERS = 10;

/** Folds the oldest Update entries into one "ancient-changes" entry per apiVersion until ten are left. */
export function capManagers(managed: Managed): Managed {
  const updaters = [...managed.keys()].filter((k) => managed.get(k)?.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed;
  updaters.sort((a, b) => seconds(managed.get(a)?.time) - seconds(managed.get(b)?.time) || cmp(a, b));
  const first = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const m = managed.get(id) as ManagerSet;
    const bucket = identity({ manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion });
    const firstId = first.get(m.apiVersion);
    if (firstId === undefined) {
      first.set(m.apiVersion, id);
      continue;
    }
    if (!managed.has(bucket)) {
      const f = managed.get(firstId) as ManagerSet;
      managed.delete(firstId);
      managed.set(bucket, { ...f, manager: 'ancient-changes', operation: 'Update', subresource: undefined });
    }
    const b = managed.get(bucket) as ManagerSet;
    managed.set(bucket, { ...b, set: m.set.union(b.set), time: m.time });
    managed.delete(id);
    length--;
  }
  return managed;
}

/** An object without its managedFields (a shallow copy: the comparison only reads it). */
export function withoutManagedFields(o: KubeObject): KubeObject {
  const { managedFields: _dropped, ...metadata } = o.metadata;
  return { ...o, metadata };
}

function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0;
}

/** The managed fields a write starts from: the ones the request sent, unless it sent none or wrote a subresource. */
function baseManaged(prev: KubeObject | undefined, next: KubeObject, subresource: string | undefined): Managed {
  const live = () => decodeOrEmpty(prev?.metadata.managedFields);
  if (subresource) return live();
  const sent = next.metadata?.managedFields;
  if (isReset(sent)) return new Map();
  try {
    const m = decodeManaged(sent);
    if (m.size > 0) return m;
  } catch {
    // undecodable: fall back to the live object's
  }
  return live();
}

/**
 * The managedFields after a non-apply write of `next` over `prev` (undefined
 * for a create, compared then to an empty object of the kind). `resetFields`
 * names top-level fields the write cannot change (status on the main
 * resource), which nobody gains or loses. Like the server, an object the
 * schema cannot walk (a keyed list item without its key) loses its
 * managedFields rather than failing the write.
 */
export function updateManagedFields(
  prev: KubeObject | undefined,
  next: KubeObject,
  opts: { manager: string; operation: 'Update' | 'Apply'; apiVersion: string; subresource?: string; time: string; model?: ModelRef; resetFields?: string[] },
): ManagedFieldsEntry[] {
  const managed = baseManaged(prev, next, opts.subresource);
  const t = rootType(opts.model);
  const reset = resetSet(opts.resetFields);
  const oldObj = (prev ? withoutManagedFields(prev) : emptyObject(opts.model)) as unknown as Json;
  let c;
  try {
    c = compare(oldObj, withoutManagedFields(next) as unknown as Json, t, true);
  } catch (e) {
    if (e instanceof TypedError) return [];
    throw e;
  }
  const changed = c.modified.union(c.added).recursiveDifference(reset);
  const removed = c.removed.recursiveDifference(reset);
  for (const [id, m] of managed) {
    const set = m.set.difference(changed).difference(removed);
    if (set.empty()) managed.delete(id);
    else managed.set(id, { ...m, set });
  }
  const own = changed.difference(STRIPPED);
  if (!own.empty()) {
    const id = identity(opts);
    const before = managed.get(id);
    managed.set(id, {
      manager: opts.manager,
      operation: opts.operation,
      apiVersion: opts.apiVersion,
      subresource: opts.subresource,
      time: opts.time,
      set: before ? before.set.union(own) : own,
    });
  }
  return encodeManaged(capManagers(managed), opts.time);
}
