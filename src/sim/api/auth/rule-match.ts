// Whether one PolicyRule allows one request, with the real RBAC matching:
// `*` wildcards, `resource/subresource` and `*/subresource`, resourceNames that
// never match a request without a name, nonResourceURLs with a trailing `*`.
import type { PolicyRule } from './rbac-types.js';

/** authorizer.Attributes for a request on an API resource. */
export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  /** Empty for cluster-scoped resources and for requests across all namespaces. */
  namespace?: string;
  /** Empty for list, watch, deletecollection and create (the URL carries no name). */
  name?: string;
}

/** authorizer.Attributes for a request on a non-resource path (/version, /healthz). */
export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === '*' || g === group);
}

export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources) {
    if (r === '*' || r === combined) return true;
    // `*/status` grants the status subresource of every resource, but only a subresource.
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  // An empty list means any name; a non-empty list cannot match a request that names nothing.
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (attrs.resourceRequest) {
    const sub = attrs.subresource ?? '';
    const combined = sub ? `${attrs.resource}/${sub}` : attrs.resource;
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, combined, sub) &&
      resourceNameMatches(rule, attrs.name ?? '')
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}
