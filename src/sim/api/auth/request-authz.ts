// The authorization filter of the request chain: the attributes of a parsed
// request, checked before the request reaches any handler, answered with the
// real 403 when nothing allows it.
import type { RequestInfo } from '../http/request-info.js';
import type { UserInfo } from '../types.js';
import { forbiddenError } from './forbidden.js';
import type { RbacAuthorizer } from './rbac.js';
import type { Attributes } from './rule-match.js';

export function attributesOf(info: RequestInfo): Attributes {
  if (!info.isResourceRequest) return { resourceRequest: false, verb: info.verb, path: info.path };
  return {
    resourceRequest: true,
    verb: info.verb,
    apiGroup: info.apiGroup,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace ?? '',
    name: info.name,
  };
}

/** Throws the 403 a real server answers unless `user` may make this request. */
export function authorizeRequestInfo(authz: RbacAuthorizer, user: UserInfo, info: RequestInfo): void {
  const attrs = attributesOf(info);
  const d = authz.authorize(user, attrs);
  if (!d.allowed) throw forbiddenError(user, attrs, d.reason);
}
