// Builders for RBAC and ServiceAccount objects seeded straight into an
// ObjectStore, for unit tests of the authorizer, escalation checks and
// authenticator.
import { randomUUID } from 'node:crypto';
import { KEYS, RBAC_GROUP } from '../../../../src/sim/api/auth/rbac-types.js';
import { ObjectStore } from '../../../../src/sim/api/store.js';
import type { KubeObject, UserInfo } from '../../../../src/sim/api/types.js';

export type RuleSpec = { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };
export type SubjectSpec = { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string };

const gv = `${RBAC_GROUP}/v1`;

export class Seed {
  readonly store = new ObjectStore();

  role(namespace: string, name: string, rules: RuleSpec[]): KubeObject {
    return this.store.put(KEYS.roles, { apiVersion: gv, kind: 'Role', metadata: { name, namespace, uid: randomUUID() }, rules });
  }

  clusterRole(name: string, rules: RuleSpec[], extra: Partial<KubeObject> = {}): KubeObject {
    return this.store.put(KEYS.clusterRoles, { apiVersion: gv, kind: 'ClusterRole', metadata: { name, uid: randomUUID() }, rules, ...extra });
  }

  roleBinding(namespace: string, name: string, roleRef: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: SubjectSpec[]): KubeObject {
    return this.store.put(KEYS.roleBindings, {
      apiVersion: gv,
      kind: 'RoleBinding',
      metadata: { name, namespace, uid: randomUUID() },
      roleRef: { apiGroup: RBAC_GROUP, ...roleRef },
      subjects: subjects.map(subject),
    });
  }

  clusterRoleBinding(name: string, roleName: string, subjects: SubjectSpec[]): KubeObject {
    return this.store.put(KEYS.clusterRoleBindings, {
      apiVersion: gv,
      kind: 'ClusterRoleBinding',
      metadata: { name, uid: randomUUID() },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
      subjects: subjects.map(subject),
    });
  }

  serviceAccount(namespace: string, name: string): KubeObject {
    return this.store.put(KEYS.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, uid: randomUUID() } });
  }
}

function subject(s: SubjectSpec): Record<string, string> {
  if (s.kind === 'ServiceAccount') return { kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) };
  return { kind: s.kind, apiGroup: RBAC_GROUP, name: s.name };
}

export const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });

export const saUser = (namespace: string, name: string): UserInfo => ({
  name: `system:serviceaccount:${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
});

export const res = (verb: string, resource: string, more: { group?: string; namespace?: string; name?: string; subresource?: string } = {}) => ({
  resourceRequest: true as const,
  verb,
  resource,
  apiGroup: more.group ?? '',
  namespace: more.namespace ?? '',
  name: more.name ?? '',
  subresource: more.subresource ?? '',
});

export const path = (verb: string, p: string) => ({ resourceRequest: false as const, verb, path: p });
