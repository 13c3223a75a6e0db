// Impersonation (kubectl --as / --as-group): the authenticated user acts as
// another, but only with `impersonate` on that user, each group, or that
// ServiceAccount — otherwise the real 403. Without this a simulator answers
// `kubectl --as=...` for the admin, and tests of least privilege pass falsely.
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../types.js';
import { forbiddenError } from './forbidden.js';
import type { RbacAuthorizer } from './rbac.js';
import type { Attributes } from './rule-match.js';

const SA_PREFIX = 'system:serviceaccount:';

function headerValues(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  return (Array.isArray(h) ? h : [h]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** The user a request acts as: the authenticated one, or whom it may impersonate. Throws 403. */
export function impersonate(authz: RbacAuthorizer, user: UserInfo, headers: IncomingHttpHeaders): UserInfo {
  const name = headerValues(headers['impersonate-user'])[0];
  const groups = headerValues(headers['impersonate-group']);
  if (!name) return user;
  const check = (attrs: Attributes) => {
    const d = authz.authorize(user, attrs);
    if (!d.allowed) throw forbiddenError(user, attrs, d.reason);
  };
  if (name.startsWith(SA_PREFIX)) {
    const [namespace = '', sa = ''] = name.slice(SA_PREFIX.length).split(':');
    check({ resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', subresource: '', namespace, name: sa });
    const defaults = groups.length ? groups : ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
    return { name, groups: [...new Set([...defaults, 'system:authenticated'])] };
  }
  check({ resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'users', subresource: '', namespace: '', name });
  for (const g of groups) check({ resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'groups', subresource: '', namespace: '', name: g });
  // Everyone but the anonymous user is authenticated, impersonated or not.
  const all = name === 'system:anonymous' ? groups : [...new Set([...groups, 'system:authenticated'])];
  return { name, groups: all };
}

/** The answer to a SelfSubjectReview (`kubectl auth whoami`). */
export function selfSubjectReview(user: UserInfo): Record<string, unknown> {
  const userInfo: Record<string, unknown> = { username: user.name, groups: user.groups };
  if (user.uid) userInfo.uid = user.uid;
  return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo } };
}
