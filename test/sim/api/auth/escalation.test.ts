import { describe, expect, it } from 'vitest';
import { covers, describeMissing } from '../../../../src/sim/api/auth/covers.js';
import { EscalationGuard } from '../../../../src/sim/api/auth/escalation.js';
import { RbacAuthorizer } from '../../../../src/sim/api/auth/rbac.js';
import { toPolicyRule } from '../../../../src/sim/api/auth/rbac-types.js';
import { readerFromStore } from '../../../../src/sim/api/auth/source.js';
import { StatusError } from '../../../../src/sim/api/errors.js';
import type { KubeObject } from '../../../../src/sim/api/types.js';
import { type RuleSpec, Seed, saUser, user } from './seed.js';

const RBAC = 'rbac.authorization.k8s.io';

function setup() {
  const seed = new Seed();
  // What a namespace admin holds: configmaps read/write and RBAC writes in virtwork.
  seed.clusterRole('ns-admin', [
    { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: [''], resources: ['configmaps'] },
    // Explicit verbs, as the real admin role has: `*` would include escalate and bind.
    { verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], apiGroups: [RBAC], resources: ['roles', 'rolebindings'] },
  ]);
  seed.roleBinding('virtwork', 'alice-admin', { kind: 'ClusterRole', name: 'ns-admin' }, [{ kind: 'User', name: 'alice' }]);
  seed.clusterRole('pod-killer', [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }]);
  const guard = new EscalationGuard(new RbacAuthorizer(readerFromStore(seed.store)));
  return { seed, guard };
}

const role = (namespace: string, name: string, rules: RuleSpec[]): KubeObject => ({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name, namespace }, rules });
const clusterRole = (name: string, rules: RuleSpec[], extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules, ...extra });
const roleBinding = (namespace: string, name: string, ref: { kind: string; name: string }, who = 'bob'): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: RBAC, ...ref },
  subjects: [{ kind: 'User', apiGroup: RBAC, name: who }],
});

function thrown(fn: () => void): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('Role escalation', () => {
  it('lets a user write a Role with rules they hold in that namespace', () => {
    const { guard } = setup();
    expect(() => guard.checkRoleEscalation(user('alice'), role('virtwork', 'cm-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }]), 'virtwork')).not.toThrow();
  });

  it('refuses rules not held, with the real message listing what is missing', () => {
    const { guard } = setup();
    const e = thrown(() =>
      guard.checkRoleEscalation(
        user('alice'),
        role('virtwork', 'too-much', [
          { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps', 'secrets'] },
          { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
        ]),
        'virtwork',
      ),
    );
    expect(e.code).toBe(403);
    expect(e.message).toBe(
      'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
    );
  });

  it('does not count rules held in another namespace, nor namespaced grants for a ClusterRole', () => {
    const { guard } = setup();
    const rules = [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }];
    expect(() => guard.checkRoleEscalation(user('alice'), role('default', 'r', rules), 'default')).toThrow(/not currently held/);
    expect(() => guard.checkRoleEscalation(user('alice'), clusterRole('cr', rules), '')).toThrow(/^clusterroles.rbac.authorization.k8s.io "cr" is forbidden/);
  });

  it('treats `*` verbs on roles as including escalate', () => {
    const { seed, guard } = setup();
    seed.clusterRole('role-star', [{ verbs: ['*'], apiGroups: [RBAC], resources: ['roles'] }]);
    seed.roleBinding('virtwork', 'star', { kind: 'ClusterRole', name: 'role-star' }, [{ kind: 'User', name: 'alice' }]);
    expect(() => guard.checkRoleEscalation(user('alice'), role('virtwork', 'big', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), 'virtwork')).not.toThrow();
  });

  it('lets `escalate` through, limited to the names it lists on update', () => {
    const { seed, guard } = setup();
    seed.clusterRole('escalator', [{ verbs: ['escalate'], apiGroups: [RBAC], resources: ['roles'], resourceNames: ['special'] }]);
    seed.roleBinding('virtwork', 'esc', { kind: 'ClusterRole', name: 'escalator' }, [{ kind: 'User', name: 'alice' }]);
    const big = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
    expect(() => guard.checkRoleEscalation(user('alice'), role('virtwork', 'special', big), 'virtwork', { operation: 'update' })).not.toThrow();
    // A POST names nothing, so a name-limited escalate does not apply to a create.
    expect(() => guard.checkRoleEscalation(user('alice'), role('virtwork', 'special', big), 'virtwork')).toThrow(/not currently held/);
  });

  it('requires cluster-admin power to set an aggregationRule', () => {
    const { seed, guard } = setup();
    seed.clusterRole('cr-writer', [{ verbs: ['create'], apiGroups: [RBAC], resources: ['clusterroles'] }]);
    seed.clusterRoleBinding('cr-writer', 'cr-writer', [{ kind: 'User', name: 'alice' }]);
    const agg = clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } });
    expect(thrown(() => guard.checkRoleEscalation(user('alice'), agg, '')).message).toBe(
      'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    expect(() => guard.checkRoleEscalation(user('root', 'system:masters'), agg, '')).not.toThrow();
  });

  it('lets an update that only changes finalizers or ownerReferences through', () => {
    const { guard } = setup();
    const old = role('virtwork', 'r', [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }]);
    const next = { ...old, metadata: { ...old.metadata, finalizers: ['example.com/keep'] } };
    expect(() => guard.checkRoleEscalation(user('alice'), next, 'virtwork', { operation: 'update', old })).not.toThrow();
  });
});

describe('Binding escalation', () => {
  it('refuses binding a role whose rules the user does not hold, with the real message', () => {
    const { guard } = setup();
    const e = thrown(() => guard.checkBindingEscalation(saUser('virtwork', 'ci'), roleBinding('virtwork', 'kill', { kind: 'ClusterRole', name: 'pod-killer' }), 'virtwork'));
    expect(e.message).toBe(
      'rolebindings.rbac.authorization.k8s.io "kill" is forbidden: user "system:serviceaccount:virtwork:ci" (groups=["system:serviceaccounts" "system:serviceaccounts:virtwork" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    );
  });

  it('lets a binding through when the user holds all the rules of the role', () => {
    const { seed, guard } = setup();
    seed.clusterRole('cm-view', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }]);
    expect(() => guard.checkBindingEscalation(user('alice'), roleBinding('virtwork', 'v', { kind: 'ClusterRole', name: 'cm-view' }), 'virtwork')).not.toThrow();
  });

  it('lets `bind` on the referenced role through, in the namespace where it is granted', () => {
    const { seed, guard } = setup();
    seed.clusterRole('binder', [{ verbs: ['bind'], apiGroups: [RBAC], resources: ['clusterroles'], resourceNames: ['pod-killer'] }]);
    seed.roleBinding('virtwork', 'binder', { kind: 'ClusterRole', name: 'binder' }, [{ kind: 'User', name: 'alice' }]);
    const b = roleBinding('virtwork', 'kill', { kind: 'ClusterRole', name: 'pod-killer' });
    expect(() => guard.checkBindingEscalation(user('alice'), b, 'virtwork')).not.toThrow();
    expect(() => guard.checkBindingEscalation(user('alice'), { ...b, metadata: { name: 'kill', namespace: 'default' } }, 'default')).toThrow(/not currently held/);
    // A ClusterRoleBinding is checked at cluster scope, where alice has no `bind`.
    const crb = { ...b, kind: 'ClusterRoleBinding', metadata: { name: 'kill' } };
    expect(() => guard.checkBindingEscalation(user('alice'), crb, '')).toThrow(/^clusterrolebindings.rbac.authorization.k8s.io "kill" is forbidden/);
  });

  it('answers 404 for a binding to a role that does not exist', () => {
    const { guard } = setup();
    const e = thrown(() => guard.checkBindingEscalation(user('alice'), roleBinding('virtwork', 'x', { kind: 'ClusterRole', name: 'missing' }), 'virtwork'));
    expect(e.code).toBe(404);
    expect(e.message).toBe('clusterroles.rbac.authorization.k8s.io "missing" not found');
  });

  it('reports resolution errors of the user own bindings in the message', () => {
    const { seed, guard } = setup();
    seed.roleBinding('virtwork', 'broken', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }]);
    expect(thrown(() => guard.checkBindingEscalation(user('alice'), roleBinding('virtwork', 'k', { kind: 'ClusterRole', name: 'pod-killer' }), 'virtwork')).message).toMatch(
      /Verbs:\["delete"\]}; resolution errors: \[roles.rbac.authorization.k8s.io "gone" not found\]$/,
    );
  });
});

describe('Covers', () => {
  const r = (x: RuleSpec) => toPolicyRule(x);

  it('covers a subresource with */subresource but not the resource itself', () => {
    const owner = [r({ verbs: ['get'], apiGroups: [''], resources: ['*/status'] })];
    expect(covers(owner, [r({ verbs: ['get'], apiGroups: [''], resources: ['pods/status'] })]).covered).toBe(true);
    expect(covers(owner, [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })]).covered).toBe(false);
  });

  it('a name-limited owner rule never covers an unlimited one', () => {
    const owner = [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] })];
    expect(covers(owner, [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] })]).covered).toBe(false);
    expect(covers(owner, [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] })]).covered).toBe(true);
  });

  it('covers URLs by prefix and lists what is missing compacted and sorted', () => {
    const owner = [r({ verbs: ['get'], nonResourceURLs: ['/apis/*'] })];
    expect(covers(owner, [r({ verbs: ['get'], nonResourceURLs: ['/apis/x'] })]).covered).toBe(true);
    const { missing } = covers(owner, [
      r({ verbs: ['get'], nonResourceURLs: ['/metrics'] }),
      r({ verbs: ['watch', 'list'], apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], resourceNames: ['vm1'] }),
    ]);
    expect(describeMissing(missing)).toBe(
      '{APIGroups:["kubevirt.io"], Resources:["virtualmachines"], ResourceNames:["vm1"], Verbs:["list"]}\n' +
        '{APIGroups:["kubevirt.io"], Resources:["virtualmachines"], ResourceNames:["vm1"], Verbs:["watch"]}\n' +
        '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    );
  });
});
