import { describe, expect, it } from 'vitest';
import { forbiddenError } from '../../../../src/sim/api/auth/forbidden.js';
import { RbacAuthorizer } from '../../../../src/sim/api/auth/rbac.js';
import { readerFromStore } from '../../../../src/sim/api/auth/source.js';
import { Seed, path, res, saUser, user } from './seed.js';

function setup() {
  const seed = new Seed();
  const authz = new RbacAuthorizer(readerFromStore(seed.store));
  return { seed, authz };
}

describe('RBAC rule matching', () => {
  it('resourceNames allow get of that name but never list, watch or create', () => {
    const { seed, authz } = setup();
    seed.role('ns', 'one-cm', [{ verbs: ['get', 'list', 'watch', 'create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] }]);
    seed.roleBinding('ns', 'b', { kind: 'Role', name: 'one-cm' }, [{ kind: 'User', name: 'alice' }]);
    const alice = user('alice');
    expect(authz.authorize(alice, res('get', 'configmaps', { namespace: 'ns', name: 'cfg' })).allowed).toBe(true);
    expect(authz.authorize(alice, res('get', 'configmaps', { namespace: 'ns', name: 'other' })).allowed).toBe(false);
    expect(authz.authorize(alice, res('list', 'configmaps', { namespace: 'ns' })).allowed).toBe(false);
    expect(authz.authorize(alice, res('watch', 'configmaps', { namespace: 'ns' })).allowed).toBe(false);
    expect(authz.authorize(alice, res('create', 'configmaps', { namespace: 'ns' })).allowed).toBe(false);
  });

  it('a subresource needs its own rule; */status grants only subresources', () => {
    const { seed, authz } = setup();
    seed.clusterRole('pods-only', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]);
    seed.clusterRole('any-status', [{ verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }]);
    seed.clusterRoleBinding('a', 'pods-only', [{ kind: 'User', name: 'alice' }]);
    seed.clusterRoleBinding('b', 'any-status', [{ kind: 'User', name: 'bob' }]);
    expect(authz.authorize(user('alice'), res('update', 'pods', { namespace: 'x', name: 'p', subresource: 'status' })).allowed).toBe(false);
    expect(authz.authorize(user('alice'), res('update', 'pods', { namespace: 'x', name: 'p' })).allowed).toBe(true);
    const bob = user('bob');
    expect(authz.authorize(bob, res('update', 'virtualmachines', { group: 'kubevirt.io', namespace: 'x', name: 'v', subresource: 'status' })).allowed).toBe(true);
    expect(authz.authorize(bob, res('update', 'virtualmachines', { group: 'kubevirt.io', namespace: 'x', name: 'v' })).allowed).toBe(false);
    expect(authz.authorize(bob, res('update', 'virtualmachines', { group: 'kubevirt.io', namespace: 'x', name: 'v', subresource: 'migrate' })).allowed).toBe(false);
  });

  it('a RoleBinding to a ClusterRole grants it in the binding namespace only', () => {
    const { seed, authz } = setup();
    seed.clusterRole('cm-admin', [{ verbs: ['*'], apiGroups: [''], resources: ['configmaps'] }]);
    seed.roleBinding('virtwork', 'b', { kind: 'ClusterRole', name: 'cm-admin' }, [{ kind: 'User', name: 'alice' }]);
    const alice = user('alice');
    expect(authz.authorize(alice, res('list', 'configmaps', { namespace: 'virtwork' }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "b/virtwork" of ClusterRole "cm-admin" to User "alice"',
    });
    expect(authz.authorize(alice, res('list', 'configmaps', { namespace: 'default' })).allowed).toBe(false);
    // Across all namespaces (namespace ''), only ClusterRoleBindings count.
    expect(authz.authorize(alice, res('list', 'configmaps')).allowed).toBe(false);
  });

  it('a ServiceAccount subject defaults to the RoleBinding namespace, and to nothing in a ClusterRoleBinding', () => {
    const { seed, authz } = setup();
    seed.clusterRole('reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]);
    seed.roleBinding('virtwork', 'sa-read', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'chaos' }]);
    seed.clusterRoleBinding('sa-everywhere', 'reader', [{ kind: 'ServiceAccount', name: 'chaos' }]);
    expect(authz.authorize(saUser('virtwork', 'chaos'), res('get', 'secrets', { namespace: 'virtwork', name: 's' }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "sa-read/virtwork" of ClusterRole "reader" to ServiceAccount "chaos/virtwork"',
    });
    expect(authz.authorize(saUser('other', 'chaos'), res('get', 'secrets', { namespace: 'virtwork', name: 's' })).allowed).toBe(false);
    expect(authz.authorize(saUser('virtwork', 'chaos'), res('get', 'secrets', { namespace: 'default', name: 's' })).allowed).toBe(false);
  });

  it('Group subjects match group membership, and reasons name the ClusterRoleBinding', () => {
    const { seed, authz } = setup();
    seed.clusterRole('viewer', [{ verbs: ['get', 'list'], apiGroups: ['kubevirt.io'], resources: ['*'] }]);
    seed.clusterRoleBinding('ops-view', 'viewer', [{ kind: 'Group', name: 'ops' }]);
    expect(authz.authorize(user('carol', 'ops'), res('list', 'virtualmachineinstances', { group: 'kubevirt.io' }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "ops-view" of ClusterRole "viewer" to Group "ops"',
    });
    expect(authz.authorize(user('dave'), res('list', 'virtualmachineinstances', { group: 'kubevirt.io' })).allowed).toBe(false);
    expect(authz.authorize(user('carol', 'ops'), res('list', 'virtualmachineinstances', { group: 'cdi.kubevirt.io' })).allowed).toBe(false);
  });

  it('system:masters is allowed with no reason; denial has an empty reason', () => {
    const { authz } = setup();
    expect(authz.authorize(user('root', 'system:masters'), res('delete', 'nodes', { name: 'n1' }))).toEqual({ allowed: true, reason: '' });
    expect(authz.authorize(user('nobody'), res('get', 'nodes', { name: 'n1' }))).toEqual({ allowed: false, reason: '' });
  });

  it('a binding to a missing role denies with the lister wording', () => {
    const { seed, authz } = setup();
    seed.clusterRoleBinding('dangling', 'nope', [{ kind: 'User', name: 'alice' }]);
    seed.roleBinding('ns', 'dangling-role', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }]);
    expect(authz.authorize(user('alice'), res('get', 'pods', { namespace: 'ns', name: 'p' }))).toEqual({
      allowed: false,
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "nope" not found, role.rbac.authorization.k8s.io "gone" not found]',
    });
  });

  it('nonResourceURLs match exactly or by a trailing *', () => {
    const { seed, authz } = setup();
    seed.clusterRole('disc', [{ verbs: ['get'], nonResourceURLs: ['/apis/*', '/version'] }]);
    seed.clusterRoleBinding('disc', 'disc', [{ kind: 'Group', name: 'system:authenticated' }]);
    const u = user('u');
    expect(authz.authorize(u, path('get', '/apis/kubevirt.io/v1')).allowed).toBe(true);
    expect(authz.authorize(u, path('get', '/apis/')).allowed).toBe(true);
    expect(authz.authorize(u, path('get', '/apis')).allowed).toBe(false);
    expect(authz.authorize(u, path('get', '/version')).allowed).toBe(true);
    expect(authz.authorize(u, path('get', '/version/')).allowed).toBe(false);
    expect(authz.authorize(u, path('post', '/version')).allowed).toBe(false);
    // A resource rule never grants a path.
    seed.clusterRole('all-res', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    seed.clusterRoleBinding('all-res', 'all-res', [{ kind: 'User', name: 'v' }]);
    expect(authz.authorize(user('v'), path('get', '/metrics')).allowed).toBe(false);
  });

  it('sees bindings written after an earlier decision', () => {
    const { seed, authz } = setup();
    expect(authz.authorize(user('alice'), res('list', 'secrets', { namespace: 'ns' })).allowed).toBe(false);
    seed.clusterRole('s', [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }]);
    seed.roleBinding('ns', 'late', { kind: 'ClusterRole', name: 's' }, [{ kind: 'User', name: 'alice' }]);
    expect(authz.authorize(user('alice'), res('list', 'secrets', { namespace: 'ns' })).allowed).toBe(true);
    seed.store.remove('rolebindings.rbac.authorization.k8s.io', 'ns', 'late');
    expect(authz.authorize(user('alice'), res('list', 'secrets', { namespace: 'ns' })).allowed).toBe(false);
  });

  it('rulesFor lists resource and non-resource rules from both binding kinds', () => {
    const { seed, authz } = setup();
    seed.clusterRole('disc', [{ verbs: ['get'], nonResourceURLs: ['/version'] }]);
    seed.clusterRoleBinding('disc', 'disc', [{ kind: 'Group', name: 'system:authenticated' }]);
    seed.role('ns', 'r', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }]);
    seed.roleBinding('ns', 'rb', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'alice' }]);
    expect(authz.rulesFor(user('alice'), 'ns')).toEqual({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }],
      incomplete: false,
    });
    expect(authz.rulesFor(user('alice'), 'other').resourceRules).toEqual([]);
  });
});

describe('Forbidden messages', () => {
  const alice = user('alice');

  it('names the object, the core group as "", and the namespace', () => {
    const e = forbiddenError(alice, res('get', 'configmaps', { namespace: 'virtwork', name: 'cfg' }));
    expect(e.code).toBe(403);
    expect(e.reason).toBe('Forbidden');
    expect(e.message).toBe('configmaps "cfg" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "virtwork"');
    expect(e.toStatus().details).toEqual({ name: 'cfg', kind: 'configmaps' });
  });

  it('has no name part for list and create, and says cluster scope without a namespace', () => {
    expect(forbiddenError(alice, res('list', 'configmaps', { namespace: 'virtwork' })).message).toBe(
      'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "virtwork"',
    );
    expect(forbiddenError(alice, res('list', 'nodes')).message).toBe('nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it('qualifies the resource with its group and shows the subresource', () => {
    const e = forbiddenError(saUser('ns', 'sa'), res('update', 'virtualmachines', { group: 'subresources.kubevirt.io', namespace: 'ns', name: 'my-vm', subresource: 'migrate' }));
    expect(e.message).toBe(
      'virtualmachines.subresources.kubevirt.io "my-vm" is forbidden: User "system:serviceaccount:ns:sa" cannot update resource "virtualmachines/migrate" in API group "subresources.kubevirt.io" in the namespace "ns"',
    );
  });

  it('appends the authorizer reason, and words non-resource paths', () => {
    expect(forbiddenError(alice, res('list', 'services'), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found').message).toBe(
      'services is forbidden: User "alice" cannot list resource "services" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    );
    const e = forbiddenError(user('system:anonymous'), path('get', '/foo'));
    expect(e.message).toBe('forbidden: User "system:anonymous" cannot get path "/foo"');
    expect(e.toStatus().details).toEqual({});
  });
});
