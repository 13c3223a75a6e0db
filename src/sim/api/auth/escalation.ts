// RBAC escalation prevention, as the policy-based RBAC storage does it: a
// user may write a Role/ClusterRole only with rules they already hold (in that
// namespace; cluster-wide for a ClusterRole) unless they may `escalate` that
// kind, and may write a binding only when they may `bind` the referenced role
// or already hold all of its rules. system:masters is exempt. Failures are
// 403s worded as the real server words them.
import { isDeepStrictEqual } from 'node:util';
import { StatusError, forbidden, internalError } from '../errors.js';
import type { KubeObject, UserInfo } from '../types.js';
import { FULL_AUTHORITY, covers, describeMissing } from './covers.js';
import { aggregateMessage, goQuote, goQuoteList } from './go-format.js';
import { RbacAuthorizer, isPrivileged } from './rbac.js';
import { RBAC_GROUP, type PolicyRule, roleRefOf, rulesOf } from './rbac-types.js';

export interface WriteOptions {
  /** Create (POST: the URL names nothing) or update (PUT/PATCH on a named object). Default create. */
  operation?: 'create' | 'update';
  /** The stored object an update replaces. */
  old?: KubeObject;
}

function hasAggregationRule(o: KubeObject | undefined): boolean {
  const sel = (o?.aggregationRule as { clusterRoleSelectors?: unknown } | undefined)?.clusterRoleSelectors;
  return Array.isArray(sel) && sel.length > 0;
}

/** rbacregistry.IsOnlyMutatingGCFields: an update touching only ownerReferences/finalizers is never an escalation. */
function onlyGcFieldsChanged(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return false;
  const strip = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, ...meta } = o.metadata;
    return JSON.parse(JSON.stringify({ ...o, metadata: meta })) as unknown;
  };
  return isDeepStrictEqual(strip(obj), strip(old));
}

export class EscalationGuard {
  constructor(private readonly authz: RbacAuthorizer) {}

  /**
   * validation.ConfirmNoEscalation: undefined when the user's rules in `namespace`
   * cover `rules`, else the real message listing what is missing.
   */
  missingPermissions(user: UserInfo, rules: PolicyRule[], namespace: string): string | undefined {
    const { rules: owned, errors } = this.authz.policyRulesFor(user, namespace, 'registry');
    const { covered, missing } = covers(owned, rules);
    if (covered) return undefined;
    let msg = `user ${goQuote(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${describeMissing(missing)}`;
    if (errors.length) msg += `; resolution errors: [${aggregateMessage(errors.map((e) => e.message))}]`;
    return msg;
  }

  /** Throws 403 unless `user` may create/update this Role (namespace set) or ClusterRole (namespace ''). */
  checkRoleEscalation(user: UserInfo, role: KubeObject, namespace: string, opts: WriteOptions = {}): void {
    if (isPrivileged(user)) return;
    const cluster = role.kind ? role.kind === 'ClusterRole' : !namespace;
    const resource = cluster ? 'clusterroles' : 'roles';
    const ns = cluster ? '' : namespace;
    const name = role.metadata.name ?? '';
    const update = opts.operation === 'update';
    // `escalate` on the kind (optionally limited by resourceNames, which a POST never matches).
    const escalate = this.authz.authorize(user, {
      resourceRequest: true,
      verb: 'escalate',
      apiGroup: RBAC_GROUP,
      resource,
      namespace: ns,
      name: update ? name : '',
    });
    if (escalate.allowed) return;
    if (update && onlyGcFieldsChanged(role, opts.old)) return;
    const missing = this.missingPermissions(user, rulesOf(role), ns);
    if (missing) throw forbidden({ group: RBAC_GROUP, resource }, name, missing);
    // An aggregationRule can gather any rule later, so setting or changing one needs `*` on everything.
    if (cluster && (hasAggregationRule(role) || (update && hasAggregationRule(opts.old)))) {
      if (this.missingPermissions(user, FULL_AUTHORITY, '')) {
        throw forbidden({ group: RBAC_GROUP, resource }, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
    }
  }

  /** Throws unless `user` may create/update this RoleBinding (namespace set) or ClusterRoleBinding (namespace ''). */
  checkBindingEscalation(user: UserInfo, binding: KubeObject, namespace: string, opts: WriteOptions = {}): void {
    if (isPrivileged(user)) return;
    const cluster = binding.kind ? binding.kind === 'ClusterRoleBinding' : !namespace;
    const resource = cluster ? 'clusterrolebindings' : 'rolebindings';
    const ns = cluster ? '' : namespace;
    if (opts.operation === 'update' && onlyGcFieldsChanged(binding, opts.old)) return;
    const ref = roleRefOf(binding);
    // `bind` is checked in the binding's namespace, so it can be delegated per namespace and per role name.
    if (ref.kind === 'Role' || ref.kind === 'ClusterRole') {
      const bind = this.authz.authorize(user, {
        resourceRequest: true,
        verb: 'bind',
        apiGroup: ref.apiGroup,
        resource: ref.kind === 'Role' ? 'roles' : 'clusterroles',
        namespace: ns,
        name: ref.name,
      });
      if (bind.allowed) return;
    }
    let rules: PolicyRule[];
    try {
      rules = this.authz.resolver.roleRefRules(ref, ns, 'registry');
    } catch (e) {
      // A missing role is the registry's own 404; anything else reached the server as a plain error.
      throw e instanceof StatusError ? e : internalError((e as Error).message);
    }
    const missing = this.missingPermissions(user, rules, ns);
    if (missing) throw forbidden({ group: RBAC_GROUP, resource }, binding.metadata.name ?? '', missing);
  }
}
