// The authorizer chain of a kube-apiserver started with --authorization-mode=RBAC:
// members of system:masters are allowed outright (the privileged-group
// authorizer, which gives no reason), everyone else by RBAC rules only.
// RBAC never denies; it only fails to allow, with an empty reason unless a
// binding could not be resolved.
import type { UserInfo } from '../types.js';
import { aggregateMessage } from './go-format.js';
import { type PolicyRule, SYSTEM_MASTERS, policyRuleJson } from './rbac-types.js';
import { type Attributes, ruleAllows } from './rule-match.js';
import { type ErrorStyle, RuleResolver } from './rule-resolver.js';
import type { ObjectReader } from './source.js';

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface RulesForResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  /** Resolution errors, as SelfSubjectRulesReview reports them in status.evaluationError. */
  evaluationError?: string;
}

export function isPrivileged(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS);
}

export class RbacAuthorizer {
  readonly resolver: RuleResolver;

  /** A WatchableReader (a SystemClient, or readerFromStore) lets binding lists be cached between changes. */
  constructor(reader: ObjectReader) {
    this.resolver = new RuleResolver(reader);
  }

  dispose(): void {
    this.resolver.dispose();
  }

  authorize(user: UserInfo, attrs: Attributes): Decision {
    if (isPrivileged(user)) return { allowed: true, reason: '' };
    return this.authorizeByRules(user, attrs);
  }

  /** RBAC alone, without the system:masters short cut. */
  authorizeByRules(user: UserInfo, attrs: Attributes, style: ErrorStyle = 'lister'): Decision {
    const namespace = attrs.resourceRequest ? (attrs.namespace ?? '') : '';
    let reason = '';
    const errors: string[] = [];
    this.resolver.visitRulesFor(
      user,
      namespace,
      (source, rule, err) => {
        if (rule && ruleAllows(attrs, rule)) {
          reason = `RBAC: allowed by ${source}`;
          return false;
        }
        if (err) errors.push(err.message);
        return true;
      },
      style,
    );
    if (reason) return { allowed: true, reason };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregateMessage(errors)}` : '' };
  }

  /** The rules SelfSubjectRulesReview reports for a user in a namespace. */
  rulesFor(user: UserInfo, namespace: string): RulesForResult {
    const { rules, errors } = this.resolver.rulesFor(user, namespace);
    const out: RulesForResult = { resourceRules: [], nonResourceRules: [], incomplete: false };
    for (const r of rules) {
      const j = policyRuleJson(r);
      if (r.resources.length > 0) {
        out.resourceRules.push(withOnly(j, ['verbs', 'apiGroups', 'resources', 'resourceNames']) as unknown as ResourceRuleInfo);
      }
      if (r.nonResourceURLs.length > 0) {
        out.nonResourceRules.push(withOnly(j, ['verbs', 'nonResourceURLs']) as unknown as NonResourceRuleInfo);
      }
    }
    if (errors.length) out.evaluationError = aggregateMessage(errors.map((e) => e.message));
    return out;
  }

  /** Every rule granted to the user in the namespace ('' = cluster-wide bindings only). */
  policyRulesFor(user: UserInfo, namespace: string, style: ErrorStyle): { rules: PolicyRule[]; errors: Error[] } {
    return this.resolver.rulesFor(user, namespace, style);
  }
}

function withOnly(o: Record<string, string[]>, keys: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of keys) if (o[k]) out[k] = o[k];
  return out;
}
