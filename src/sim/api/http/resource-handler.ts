// Serves the verbs on stored resources: get, list, watch, create, update,
// patch, delete, deletecollection, and the status subresource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, badRequest, invalid, methodNotAllowed } from '../errors.js';
import { listObjects, matches, parseFilter } from '../list.js';
import { listOptionsOf, validateListOptions } from '../list-options.js';
import { patchTypeFromContentType } from '../patch/index.js';
import type { DeleteOptions, Registry } from '../registry.js';
import { type ResourceType, groupVersion } from '../resource-type.js';
import type { WriteContext } from '../strategy.js';
import { includeObjectParam, toTable, wantsTable } from '../table.js';
import type { KubeObject, UserInfo } from '../types.js';
import { type WatchHooks, serveWatch } from '../watch.js';
import { findDuplicateFields, parseFieldValidation } from '../validation/index.js';
import { decodeObjectBody, decodePatchBody, mediaType, readBody, sendJson } from './io.js';
import type { RequestInfo } from './request-info.js';

const COMMA = Buffer.from(',');
const CLOSE_LIST = Buffer.from(']}');

const NOT_FOUND = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

/** The field manager a real server derives when the client names none: the User-Agent up to its first '/'. */
function defaultFieldManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? '';
  const m = ua.split('/')[0]!.trim();
  return m ? m.slice(0, 128) : 'unknown';
}

const OPTIONS_KIND: Record<string, string> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions' };

function writeContext(req: IncomingMessage, url: URL, user: UserInfo, verb: string, raw?: Buffer): WriteContext {
  const dry = url.searchParams.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw badRequest(`Invalid dry run value: ${d}`);
  const fv = parseFieldValidation(url.searchParams.get('fieldValidation'), OPTIONS_KIND[verb]);
  if (fv instanceof StatusError) throw fv;
  const ct = mediaType(req);
  const json = raw && (ct === '' || ct.endsWith('json'));
  return {
    user,
    dryRun: dry.length > 0,
    fieldManager: url.searchParams.get('fieldManager') ?? defaultFieldManager(req),
    fieldValidation: fv,
    warnings: [],
    duplicateFields: json ? findDuplicateFields(raw.toString('utf8')) : undefined,
  };
}

function parseDeleteOptions(url: URL, body: Record<string, unknown> | undefined): DeleteOptions {
  const q = url.searchParams;
  const o: DeleteOptions = {};
  const policy = (body?.propagationPolicy as string | undefined) ?? q.get('propagationPolicy') ?? undefined;
  if (body?.orphanDependents === true || q.get('orphanDependents') === 'true') o.propagationPolicy = 'Orphan';
  if (policy) {
    if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
      throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    o.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  if (body?.preconditions) o.preconditions = body.preconditions as DeleteOptions['preconditions'];
  return o;
}

/** PatchOptions validation, before the object is looked up: apply needs a field manager, force is for apply only. */
function checkPatchOptions(type: string, fieldManager: string | null, force: string | null): void {
  if (type === 'apply' && !fieldManager) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
  }
  if (type !== 'apply' && force !== null) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }]);
  }
}

function explicitCascade(url: URL, body: Record<string, unknown> | undefined): boolean {
  return body?.orphanDependents === false || url.searchParams.get('orphanDependents') === 'false';
}

function deletedStatus(rt: ResourceType, o: KubeObject): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: o.metadata.name, group: rt.group || undefined, kind: rt.resource, uid: o.metadata.uid },
  };
}

export interface ResourceContext {
  registry: Registry;
  user: UserInfo;
  watchHooks: () => WatchHooks;
  /** Resources answered by computation instead of storage (access reviews). */
  virtualCreate?: (rt: ResourceType, body: Record<string, unknown>, user: UserInfo) => Record<string, unknown> | undefined;
}

export async function serveResource(rt: ResourceType, info: RequestInfo, url: URL, req: IncomingMessage, res: ServerResponse, c: ResourceContext): Promise<void> {
  const { registry } = c;
  const q = url.searchParams;
  if (rt.namespaced === false && info.namespace && rt.resource !== 'namespaces') throw NOT_FOUND();
  const ns = rt.namespaced ? info.namespace : undefined;
  const sub = info.subresource;
  if (sub && !(rt.subresources.includes(sub) || (rt.resource === 'namespaces' && sub === 'finalize'))) throw NOT_FOUND();
  if (sub && !info.name) throw NOT_FOUND();
  const table = wantsTable(req.headers.accept) ? { includeObject: includeObjectParam(q.get('includeObject')) } : undefined;

  if (!rt.verbs.includes(info.verb) && !(sub && ['get', 'update', 'patch'].includes(info.verb))) throw methodNotAllowed();
  if (rt.namespaced && !ns && ['create', 'update', 'patch', 'delete', 'get', 'deletecollection'].includes(info.verb) && rt.verbs.length > 1) {
    throw NOT_FOUND();
  }

  switch (info.verb) {
    case 'get': {
      const o = registry.get(rt, ns, info.name);
      const body = table ? toTable(rt, [o], { includeObject: table.includeObject, resourceVersion: o.metadata.resourceVersion }) : o;
      return sendJson(res, 200, body);
    }
    case 'list': {
      validateListOptions(listOptionsOf(q, false));
      const filter = parseFilter(rt, q.get('labelSelector'), q.get('fieldSelector'));
      const limit = q.has('limit') ? Number(q.get('limit')) : undefined;
      const r = listObjects(registry.store, rt, ns, filter, { limit, continue: q.get('continue') ?? undefined });
      if (table) {
        return sendJson(res, 200, toTable(rt, r.items, { includeObject: table.includeObject, resourceVersion: r.resourceVersion, continue: r.continue, remainingItemCount: r.remainingItemCount }));
      }
      // Items are already encoded by the store; splice their bytes in rather than re-encoding.
      const metadata: Record<string, unknown> = { resourceVersion: r.resourceVersion };
      if (r.continue) metadata.continue = r.continue;
      if (r.remainingItemCount !== undefined) metadata.remainingItemCount = r.remainingItemCount;
      const head = JSON.stringify({ kind: `${rt.kind}List`, apiVersion: groupVersion(rt), metadata });
      const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
      r.items.forEach((o, i) => {
        if (i > 0) parts.push(COMMA);
        parts.push(registry.store.encoded(o));
      });
      parts.push(CLOSE_LIST);
      return sendJson(res, 200, Buffer.concat(parts));
    }
    case 'watch': {
      if (info.name && !q.get('fieldSelector')) {
        // GET .../name?watch=true is the legacy form of a single-object watch.
        q.set('fieldSelector', `metadata.name=${info.name}`);
      }
      const opts = listOptionsOf(q, true);
      validateListOptions(opts);
      const filter = parseFilter(rt, q.get('labelSelector'), q.get('fieldSelector'));
      serveWatch(
        registry.store,
        req,
        res,
        {
          rt,
          namespace: ns,
          filter,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
          allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
          sendInitialEvents: opts.sendInitialEvents,
          timeoutSeconds: q.has('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
          table,
        },
        c.watchHooks(),
      );
      return;
    }
    case 'create': {
      if (sub) throw methodNotAllowed();
      const raw = await readBody(req);
      const body = decodeObjectBody(req, raw);
      const virtual = c.virtualCreate?.(rt, body, c.user);
      if (virtual) return sendJson(res, 201, virtual);
      const ctx = writeContext(req, url, c.user, 'create', raw);
      const created = registry.create(rt, ns, body as KubeObject, ctx);
      return sendJson(res, 201, created, {}, ctx.warnings);
    }
    case 'update': {
      const raw = await readBody(req);
      const body = decodeObjectBody(req, raw) as KubeObject;
      const ctx = writeContext(req, url, c.user, 'update', raw);
      const updated = registry.update(rt, ns, info.name, body, ctx, sub || undefined);
      return sendJson(res, 200, updated, {}, ctx.warnings);
    }
    case 'patch': {
      const type = patchTypeFromContentType(mediaType(req));
      if (!type) {
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${rt.custom ? '' : ', application/strategic-merge-patch+json'}`,
        );
      }
      const force = q.get('force');
      checkPatchOptions(type, q.get('fieldManager'), force);
      const patch = decodePatchBody(type, await readBody(req));
      const ctx = writeContext(req, url, c.user, 'patch');
      const r = registry.patch(rt, ns, info.name, type, patch, ctx, { subresource: sub || undefined, force: force === 'true' });
      return sendJson(res, r.created ? 201 : 200, r.object, {}, ctx.warnings);
    }
    case 'delete': {
      if (sub) throw methodNotAllowed();
      const raw = await readBody(req);
      const body = raw.length > 0 ? decodeObjectBody(req, raw) : undefined;
      const ctx = writeContext(req, url, c.user, 'delete');
      const r = registry.delete(rt, ns, info.name, parseDeleteOptions(url, body), ctx);
      // Still there (finalizers): the object as it now is, 200 unless the client
      // asked orphanDependents=false, the one case a real server answers 202.
      if (!r.deleted) return sendJson(res, explicitCascade(url, body) ? 202 : 200, r.object);
      return sendJson(res, 200, rt.custom ? r.object : deletedStatus(rt, r.object));
    }
    case 'deletecollection': {
      const raw = await readBody(req);
      const body = raw.length > 0 ? decodeObjectBody(req, raw) : undefined;
      const ctx = writeContext(req, url, c.user, 'delete');
      const filter = parseFilter(rt, q.get('labelSelector'), q.get('fieldSelector'));
      const opts = parseDeleteOptions(url, body);
      const items: KubeObject[] = [];
      for (const o of registry.store.list(rt.group ? `${rt.resource}.${rt.group}` : rt.resource, ns)) {
        if (!matches(filter, o)) continue;
        try {
          items.push(registry.delete(rt, o.metadata.namespace, o.metadata.name!, opts, ctx).object);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      return sendJson(res, 200, { kind: `${rt.kind}List`, apiVersion: groupVersion(rt), metadata: {}, items });
    }
    default:
      throw methodNotAllowed();
  }
}
