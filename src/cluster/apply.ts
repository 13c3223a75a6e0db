// Writing rendered objects the way deploy needs: server-side apply under one
// field manager (so a re-apply of the same object is a no-op and fields other
// writers own, like the controller's status data or the config's `paused`, are
// never touched), create-if-absent for objects whose content belongs to
// someone else, and deletes guarded by uid (never remove an object someone
// else re-created under the same name).
import { type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import type { K8sObject } from '../cloudinit/manifests.js';
import type { Connection } from './connection.js';
import { isConflict, isNotFound } from './errors.js';
import { retryTransient } from './wait.js';

/** The field manager of every write this product makes. */
export const FIELD_MANAGER = 'virtwork-chaos-tui';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

/** A live object as the API server returned it. */
export type LiveObject = KubernetesObject & Record<string, unknown>;

export function refOf(obj: K8sObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}

/** "Role virtwork-chaos-migration", for messages. */
export function describeRef(ref: Pick<ObjectRef, 'kind' | 'name'>): string {
  return `${ref.kind} ${ref.name}`;
}

function header(ref: ObjectRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
}

/** The live object, or undefined when it does not exist. */
export async function readObject(conn: Connection, ref: ObjectRef): Promise<LiveObject | undefined> {
  try {
    return (await retryTransient(() => conn.call(`read ${describeRef(ref)}`, () => conn.objects.read(header(ref))))) as LiveObject;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Secrets are applied with `data` rather than `stringData`: stringData is
 * write-only (the server folds it into data and never returns it), so field
 * ownership and the no-op check of a re-apply are only exact on data.
 */
function applyBody(obj: K8sObject): K8sObject {
  if (obj.kind !== 'Secret' || !obj.stringData || typeof obj.stringData !== 'object') return obj;
  const { stringData, ...rest } = obj;
  const data: Record<string, string> = { ...((rest.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData as Record<string, string>)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  return { ...rest, data };
}

/**
 * The part of `live` that `config` sets: objects narrowed to the config's
 * keys, everything else whole. Comparing it before and after an apply tells
 * whether the apply changed anything, even when another writer (the
 * controller's heartbeat, the VM controller's status) changed the object in
 * between.
 */
export function projection(live: unknown, config: unknown): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return live;
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return live;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) out[k] = projection((live as Record<string, unknown>)[k], v);
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, sortedKeys) === JSON.stringify(b, sortedKeys);
}

function sortedKeys(_k: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Server-side applies `obj` (forced: this product owns these objects' rendered
 * fields). `unchanged` means the apply changed none of the fields it sets.
 */
export async function applyObject(conn: Connection, obj: K8sObject): Promise<{ live: LiveObject; outcome: ApplyOutcome; before?: LiveObject }> {
  const ref = refOf(obj);
  const before = await readObject(conn, ref);
  const body = applyBody(obj);
  const live = (await retryTransient(() =>
    conn.call(`apply ${describeRef(ref)}`, () => conn.objects.patch(body as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply)),
  )) as LiveObject;
  const unchanged = before && (before.metadata?.resourceVersion === live.metadata?.resourceVersion || sameJson(projection(before, body), projection(live, body)));
  const outcome: ApplyOutcome = !before ? 'created' : unchanged ? 'unchanged' : 'updated';
  return { live, outcome, ...(before ? { before } : {}) };
}

/**
 * Creates `obj` unless an object of that name exists; an existing one is
 * left as it is, except that its labels are set to the rendered ones when they
 * differ (so that teardown finds it by run id), with a merge patch of the
 * labels alone.
 */
export async function createIfAbsent(conn: Connection, obj: K8sObject): Promise<{ live: LiveObject; outcome: ApplyOutcome }> {
  const ref = refOf(obj);
  let live = await readObject(conn, ref);
  if (!live) {
    try {
      live = (await retryTransient(() =>
        conn.call(`create ${describeRef(ref)}`, () => conn.objects.create(obj as KubernetesObject, undefined, undefined, FIELD_MANAGER)),
      )) as LiveObject;
      return { live, outcome: 'created' };
    } catch (e) {
      // Someone created it between our read and our create: it exists, which is all we need.
      if (!isConflict(e)) throw e;
      live = await readObject(conn, ref);
      if (!live) throw e;
    }
  }
  const labels = live.metadata?.labels ?? {};
  const stale = Object.entries(obj.metadata.labels).some(([k, v]) => labels[k] !== v);
  if (!stale) return { live, outcome: 'unchanged' };
  const patch = { ...header(ref), metadata: { ...header(ref).metadata, labels: obj.metadata.labels } };
  live = (await retryTransient(() =>
    conn.call(`label ${describeRef(ref)}`, () => conn.objects.patch(patch as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch)),
  )) as LiveObject;
  return { live, outcome: 'updated' };
}

/**
 * Deletes the object (background propagation); with `uid`, only that
 * incarnation of it. Returns false when there was nothing (of that uid) to delete.
 */
export async function deleteObject(conn: Connection, ref: ObjectRef, opts: { uid?: string } = {}): Promise<boolean> {
  try {
    await retryTransient(() =>
      conn.call(`delete ${describeRef(ref)}`, () =>
        conn.objects.delete(header(ref), undefined, undefined, undefined, undefined, 'Background', opts.uid ? { preconditions: { uid: opts.uid } } : undefined),
      ),
    );
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    // A uid precondition that fails means the object there now is another one: not ours to delete.
    if (opts.uid && isConflict(e)) return false;
    throw e;
  }
}
