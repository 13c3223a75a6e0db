// The generic registry: create, update, patch and delete with the semantics of
// a real apiserver's generic store (server-set metadata, optimistic
// concurrency, status subresources, generation, finalizers, no-op writes that
// change nothing, dry run), with per-kind strategies and admission plugged in.
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  staleConflict,
} from './errors.js';
import { generateName, newUid, timestamp, validateObjectMeta } from './object-meta.js';
import { type PatchType, applyJsonPatch, applyMergePatch, applyStrategicMergePatch, serverSideApply, updateManagedFields } from './patch/index.js';
import { type ResourceType, groupVersion, resourceKey } from './resource-type.js';
import type { ObjectStore } from './store.js';
import type { AdmissionRequest, KindBehaviour, WriteContext } from './strategy.js';
import type { JsonObject, KubeObject, ManagedFieldsEntry } from './types.js';
import { deepEqual } from './patch/json-value.js';
import { checkFieldValidation } from './field-validation.js';

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export interface DeleteResult {
  object: KubeObject;
  /** False when finalizers keep the object (the API answers 202 with it). */
  deleted: boolean;
}

function ref(rt: ResourceType) {
  return { group: rt.group, resource: rt.resource };
}

function clone<T>(o: T): T {
  return typeof o === 'object' && o !== null && handedOver.has(o) ? o : structuredClone(o);
}

/** Fields a write may not change through the main resource when status is a subresource. */
function hasStatusSubresource(rt: ResourceType): boolean {
  return rt.subresources.includes('status');
}

/** Everything but metadata and status: what bumps metadata.generation when it changes. */
function specPart(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

/** Go's omitempty: empty metadata lists and maps are not part of a stored object. */
function dropEmptyMetadata(o: KubeObject): void {
  const m = o.metadata;
  for (const k of ['finalizers', 'ownerReferences'] as const) if (Array.isArray(m[k]) && m[k]!.length === 0) delete m[k];
  for (const k of ['labels', 'annotations'] as const) if (m[k] && Object.keys(m[k]!).length === 0) delete m[k];
}

/** Equality for no-op detection: resourceVersion and managedFields times do not count. */
function sameStoredState(a: KubeObject, b: KubeObject): boolean {
  const { metadata: ma, ...ra } = a;
  const { metadata: mb, ...rb } = b;
  const { resourceVersion: _ra, managedFields: fa, ...restA } = ma;
  const { resourceVersion: _rb, managedFields: fb, ...restB } = mb;
  const untimed = (f: ManagedFieldsEntry[] | undefined) => f?.map(({ time: _t, ...e }) => e);
  return deepEqual(ra, rb) && deepEqual(restA, restB) && deepEqual(untimed(fa), untimed(fb));
}

/** Objects a caller hands over and will not touch again (SystemClient's fresh copies): no defensive copy needed. */
const handedOver = new WeakSet<object>();

export function handOver<T extends object>(o: T): T {
  handedOver.add(o);
  return o;
}

export class Registry {
  constructor(
    readonly store: ObjectStore,
    readonly behaviour: KindBehaviour,
  ) {}

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.store.get(resourceKey(rt), rt.namespaced ? namespace : undefined, name);
    if (!o) throw notFound(ref(rt), name);
    return o;
  }

  private checkTypeMeta(rt: ResourceType, body: KubeObject): void {
    const gv = groupVersion(rt);
    if (body.apiVersion !== undefined && body.apiVersion !== gv) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`);
    }
    if (body.kind !== undefined && body.kind !== rt.kind) {
      throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${rt.kind})`);
    }
  }

  private checkNamespace(rt: ResourceType, namespace: string | undefined, body: KubeObject): void {
    // A cluster-scoped object's namespace is cleared, not refused (EnsureObjectNamespaceMatchesRequestNamespace).
    if (!rt.namespaced) {
      delete body.metadata.namespace;
      return;
    }
    if (body.metadata.namespace && namespace && body.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (namespace) body.metadata.namespace = namespace;
  }

  /** The NamespaceLifecycle admission plugin: no content in missing or terminating namespaces. */
  private checkNamespaceLive(rt: ResourceType, namespace: string | undefined, name: string): void {
    if (!rt.namespaced || !namespace) return;
    const ns = this.store.get('namespaces', undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
      const e = forbidden(ref(rt), name, why);
      e.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }];
      throw e;
    }
  }

  /** Mutating admission: runs before the registry stamps server-owned fields, as in a real apiserver. */
  private mutatingAdmission(req: AdmissionRequest): void {
    for (const p of this.behaviour.admissionFor(resourceKey(req.rt), req.operation)) p.mutate?.(req);
  }

  /** Validating admission: runs on the final object, just before it is stored. */
  private validatingAdmission(req: AdmissionRequest): void {
    for (const p of this.behaviour.admissionFor(resourceKey(req.rt), req.operation)) p.validate?.(req);
  }

  private validate(rt: ResourceType, obj: KubeObject, old: KubeObject | undefined, ctx: WriteContext): void {
    const causes = validateObjectMeta(rt, obj.metadata, old ? 'update' : 'create');
    for (const s of this.behaviour.strategiesFor(resourceKey(rt))) causes.push(...(s.validate?.(obj, old, ctx) ?? []));
    if (causes.length > 0) throw invalid(rt.kind, rt.group, obj.metadata.name ?? obj.metadata.generateName ?? '', causes);
  }

  create(rt: ResourceType, namespace: string | undefined, input: KubeObject, ctx: WriteContext): KubeObject {
    const obj = clone(input);
    obj.metadata ??= {};
    this.checkTypeMeta(rt, obj);
    obj.apiVersion = groupVersion(rt);
    obj.kind = rt.kind;
    this.checkNamespace(rt, namespace, obj);
    checkFieldValidation(rt, obj, ctx);
    // The storage layer refuses this with a plain error, which reaches the client as a reasonless 500;
    // a resourceVersion that does not parse as a number is ignored, as there.
    const rv = obj.metadata.resourceVersion;
    if (rv && /^\d+$/.test(rv) && Number(rv) !== 0) throw new StatusError(500, '', 'resourceVersion should not be set on objects to be created');
    this.checkNamespaceLive(rt, obj.metadata.namespace, obj.metadata.name ?? '');

    const key = resourceKey(rt);
    const admission: AdmissionRequest = { operation: 'CREATE', rt, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '', object: obj, ctx };
    this.mutatingAdmission(admission);

    // Server-owned metadata, then the kind's defaults (PrepareForCreate).
    const m = obj.metadata;
    delete m.uid;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.generation;
    delete m.managedFields;
    if (hasStatusSubresource(rt) && rt.custom) delete obj.status;
    if (rt.tracksGeneration) m.generation = 1;
    for (const s of this.behaviour.strategiesFor(resourceKey(rt))) s.prepareForCreate?.(obj, ctx);

    if (!m.name && m.generateName) {
      // The real generator retries on collision; so does this.
      do m.name = generateName(m.generateName);
      while (this.store.get(key, m.namespace, m.name));
    }
    dropEmptyMetadata(obj);
    this.validate(rt, obj, undefined, ctx);
    this.validatingAdmission({ ...admission, name: m.name ?? '' });
    if (this.store.get(key, obj.metadata.namespace, obj.metadata.name!)) throw alreadyExists(ref(rt), obj.metadata.name!);

    obj.metadata.uid = newUid();
    obj.metadata.creationTimestamp = timestamp();
    if (ctx.trackManagedFields !== false) {
      obj.metadata.managedFields = updateManagedFields(undefined, obj, {
        manager: ctx.fieldManager,
        operation: 'Update',
        apiVersion: obj.apiVersion,
        time: timestamp(),
        model: rt.model,
      });
      if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
    }
    if (ctx.dryRun) return obj;
    return this.store.put(key, obj);
  }

  /**
   * Replaces an object (PUT). With subresource 'status' only status changes;
   * through the main resource status is kept when it is a subresource.
   */
  update(rt: ResourceType, namespace: string | undefined, name: string, input: KubeObject, ctx: WriteContext, subresource?: string): KubeObject {
    const body = clone(input);
    body.metadata ??= {};
    this.checkTypeMeta(rt, body);
    body.apiVersion = groupVersion(rt);
    body.kind = rt.kind;
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    body.metadata.name = name;
    this.checkNamespace(rt, namespace, body);
    checkFieldValidation(rt, body, ctx);
    const old = this.get(rt, namespace, name);
    const rv = body.metadata.resourceVersion;
    if (!rv && (rt.custom || !rt.allowUnconditionalUpdate)) {
      throw invalid(rt.kind, rt.group, name, [
        { reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' },
      ]);
    }
    if (rv && rv !== old.metadata.resourceVersion) throw staleConflict(ref(rt), name);
    if (body.metadata.uid && body.metadata.uid !== old.metadata.uid) {
      throw conflict(ref(rt), name, `Precondition failed: UID in precondition: ${body.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    return this.writeUpdate(rt, old, body, ctx, subresource, 'Update');
  }

  /** The shared second half of update and patch. */
  private writeUpdate(rt: ResourceType, old: KubeObject, body: KubeObject, ctx: WriteContext, subresource: string | undefined, operation: 'Update' | 'Apply'): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...clone(old), status: clone(body.status) };
      if (body.status === undefined) delete next.status;
    } else {
      next = body;
      if (hasStatusSubresource(rt)) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
    }
    // Server-owned metadata is carried over whatever the client sent.
    const m = next.metadata;
    m.uid = old.metadata.uid;
    m.creationTimestamp = old.metadata.creationTimestamp;
    m.namespace = old.metadata.namespace;
    if (old.metadata.deletionTimestamp) {
      m.deletionTimestamp = old.metadata.deletionTimestamp;
      m.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (old.metadata.generateName !== undefined && m.generateName === undefined) m.generateName = old.metadata.generateName;
    if (rt.tracksGeneration) {
      m.generation = (old.metadata.generation ?? 1) + (deepEqual(specPart(next), specPart(old)) ? 0 : 1);
    } else delete m.generation;
    if (operation === 'Update' && ctx.trackManagedFields === false) {
      m.managedFields = old.metadata.managedFields;
      if (!m.managedFields) delete m.managedFields;
    } else if (operation === 'Update') {
      m.managedFields = updateManagedFields(old, next, {
        manager: ctx.fieldManager,
        operation: 'Update',
        apiVersion: next.apiVersion,
        subresource,
        time: timestamp(),
        model: rt.model,
      });
      if (m.managedFields.length === 0) delete m.managedFields;
    }
    if (old.metadata.deletionTimestamp && (m.finalizers?.length ?? 0) > (old.metadata.finalizers?.length ?? 0)) {
      const added = (m.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(rt.kind, rt.group, m.name!, [
          { reason: 'FieldValueForbidden', field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"${added.join('", "')}"}` },
        ]);
      }
    }
    const admission: AdmissionRequest = { operation: 'UPDATE', rt, subresource, namespace: m.namespace, name: m.name!, object: next, oldObject: old, ctx };
    this.mutatingAdmission(admission);
    for (const s of this.behaviour.strategiesFor(resourceKey(rt))) s.prepareForUpdate?.(next, old, ctx, subresource);
    dropEmptyMetadata(next);
    this.validate(rt, next, old, ctx);
    this.validatingAdmission(admission);

    if (sameStoredState(next, old)) return old;
    if (ctx.dryRun) return next;
    const key = resourceKey(rt);
    if (m.deletionTimestamp && (m.finalizers?.length ?? 0) === 0 && !this.keptByStrategy(next)) {
      return this.store.remove(key, m.namespace, m.name!) ?? next;
    }
    return this.store.put(key, next);
  }

  /** Namespaces stay while spec.finalizers is not empty. */
  private keptByStrategy(o: KubeObject): boolean {
    const spec = o.spec as { finalizers?: string[] } | undefined;
    return o.kind === 'Namespace' && (spec?.finalizers?.length ?? 0) > 0;
  }

  patch(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    ctx: WriteContext,
    opts: { subresource?: string; force?: boolean } = {},
  ): { object: KubeObject; created: boolean } {
    if (type === 'strategic' && rt.custom) {
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    if (type === 'apply') return this.apply(rt, namespace, name, patch, ctx, opts);
    const old = this.get(rt, namespace, name);
    let patched: JsonObject;
    const base = old as unknown as JsonObject;
    if (type === 'json') patched = applyJsonPatch(base, patch);
    else if (type === 'merge') patched = applyMergePatch(base, patch);
    else patched = applyStrategicMergePatch(base, patch, rt.model ?? { pkg: 'client-node', name: '' });
    const body = patched as unknown as KubeObject;
    if (typeof body.metadata !== 'object' || body.metadata === null) body.metadata = {};
    this.checkTypeMeta(rt, body);
    // The patched object must still be the one on the URL (the patch handler's checkName).
    if (body.metadata.name !== name) throw badRequest(`the name of the object (${String(body.metadata.name ?? '')}) does not match the name on the URL (${name})`);
    const ns = rt.namespaced ? namespace : undefined;
    if (ns && body.metadata.namespace && body.metadata.namespace !== ns) {
      throw badRequest(`the namespace of the object (${String(body.metadata.namespace)}) does not match the namespace on the URL (${ns})`);
    }
    const rv = body.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw staleConflict(ref(rt), name);
    if (body.metadata.uid !== old.metadata.uid) {
      throw conflict(ref(rt), name, `Precondition failed: UID in precondition: ${String(body.metadata.uid)}, UID in object meta: ${old.metadata.uid}`);
    }
    checkFieldValidation(rt, body, ctx);
    return { object: this.writeUpdate(rt, old, body, ctx, opts.subresource, 'Update'), created: false };
  }

  private apply(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    ctx: WriteContext,
    opts: { subresource?: string; force?: boolean },
  ): { object: KubeObject; created: boolean } {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('error decoding YAML: the apply configuration must be an object');
    const config = clone(patch) as KubeObject;
    config.metadata ??= {};
    if (!config.apiVersion || !config.kind) {
      throw badRequest('invalid object type: /, Kind=');
    }
    this.checkTypeMeta(rt, config);
    if (config.metadata.name !== undefined && config.metadata.name !== name) {
      throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`);
    }
    config.metadata.name = name;
    this.checkNamespace(rt, namespace, config);
    checkFieldValidation(rt, config, ctx);
    if (!ctx.fieldManager || ctx.fieldManager === 'unknown') throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
    const live = this.store.get(resourceKey(rt), rt.namespaced ? namespace : undefined, name);
    // The merge may share subtrees with the stored object; the write path below mutates its input.
    const merged = structuredClone(serverSideApply(live, config, {
      manager: ctx.fieldManager,
      force: opts.force ?? false,
      model: rt.model,
      time: timestamp(),
      resource: ref(rt),
      name,
    }));
    if (!live) {
      const created = this.create(rt, namespace, { ...merged, metadata: { ...merged.metadata, managedFields: undefined } }, ctx);
      if (ctx.dryRun) return { object: { ...created, metadata: { ...created.metadata, managedFields: merged.metadata.managedFields } }, created: true };
      // Record the apply ownership rather than the Update entry create() wrote.
      const withOwnership = { ...clone(created), metadata: { ...clone(created.metadata), managedFields: merged.metadata.managedFields } };
      return { object: this.store.put(resourceKey(rt), withOwnership), created: true };
    }
    const rv = config.metadata.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) throw staleConflict(ref(rt), name);
    merged.metadata.resourceVersion = live.metadata.resourceVersion;
    return { object: this.writeUpdate(rt, live, merged, ctx, opts.subresource, 'Apply'), created: false };
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions, ctx: WriteContext): DeleteResult {
    const old = this.get(rt, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(ref(rt), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        ref(rt),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    const admission: AdmissionRequest = { operation: 'DELETE', rt, namespace: old.metadata.namespace, name, oldObject: old, ctx };
    this.mutatingAdmission(admission);
    this.validatingAdmission(admission);
    const key = resourceKey(rt);
    const next = clone(old);
    const fin = new Set(next.metadata.finalizers ?? []);
    if (opts.propagationPolicy === 'Orphan') fin.add('orphan');
    if (opts.propagationPolicy === 'Foreground') fin.add('foregroundDeletion');
    const pendingNamespace = this.keptByStrategy(next);
    if (fin.size === 0 && !pendingNamespace) {
      if (ctx.dryRun) return { object: old, deleted: true };
      return { object: this.store.remove(key, old.metadata.namespace, name)!, deleted: true };
    }
    // Graceful: mark for deletion; finalizers' owners finish the job.
    if (old.metadata.deletionTimestamp && fin.size === (old.metadata.finalizers?.length ?? 0)) return { object: old, deleted: false };
    next.metadata.finalizers = [...fin];
    // Being marked for deletion is a change controllers must act on: generation moves, once.
    if (!old.metadata.deletionTimestamp && (next.metadata.generation ?? 0) > 0) next.metadata.generation = next.metadata.generation! + 1;
    next.metadata.deletionTimestamp ??= timestamp();
    next.metadata.deletionGracePeriodSeconds ??= 0;
    for (const s of this.behaviour.strategiesFor(key)) s.prepareForUpdate?.(next, old, ctx, 'delete');
    if (ctx.dryRun) return { object: next, deleted: false };
    return { object: this.store.put(key, next), deleted: false };
  }
}
