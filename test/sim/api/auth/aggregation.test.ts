import { describe, expect, it } from 'vitest';
import { aggregatedRules } from '../../../../src/sim/api/auth/aggregation-controller.js';
import { bootstrapClusterRoles } from '../../../../src/sim/api/auth/bootstrap-roles.js';
import type { KubeObject } from '../../../../src/sim/api/types.js';

const role = (name: string, labels: Record<string, string>, rules: unknown[], aggregates?: Record<string, string>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...(aggregates ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregates }] } } : {}),
});

describe('aggregatedRules', () => {
  it('unions matching roles in name order, dropping exact duplicates and itself', () => {
    const target = role('agg', { x: 'y' }, [{ verbs: ['stale'] }], { x: 'y' });
    const b = role('b', { x: 'y' }, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    const a = role('a', { x: 'y' }, [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    const other = role('c', { x: 'z' }, [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }]);
    const out = aggregatedRules(target, [target, b, other, a]);
    expect(out?.map((r) => r.verbs)).toEqual([['list'], ['get']]);
  });

  it('treats absent and empty lists alike when deduplicating', () => {
    const target = role('agg', {}, [], { x: 'y' });
    const a = role('a', { x: 'y' }, [{ verbs: ['get'], nonResourceURLs: ['/x'] }]);
    const b = role('b', { x: 'y' }, [{ verbs: ['get'], apiGroups: [], resources: [], nonResourceURLs: ['/x'] }]);
    expect(aggregatedRules(target, [a, b])).toHaveLength(1);
  });

  it('gives nothing for a role without an aggregationRule, and fails on an invalid selector', () => {
    expect(aggregatedRules(role('plain', {}, []), [])).toBeUndefined();
    const bad: KubeObject = { ...role('bad', {}, []), aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }] } };
    expect(aggregatedRules(bad, [])).toBeUndefined();
  });

  it('makes the bootstrap view role hold no secrets and edit hold secrets', () => {
    const all = bootstrapClusterRoles();
    const view = aggregatedRules(all.find((r) => r.metadata.name === 'view')!, all)!;
    expect(view.some((r) => r.resources.includes('secrets'))).toBe(false);
    expect(view.some((r) => r.resources.includes('configmaps') && r.verbs.includes('watch'))).toBe(true);
    // edit aggregates aggregate-to-edit roles, which include view (labelled aggregate-to-edit) once it is filled.
    const filledView = { ...all.find((r) => r.metadata.name === 'view')!, rules: view.map((r) => ({ ...r })) };
    const edit = aggregatedRules(all.find((r) => r.metadata.name === 'edit')!, [...all.filter((r) => r.metadata.name !== 'view'), filledView])!;
    expect(edit.some((r) => r.resources.includes('secrets') && r.verbs.includes('create'))).toBe(true);
    expect(edit.some((r) => r.resources.includes('configmaps') && r.verbs.includes('list'))).toBe(true);
  });
});
