// Turns a request line into what the apiserver's RequestInfoFactory derives:
// resource or non-resource request, verb, group, version, namespace, resource,
// subresource and name. Authorization and routing both read it.

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** RBAC verb: get, list, watch, create, update, patch, delete, deletecollection (or the HTTP verb lower-cased for non-resource paths). */
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  apiGroup: string;
  apiVersion: string;
  namespace: string | undefined;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the version, for extension handlers. */
  parts: string[];
}

const HTTP_TO_VERB: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', GET: 'get', HEAD: 'get', DELETE: 'delete' };

export function requestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const nonResource: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: undefined,
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  if (segs[0] !== 'api' && segs[0] !== 'apis') return nonResource;
  const prefix = segs[0];
  let rest = segs.slice(1);
  let group = '';
  if (prefix === 'apis') {
    if (rest.length < 2) return { ...nonResource, apiPrefix: prefix, apiGroup: rest[0] ?? '' };
    group = rest[0]!;
    rest = rest.slice(1);
  } else if (rest.length < 1) return { ...nonResource, apiPrefix: prefix };
  const version = rest[0]!;
  rest = rest.slice(1);
  if (rest.length === 0) return { ...nonResource, apiPrefix: prefix, apiGroup: group, apiVersion: version };

  const info: RequestInfo = {
    isResourceRequest: true,
    path,
    verb: HTTP_TO_VERB[method] ?? method.toLowerCase(),
    apiPrefix: prefix,
    apiGroup: group,
    apiVersion: version,
    namespace: undefined,
    resource: '',
    subresource: '',
    name: '',
    parts: rest,
  };
  // /namespaces/{ns}/{resource}/..., except a namespace's own status and
  // finalize; a namespace's namespace is itself, as for the real factory.
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    info.namespace = rest[1];
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';

  const watchParam = url.searchParams.get('watch');
  const isWatch = watchParam === 'true' || watchParam === '1';
  if (info.name === '') {
    if (method === 'GET' || method === 'HEAD') info.verb = isWatch ? 'watch' : 'list';
    if (method === 'DELETE') info.verb = 'deletecollection';
    // A list or watch of one name through a field selector is authorized as that name.
    const fs = url.searchParams.get('fieldSelector');
    const single = fs ? /^metadata\.name==?([^,]+)$/.exec(fs) : null;
    if (single && (info.verb === 'list' || info.verb === 'watch')) info.name = single[1]!;
  } else if (method === 'GET' && isWatch) {
    info.verb = 'watch';
  }
  return info;
}
