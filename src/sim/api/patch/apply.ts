// Server-side apply (application/apply-patch+yaml): merges the applied
// configuration into the live object with the schema's list semantics, gives
// the applier the fields its configuration sets, removes what it set last
// time and nobody owns now, and refuses (409) to change fields another manager
// owns unless forced. Also as the server does: an object that never had
// managedFields is first attributed to "before-first-apply", and kubectl's
// own applies ("kubectl") may take over fields recorded in the client-side
// last-applied annotation and keep that annotation up to date.
//
// Simplifications: a null in the configuration is dropped rather than owned;
// `resetFields` are top-level names only; an applier whose entry is new but
// whose apply changed nothing still gets `time` (the server leaves it unset).
import type { Json, JsonObject, KubeObject } from '../types.js';
import type { ModelRef } from '../resource-type.js';
import { StatusError, badRequest, type ResourceRef, type StatusCause } from '../errors.js';
import { goJsonMarshal } from './go-json.js';
import { clone, deepEqual, dropNulls, isObject } from './json-value.js';
import { FieldSet, pathString, type Path } from './fieldpath.js';
import { plainError } from './patch-errors.js';
import { emptyObject, rootType, type TypeNode } from './schema.js';
import { compare, toFieldSet, TypedError } from './typed-walk.js';
import { mergeValues, prune } from './ssa-merge.js';
import { capManagers, decodeOrEmpty, encodeManaged, identity, resetSet, STRIPPED, withoutManagedFields, type Managed } from './managed-fields.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  model?: ModelRef;
  time: string;
  resource: ResourceRef;
  name: string;
  /** The request's apiVersion and kind, when known; otherwise the live object's. */
  apiVersion?: string;
  kind?: string;
  subresource?: string;
  /** Top-level fields the write cannot change (status on the main resource). */
  resetFields?: string[];
}

interface Conflict {
  manager: string;
  path: Path;
}

function printManager(id: string): string {
  const m = JSON.parse(id) as { manager: string; operation: string; apiVersion?: string; subresource?: string };
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${s} using ${m.apiVersion ?? ''}` : s;
}

function conflictError(conflicts: Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  const first = conflicts[0] as Conflict;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${printManager(first.manager)}: ${pathString(first.path)}`;
  else {
    const lines: string[] = [];
    for (const m of [...new Set(conflicts.map((c) => c.manager))].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const c of conflicts) if (c.manager === m) lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  const [group, version] = slash >= 0 ? [av.slice(0, slash), av.slice(slash + 1)] : ['', av];
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/** Fields of the last-applied annotation whose values the live object still has: kubectl may take them over. */
function allowedFromLastApplied(live: JsonObject, t: TypeNode, groupVersion: string): FieldSet | undefined {
  const meta = live.metadata;
  const ann = isObject(meta) && isObject(meta.annotations) ? meta.annotations[LAST_APPLIED] : undefined;
  if (typeof ann !== 'string' || !ann) return undefined;
  try {
    const last = JSON.parse(ann) as Json;
    if (!isObject(last) || last.apiVersion !== groupVersion) return undefined;
    const c = compare(last, live, t, true);
    return toFieldSet(last, t).difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

/** The annotation kubectl would write for `config`: the config without the annotation, as Go's JSON encoder prints it. */
function buildLastApplied(config: KubeObject): string {
  const c = clone(config) as unknown as JsonObject;
  const meta = c.metadata;
  if (isObject(meta) && isObject(meta.annotations)) delete meta.annotations[LAST_APPLIED];
  return `${goJsonMarshal(c)}\n`;
}

interface Outcome {
  merged: JsonObject;
  managed: Managed;
}

function applyOnce(live: JsonObject, config: JsonObject, base: Managed, t: TypeNode, o: ApplyOptions, force: boolean): Outcome | Conflict[] {
  const reset = resetSet(o.resetFields);
  const forMerge = { ...config };
  for (const f of o.resetFields ?? []) delete forMerge[f];
  const newSet = toFieldSet(config, t).recursiveDifference(reset);
  const id = identity({ manager: o.manager, operation: 'Apply', apiVersion: '', subresource: o.subresource });
  const last = base.get(id)?.set;
  const managed: Managed = new Map(base);
  managed.set(id, { manager: o.manager, operation: 'Apply', apiVersion: String(config.apiVersion ?? ''), subresource: o.subresource, time: base.get(id)?.time, set: newSet });
  let merged = mergeValues(live, forMerge, t) as JsonObject;
  if (last && !last.empty()) {
    const owned = [...managed.values()].reduce((acc, m) => acc.union(m.set), new FieldSet());
    merged = prune(merged, last, owned, t) as JsonObject;
  }
  const c = compare(live, merged, t, true);
  const changed = c.modified.union(c.added);
  const conflicts: Conflict[] = [];
  for (const [mid, m] of [...managed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (mid === id) continue;
    const clash = m.set.intersection(changed);
    for (const path of clash.paths()) conflicts.push({ manager: mid, path });
    const set = force ? m.set.difference(clash).difference(c.removed) : m.set.difference(c.removed);
    if (set.empty()) managed.delete(mid);
    else managed.set(mid, { ...m, set });
  }
  if (conflicts.length && !force) return conflicts;
  const mine = managed.get(id);
  if (mine) {
    const set = mine.set.difference(STRIPPED);
    if (set.empty()) managed.delete(id);
    else managed.set(id, { ...mine, set, time: !deepEqual(live, merged) || !mine.time ? o.time : mine.time });
  }
  return { merged, managed: capManagers(managed) };
}

/**
 * Applies `config` to `live` (undefined: the apply creates the object) for
 * `opts.manager`, returning the merged object with managedFields set. Throws
 * 400 for a configuration the server refuses outright and 409 Conflict, with
 * one FieldManagerConflict cause per field, when another manager owns a field
 * the configuration changes and `force` is false.
 */
export function serverSideApply(live: KubeObject | undefined, config: KubeObject, opts: ApplyOptions): KubeObject {
  if (!isObject(config)) throw badRequest('error decoding YAML: object expected');
  const apiVersion = opts.apiVersion ?? live?.apiVersion;
  const kind = opts.kind ?? live?.kind;
  if (apiVersion !== undefined && kind !== undefined && (config.apiVersion !== apiVersion || config.kind !== kind)) {
    throw badRequest(`invalid object type: ${gvkString(config.apiVersion, config.kind)}`);
  }
  if (isObject(config.metadata) && config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const t = rootType(opts.model);
  const liveObj = (live ? withoutManagedFields(live) : {}) as unknown as JsonObject;
  let managed = live ? decodeOrEmpty(live.metadata.managedFields) : new Map() as Managed;
  const cfg = dropNulls(config as unknown as Json) as JsonObject;
  try {
    if (live && managed.size === 0) {
      const c = compare(emptyObject(opts.model), liveObj, t, true);
      const set = c.modified.union(c.added).difference(STRIPPED);
      const before = { manager: 'before-first-apply', operation: 'Update' as const, apiVersion: live.apiVersion, time: opts.time, set };
      if (!set.empty()) managed = new Map([[identity(before), before]]);
    }
    let out = applyOnce(liveObj, cfg, managed, t, opts, opts.force);
    if (Array.isArray(out) && opts.manager === 'kubectl') {
      const allowed = allowedFromLastApplied(liveObj, t, apiVersion ?? String(config.apiVersion));
      if (allowed) {
        const remaining = out.filter((c) => !allowed.has(c.path));
        out = remaining.length ? remaining : applyOnce(liveObj, cfg, managed, t, opts, true);
      }
    }
    if (Array.isArray(out)) throw conflictError(out);
    const result = out.merged as unknown as KubeObject;
    const ann = result.metadata?.annotations;
    // The merge may share maps with the live object: replace, never assign into them.
    const annotations = opts.manager === 'kubectl' && ann && LAST_APPLIED in ann ? { ...ann, [LAST_APPLIED]: buildLastApplied(config) } : ann;
    result.metadata = { ...result.metadata, ...(annotations ? { annotations } : {}), managedFields: encodeManaged(out.managed, opts.time) };
    if (result.metadata.managedFields?.length === 0) delete result.metadata.managedFields;
    return result;
  } catch (e) {
    if (e instanceof TypedError) {
      const ns = typeof config.metadata?.namespace === 'string' ? config.metadata.namespace : '';
      throw plainError(`failed to create typed patch object (${ns}/${opts.name}; ${gvkString(config.apiVersion, config.kind)}): ${e.message}`);
    }
    throw e;
  }
}
