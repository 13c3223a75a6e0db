import { afterEach, describe, expect, it } from 'vitest';
import { AggregationController } from '../../../../src/sim/api/auth/aggregation-controller.js';
import { Authenticator } from '../../../../src/sim/api/auth/authenticator.js';
import { ensureBootstrapPolicy } from '../../../../src/sim/api/auth/bootstrap.js';
import { EscalationGuard } from '../../../../src/sim/api/auth/escalation.js';
import { RbacAuthorizer } from '../../../../src/sim/api/auth/rbac.js';
import { KEYS, rulesOf } from '../../../../src/sim/api/auth/rbac-types.js';
import { TokenSigner } from '../../../../src/sim/api/auth/sa-token.js';
import { mintUser } from '../../../../src/sim/api/auth/users.js';
import { testCluster } from './cluster.js';
import { res } from './seed.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

async function bootedCluster() {
  const { client, store } = testCluster();
  ensureBootstrapPolicy(client);
  const agg = new AggregationController(client);
  agg.start();
  stops.push(() => agg.stop());
  await agg.idle();
  const authz = new RbacAuthorizer(client);
  stops.push(() => authz.dispose());
  const auth = new Authenticator(client, new TokenSigner());
  return { client, store, agg, authz, auth };
}

describe('bootstrap policy', () => {
  it('creates the default roles and bindings with the real labels and annotations', async () => {
    const { client } = await bootedCluster();
    const admin = client.get(KEYS.clusterRoles, undefined, 'cluster-admin')!;
    expect(admin.metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(admin.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    expect(client.get(KEYS.clusterRoles, undefined, 'edit')!.metadata.labels).toEqual({
      'kubernetes.io/bootstrapping': 'rbac-defaults',
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
    const pub = client.get(KEYS.clusterRoleBindings, undefined, 'system:public-info-viewer')!;
    expect(pub.subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:unauthenticated' },
    ]);
  });

  it('gives every user discovery and self reviews, and anonymous only public info', async () => {
    const { authz, auth } = await bootedCluster();
    const anyone = { name: 'nobody', groups: ['system:authenticated'] };
    expect(authz.authorize(anyone, { resourceRequest: false, verb: 'get', path: '/apis/kubevirt.io/v1' }).allowed).toBe(true);
    expect(authz.authorize(anyone, res('create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io' })).allowed).toBe(true);
    const anon = auth.authenticateRequest(undefined)!;
    expect(authz.authorize(anon, { resourceRequest: false, verb: 'get', path: '/version' }).allowed).toBe(true);
    expect(authz.authorize(anon, { resourceRequest: false, verb: 'get', path: '/api' }).allowed).toBe(false);
  });

  it('is idempotent and keeps roles annotated autoupdate "false" as they are', async () => {
    const { client } = await bootedCluster();
    client.modify(KEYS.clusterRoles, undefined, 'system:discovery', (o) => {
      o.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
      o.rules = [{ verbs: ['get'], nonResourceURLs: ['/version'] }];
      return o;
    });
    const before = client.get(KEYS.clusterRoles, undefined, 'cluster-admin')!.metadata.resourceVersion;
    ensureBootstrapPolicy(client);
    expect(client.get(KEYS.clusterRoles, undefined, 'cluster-admin')!.metadata.resourceVersion).toBe(before);
    expect(client.get(KEYS.clusterRoles, undefined, 'system:discovery')!.rules).toEqual([{ verbs: ['get'], nonResourceURLs: ['/version'] }]);
  });
});

describe('aggregation controller', () => {
  it('fills admin, edit and view through the chain of labels', async () => {
    const { client } = await bootedCluster();
    const has = (role: string, resource: string, verb: string) =>
      rulesOf(client.get(KEYS.clusterRoles, undefined, role)).some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
    expect(has('view', 'configmaps', 'list')).toBe(true);
    expect(has('view', 'secrets', 'get')).toBe(false);
    expect(has('edit', 'secrets', 'get')).toBe(true);
    expect(has('edit', 'roles', 'create')).toBe(false);
    expect(has('admin', 'roles', 'create')).toBe(true);
    expect(has('admin', 'configmaps', 'list')).toBe(true);
  });

  it('adds a newly labelled role and writes nothing when nothing changes', async () => {
    const { client, store, agg } = await bootedCluster();
    let writes = 0;
    stops.push(store.subscribe(KEYS.clusterRoles, (ev) => ev.object.metadata.name === 'view' && writes++));
    client.create(KEYS.clusterRoles, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubevirt.io:view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['kubevirt.io'], resources: ['virtualmachines'] }],
    });
    await agg.idle();
    expect(writes).toBe(1);
    expect(rulesOf(client.get(KEYS.clusterRoles, undefined, 'admin')).some((r) => r.apiGroups.includes('kubevirt.io'))).toBe(true);
    client.create(KEYS.clusterRoles, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'unrelated' }, rules: [] });
    await agg.idle();
    expect(writes).toBe(1);
  });
});

describe('minted users', () => {
  it('a namespace admin works in its namespace only, and cannot bind cluster-admin', async () => {
    const { client, authz, auth } = await bootedCluster();
    const token = mintUser(client, auth, { name: 'alice', clusterRoles: [{ name: 'admin', namespace: 'virtwork' }] });
    const alice = auth.authenticate(token)!;
    expect(alice).toEqual({ name: 'alice', groups: ['system:authenticated'] });
    expect(authz.authorize(alice, res('create', 'configmaps', { namespace: 'virtwork' })).allowed).toBe(true);
    expect(authz.authorize(alice, res('create', 'rolebindings', { group: 'rbac.authorization.k8s.io', namespace: 'virtwork' })).allowed).toBe(true);
    expect(authz.authorize(alice, res('create', 'configmaps', { namespace: 'default' })).allowed).toBe(false);
    expect(authz.authorize(alice, res('list', 'namespaces')).allowed).toBe(false);
    const guard = new EscalationGuard(authz);
    const binding = (role: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `bob-${role}`, namespace: 'virtwork' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' }],
    });
    // Holding everything `edit` grants in virtwork, alice may hand it on there; cluster-admin she may not.
    expect(() => guard.checkBindingEscalation(alice, binding('edit'), 'virtwork')).not.toThrow();
    expect(() => guard.checkBindingEscalation(alice, binding('cluster-admin'), 'virtwork')).toThrow(/is attempting to grant RBAC permissions not currently held/);
  });

  it('a cluster-wide user gets a ClusterRoleBinding, and minting again reuses it', async () => {
    const { client, authz, auth } = await bootedCluster();
    const t1 = mintUser(client, auth, { name: 'viewer', groups: ['ops'], clusterRoles: [{ name: 'view' }] });
    const t2 = mintUser(client, auth, { name: 'viewer', clusterRoles: [{ name: 'view' }], token: 'fixed' });
    expect(t2).toBe('fixed');
    expect(auth.authenticate(t1)!.groups).toEqual(['ops', 'system:authenticated']);
    expect(client.list(KEYS.clusterRoleBindings).filter((b) => b.roleRef && (b.roleRef as { name: string }).name === 'view')).toHaveLength(1);
    expect(authz.authorize(auth.authenticate('fixed')!, res('list', 'configmaps')).allowed).toBe(true);
  });
});
