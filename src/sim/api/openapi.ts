// The /openapi/v3 documents. kubectl (1.29+) reads the root index, then the
// group-version document of the kind it writes: when the kind's PATCH
// operation carries x-kubernetes-group-version-kind and a `fieldValidation`
// query parameter, kubectl trusts server-side field validation and sends
// ?fieldValidation=Strict instead of downloading /openapi/v2 to validate on the
// client. The component schemas come from the same models the server validates
// with, so `kubectl explain` and client-side apply's patch computation see the
// fields the server enforces.
import { createHash } from 'node:crypto';
import { groupVersion, type ResourceType } from './resource-type.js';
import { ComponentBuilder } from './validation/openapi-schema.js';

type Doc = Record<string, unknown>;

/**
 * Built-in kinds advertise application/strategic-merge-patch+json, as a real
 * server does; kubectl then computes client-side apply patches from the
 * x-kubernetes-patch-* extensions of the schemas (see validation/patch-meta.ts).
 */
const BUILTIN_PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const CUSTOM_PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];

const query = (name: string, description: string, type = 'string'): Doc => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const DRY_RUN = query('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = query(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict',
);
const FORCE = query('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean');
const PRETTY = query('pretty', "If 'true', then the output is pretty printed.");
const LIST_PARAMS = [
  query('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  query('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  query('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  query('continue', 'The continue option should be set when retrieving more results from the server.'),
  query('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  query('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const pathParam = (name: string, description: string): Doc => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

function pascal(s: string): string {
  return s
    .split(/[.\-/]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function operations(rt: ResourceType, schemaName: string | undefined): Record<string, Doc> {
  const base = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  const collection = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.resource}` : `${base}/${rt.resource}`;
  const gvk = { group: rt.group, kind: rt.kind, version: rt.version };
  const tag = `${rt.group ? pascal(rt.group).replace(/^./, (c) => c.toLowerCase()) : 'core'}_${rt.version}`;
  const scope = rt.namespaced ? 'Namespaced' : '';
  const id = (verb: string, suffix = '') => `${verb}${rt.group ? pascal(rt.group) : 'Core'}${pascal(rt.version)}${scope}${rt.kind}${suffix}`;
  const body = schemaName ? { $ref: `#/components/schemas/${schemaName}` } : { type: 'object' };
  const mediaTypes = rt.custom ? ['application/json', 'application/yaml'] : ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
  const reply = (codes: string[]) =>
    Object.fromEntries([
      ...codes.map((c) => [c, { description: c === '201' ? 'Created' : 'OK', content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: body }])) }]),
      ['401', { description: 'Unauthorized' }],
    ]);
  const op = (verb: string, action: string, description: string, codes: string[], extra: Doc = {}, suffix = ''): Doc => ({
    tags: [tag],
    description,
    operationId: id(verb, suffix),
    ...extra,
    responses: reply(codes),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const jsonBody = { content: { '*/*': { schema: body } }, required: true };
  const patch = (suffix = '') =>
    op('patch', 'patch', `partially update the specified ${rt.kind}`, ['200', '201'], {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
      requestBody: {
        content: Object.fromEntries((rt.custom ? CUSTOM_PATCH_TYPES : BUILTIN_PATCH_TYPES).map((t) => [t, { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } }])),
        required: true,
      },
    }, suffix);
  const nameParams = [pathParam('name', `name of the ${rt.kind}`), ...(rt.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : []), PRETTY];
  const paths: Record<string, Doc> = {};
  const coll: Doc = { parameters: [...(rt.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : []), PRETTY] };
  if (rt.verbs.includes('list')) coll.get = op('list', 'list', `list or watch objects of kind ${rt.kind}`, ['200'], { parameters: LIST_PARAMS });
  if (rt.verbs.includes('create')) coll.post = op('create', 'post', `create a ${rt.kind}`, ['200', '201'], { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: jsonBody });
  paths[collection] = coll;
  // Every kind gets a PATCH operation, even create-only ones, so that kubectl
  // relies on server-side validation for them too (this server has no /openapi/v2).
  const item: Doc = { parameters: nameParams, patch: patch() };
  if (rt.verbs.includes('get')) item.get = op('read', 'get', `read the specified ${rt.kind}`, ['200']);
  if (rt.verbs.includes('update')) item.put = op('replace', 'put', `replace the specified ${rt.kind}`, ['200', '201'], { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: jsonBody });
  if (rt.verbs.includes('delete')) item.delete = op('delete', 'delete', `delete a ${rt.kind}`, ['200']);
  paths[`${collection}/{name}`] = item;
  if (rt.subresources.includes('status')) {
    paths[`${collection}/{name}/status`] = {
      parameters: nameParams,
      get: op('read', 'get', `read status of the specified ${rt.kind}`, ['200'], {}, 'Status'),
      put: op('replace', 'put', `replace status of the specified ${rt.kind}`, ['200', '201'], { parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], requestBody: jsonBody }, 'Status'),
      patch: patch('Status'),
    };
  }
  return paths;
}

function buildDoc(rts: ResourceType[], group: string): Doc {
  const components = new ComponentBuilder(group);
  const paths: Record<string, Doc> = {};
  for (const rt of rts) Object.assign(paths, operations(rt, components.addKind(rt)));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

interface Built {
  docs: Map<string, { doc: Doc; hash: string }>;
  root: Doc;
}
const built = new Map<string, Built>();

/** Builds (once per set of served types) every group-version document and the index. */
function build(rts: ResourceType[]): Built {
  const signature = JSON.stringify(rts.map((rt) => [rt.group, rt.version, rt.resource, rt.kind, rt.namespaced, rt.custom, rt.verbs, rt.subresources, rt.model]));
  const cached = built.get(signature);
  if (cached) return cached;
  const byGV = new Map<string, ResourceType[]>();
  for (const rt of rts) byGV.set(groupVersion(rt), [...(byGV.get(groupVersion(rt)) ?? []), rt]);
  const docs = new Map<string, { doc: Doc; hash: string }>();
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const [gv, list] of byGV) {
    const doc = buildDoc(list, list[0]!.group);
    // The real index carries the SHA-512 of each document, which clients use as a cache key.
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    docs.set(gv, { doc, hash });
    const key = list[0]!.group ? `apis/${gv}` : `api/${gv}`;
    index[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  const result = { docs, root: { paths: index } };
  built.set(signature, result);
  return result;
}

/** GET /openapi/v3: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}`. */
export function openapiV3Root(rts: ResourceType[]): object {
  return build(rts).root;
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; undefined when nothing is served there. */
export function openapiV3GroupVersion(rts: ResourceType[], group: string, version: string): object | undefined {
  return build(rts).docs.get(group ? `${group}/${version}` : version)?.doc;
}
