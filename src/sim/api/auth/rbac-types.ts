// The RBAC API shapes (rbac.authorization.k8s.io/v1) as the authorizer reads
// them out of stored objects, the store keys of the four kinds, and the
// well-known user and group names of a real cluster.
import { resourceKey } from '../resource-type.js';
import type { KubeObject } from '../types.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const KEYS = {
  roles: resourceKey({ group: RBAC_GROUP, resource: 'roles' }),
  roleBindings: resourceKey({ group: RBAC_GROUP, resource: 'rolebindings' }),
  clusterRoles: resourceKey({ group: RBAC_GROUP, resource: 'clusterroles' }),
  clusterRoleBindings: resourceKey({ group: RBAC_GROUP, resource: 'clusterrolebindings' }),
  secrets: resourceKey({ group: '', resource: 'secrets' }),
  serviceAccounts: resourceKey({ group: '', resource: 'serviceaccounts' }),
} as const;

/** k8s.io/apiserver/pkg/authentication/user constants. */
export const SYSTEM_MASTERS = 'system:masters';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS_USER = 'system:anonymous';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A stored rule with every list present (absent and empty mean the same to RBAC). */
export function toPolicyRule(v: unknown): PolicyRule {
  const r = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

export function rulesOf(o: KubeObject | undefined): PolicyRule[] {
  const rules = o?.rules;
  return Array.isArray(rules) ? rules.map(toPolicyRule) : [];
}

export function roleRefOf(o: KubeObject): RoleRef {
  const r = (o.roleRef && typeof o.roleRef === 'object' ? o.roleRef : {}) as Record<string, unknown>;
  return { apiGroup: String(r.apiGroup ?? ''), kind: String(r.kind ?? ''), name: String(r.name ?? '') };
}

export function subjectsOf(o: KubeObject): Subject[] {
  const s = o.subjects;
  if (!Array.isArray(s)) return [];
  return s
    .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
    .map((x) => ({
      kind: String(x.kind ?? ''),
      name: String(x.name ?? ''),
      ...(typeof x.apiGroup === 'string' ? { apiGroup: x.apiGroup } : {}),
      ...(typeof x.namespace === 'string' ? { namespace: x.namespace } : {}),
    }));
}

/** The JSON form the API serves: verbs always, the other lists only when set (omitempty). */
export function policyRuleJson(r: PolicyRule): Record<string, string[]> {
  const out: Record<string, string[]> = { verbs: [...r.verbs] };
  if (r.apiGroups.length) out.apiGroups = [...r.apiGroups];
  if (r.resources.length) out.resources = [...r.resources];
  if (r.resourceNames.length) out.resourceNames = [...r.resourceNames];
  if (r.nonResourceURLs.length) out.nonResourceURLs = [...r.nonResourceURLs];
  return out;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}
