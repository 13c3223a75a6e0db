// Creating the default RBAC policy at start-up, as kube-apiserver's
// rbac/bootstrap-roles post-start hook does: missing roles and bindings are
// created; existing ones annotated autoupdate "true" are reconciled
// additively (missing labels, annotations, selectors, rules and subjects are
// added; nothing is removed); ones annotated "false" are left alone.
import type { SystemClient } from '../system-client.js';
import type { KubeObject } from '../types.js';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-roles.js';
import { covers } from './covers.js';
import { KEYS, policyRuleJson, rulesOf, subjectsOf } from './rbac-types.js';

export { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-roles.js';

function mergeMeta(live: KubeObject, want: KubeObject): void {
  // Existing values win; only absent keys are added.
  live.metadata.labels = { ...(want.metadata.labels ?? {}), ...(live.metadata.labels ?? {}) };
  live.metadata.annotations = { ...(want.metadata.annotations ?? {}), ...(live.metadata.annotations ?? {}) };
}

function selectors(o: KubeObject): unknown[] {
  const s = (o.aggregationRule as { clusterRoleSelectors?: unknown } | undefined)?.clusterRoleSelectors;
  return Array.isArray(s) ? s : [];
}

function reconcileRole(live: KubeObject, want: KubeObject): KubeObject | undefined {
  const before = JSON.stringify(live);
  mergeMeta(live, want);
  if (want.aggregationRule) {
    const have = selectors(live);
    const add = selectors(want).filter((s) => !have.some((h) => JSON.stringify(h) === JSON.stringify(s)));
    if (add.length || !live.aggregationRule) live.aggregationRule = { clusterRoleSelectors: [...have, ...add] as never };
  }
  // Missing rules are appended in their broken-down form, as the real reconciler does.
  const { missing } = covers(rulesOf(live), rulesOf(want));
  if (missing.length) live.rules = [...rulesOf(live), ...missing].map(policyRuleJson);
  return JSON.stringify(live) === before ? undefined : live;
}

function reconcileBinding(live: KubeObject, want: KubeObject): KubeObject | undefined {
  const before = JSON.stringify(live);
  mergeMeta(live, want);
  const have = subjectsOf(live);
  const add = subjectsOf(want).filter((w) => !have.some((h) => h.kind === w.kind && h.name === w.name && (h.namespace ?? '') === (w.namespace ?? '')));
  if (add.length) live.subjects = [...((live.subjects as unknown[] | undefined) ?? []), ...add] as never;
  return JSON.stringify(live) === before ? undefined : live;
}

function ensure(client: SystemClient, key: string, want: KubeObject, reconcile: (live: KubeObject, want: KubeObject) => KubeObject | undefined): void {
  const name = want.metadata.name!;
  const existing = client.get(key, undefined, name);
  if (!existing) {
    client.create(key, want);
    return;
  }
  if (existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== 'true') return;
  client.modify(key, undefined, name, (live) => reconcile(live, want));
}

/** Creates or reconciles the bootstrap ClusterRoles and ClusterRoleBindings through the API. */
export function ensureBootstrapPolicy(client: SystemClient): void {
  for (const role of bootstrapClusterRoles()) ensure(client, KEYS.clusterRoles, role, reconcileRole);
  for (const binding of bootstrapClusterRoleBindings()) ensure(client, KEYS.clusterRoleBindings, binding, reconcileBinding);
}
