// Which rules apply to a user in a namespace: every ClusterRoleBinding, then
// (for a namespace) every RoleBinding there, whose subjects include the user,
// each resolved through its roleRef. A RoleBinding to a ClusterRole grants
// that role's rules in the binding's namespace only. Resolution errors (a
// binding to a role that does not exist) are reported with the wording of
// the component that hits them.
import { notFound } from '../errors.js';
import type { KubeObject, UserInfo } from '../types.js';
import { goQuote } from './go-format.js';
import { KEYS, RBAC_GROUP, type PolicyRule, type RoleRef, type Subject, roleRefOf, rulesOf, serviceAccountUsername, subjectsOf } from './rbac-types.js';
import { type ObjectReader, isWatchable } from './source.js';

/**
 * `lister`: the authorizer reads informer caches, whose NotFound names the
 * singular resource (`clusterrole.rbac.authorization.k8s.io "x" not found`).
 * `registry`: escalation checks read the registry, whose NotFound is the API's
 * 404 (`clusterroles.rbac.authorization.k8s.io "x" not found`).
 */
export type ErrorStyle = 'lister' | 'registry';

export type RuleVisitor = (source: string | undefined, rule: PolicyRule | undefined, err: Error | undefined) => boolean;

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${goQuote(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${goQuote(s.name)}`;
}

function describeBinding(b: KubeObject, subject: Subject, namespace: string): string {
  const ref = roleRefOf(b);
  const what = namespace ? `RoleBinding ${goQuote(`${b.metadata.name}/${namespace}`)}` : `ClusterRoleBinding ${goQuote(b.metadata.name ?? '')}`;
  return `${what} of ${ref.kind} ${goQuote(ref.name)} to ${describeSubject(subject, namespace)}`;
}

function appliesToUser(user: UserInfo, s: Subject, namespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.name === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      // A RoleBinding's ServiceAccount subject defaults to the binding's namespace; a
      // ClusterRoleBinding has none to default to, so such a subject matches nobody.
      const ns = s.namespace || namespace;
      return ns !== '' && user.name === serviceAccountUsername(ns, s.name);
    }
    default:
      return false;
  }
}

export class RuleResolver {
  /** Binding lists by namespace ('' = ClusterRoleBindings), dropped on any change of that kind. */
  private readonly cache = new Map<string, KubeObject[]>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly reader: ObjectReader) {
    if (isWatchable(reader)) {
      this.unsubscribe.push(reader.watch(KEYS.clusterRoleBindings, () => this.cache.delete('')));
      this.unsubscribe.push(
        reader.watch(KEYS.roleBindings, (ev) => this.cache.delete(`ns:${ev.object.metadata.namespace ?? ''}`)),
      );
    }
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.cache.clear();
  }

  private bindings(namespace: string): KubeObject[] {
    const cacheKey = namespace ? `ns:${namespace}` : '';
    const useCache = this.unsubscribe.length > 0;
    let list = useCache ? this.cache.get(cacheKey) : undefined;
    if (!list) {
      list = namespace ? this.reader.list(KEYS.roleBindings, namespace) : this.reader.list(KEYS.clusterRoleBindings);
      if (useCache) this.cache.set(cacheKey, list);
    }
    return list;
  }

  /** The rules a roleRef names, resolved in the binding's namespace ('' for a ClusterRoleBinding). */
  roleRefRules(ref: RoleRef, bindingNamespace: string, style: ErrorStyle): PolicyRule[] {
    const missing = (singular: string, plural: string): Error => {
      const r = { group: RBAC_GROUP, resource: style === 'lister' ? singular : plural };
      return style === 'lister' ? new Error(notFound(r, ref.name).message) : notFound(r, ref.name);
    };
    if (ref.kind === 'Role') {
      const role = bindingNamespace ? this.reader.get(KEYS.roles, bindingNamespace, ref.name) : undefined;
      if (!role) throw missing('role', 'roles');
      return rulesOf(role);
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.reader.get(KEYS.clusterRoles, undefined, ref.name);
      if (!role) throw missing('clusterrole', 'clusterroles');
      return rulesOf(role);
    }
    throw new Error(`unsupported role reference kind: ${goQuote(ref.kind)}`);
  }

  /** Calls `visitor` for each applicable rule and each resolution error until it returns false. */
  visitRulesFor(user: UserInfo, namespace: string, visitor: RuleVisitor, style: ErrorStyle = 'lister'): void {
    const scopes = namespace ? ['', namespace] : [''];
    for (const scope of scopes) {
      for (const b of this.bindings(scope)) {
        const subject = subjectsOf(b).find((s) => appliesToUser(user, s, scope));
        if (!subject) continue;
        let rules: PolicyRule[];
        try {
          rules = this.roleRefRules(roleRefOf(b), scope, style);
        } catch (e) {
          if (!visitor(undefined, undefined, e as Error)) return;
          continue;
        }
        const source = describeBinding(b, subject, scope);
        for (const r of rules) if (!visitor(source, r, undefined)) return;
      }
    }
  }

  rulesFor(user: UserInfo, namespace: string, style: ErrorStyle = 'lister'): { rules: PolicyRule[]; errors: Error[] } {
    const rules: PolicyRule[] = [];
    const errors: Error[] = [];
    this.visitRulesFor(
      user,
      namespace,
      (_s, rule, err) => {
        if (rule) rules.push(rule);
        if (err) errors.push(err);
        return true;
      },
      style,
    );
    return { rules, errors };
  }
}
