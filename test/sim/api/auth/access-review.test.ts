import { describe, expect, it } from 'vitest';
import { selfSubjectAccessReview, selfSubjectRulesReview } from '../../../../src/sim/api/auth/access-review.js';
import { RbacAuthorizer } from '../../../../src/sim/api/auth/rbac.js';
import { readerFromStore } from '../../../../src/sim/api/auth/source.js';
import { StatusError } from '../../../../src/sim/api/errors.js';
import { Seed, user } from './seed.js';

function setup() {
  const seed = new Seed();
  seed.clusterRole('cm', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }]);
  seed.roleBinding('virtwork', 'cm', { kind: 'ClusterRole', name: 'cm' }, [{ kind: 'User', name: 'alice' }]);
  seed.clusterRole('disc', [{ verbs: ['get'], nonResourceURLs: ['/version'] }]);
  seed.clusterRoleBinding('disc', 'disc', [{ kind: 'Group', name: 'system:authenticated' }]);
  return { seed, authz: new RbacAuthorizer(readerFromStore(seed.store)) };
}

const ssar = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { creationTimestamp: null }) => ({
  kind: 'SelfSubjectAccessReview',
  apiVersion: 'authorization.k8s.io/v1',
  metadata,
  spec,
  status: { allowed: false },
});

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('SelfSubjectAccessReview', () => {
  it('answers allowed with the RBAC reason, echoing the spec as kubectl sent it', () => {
    const { authz } = setup();
    const out = selfSubjectAccessReview(authz, user('alice'), ssar({ resourceAttributes: { namespace: 'virtwork', verb: 'list', resource: 'configmaps' } }));
    expect(out).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'virtwork', verb: 'list', resource: 'configmaps' } },
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "cm/virtwork" of ClusterRole "cm" to User "alice"' },
    });
  });

  it('answers a denial with allowed false and no reason or denied field', () => {
    const { authz } = setup();
    const out = selfSubjectAccessReview(authz, user('alice'), ssar({ resourceAttributes: { namespace: 'default', verb: 'list', resource: 'configmaps' } }));
    expect(out.status).toEqual({ allowed: false });
  });

  it('answers non-resource reviews', () => {
    const { authz } = setup();
    const out = selfSubjectAccessReview(authz, user('bob'), ssar({ nonResourceAttributes: { path: '/version', verb: 'get' } }));
    expect(out.spec).toEqual({ nonResourceAttributes: { path: '/version', verb: 'get' } });
    expect(out.status).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "disc" of ClusterRole "disc" to Group "system:authenticated"' });
  });

  it('refuses both kinds of attributes with the real 422', () => {
    const { authz } = setup();
    const e = thrown(() =>
      selfSubjectAccessReview(authz, user('alice'), ssar({ resourceAttributes: { verb: 'get', resource: 'pods' }, nonResourceAttributes: { path: '/api', verb: 'get' } })),
    );
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/api", Verb:"get"}: cannot be specified in combination with resourceAttributes',
    );
    expect(e.details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: authorization.NonResourceAttributes{Path:"/api", Verb:"get"}: cannot be specified in combination with resourceAttributes',
        field: 'spec.nonResourceAttributes',
      },
    ]);
  });

  it('refuses neither kind of attributes, and a named review, together', () => {
    const { authz } = setup();
    const e = thrown(() => selfSubjectAccessReview(authz, user('alice'), ssar({}, { name: 'x' })));
    expect(e.message).toMatch(
      /^SelfSubjectAccessReview.authorization.k8s.io "" is invalid: \[spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, metadata: Invalid value: v1.ObjectMeta\{Name:"x", GenerateName:"", .*\}: must be empty\]$/,
    );
  });
});

describe('SelfSubjectRulesReview', () => {
  it('lists the rules in the namespace with an empty spec', () => {
    const { authz } = setup();
    const out = selfSubjectRulesReview(authz, user('alice'), { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace: 'virtwork' } });
    expect(out).toEqual({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: {
        resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }],
        incomplete: false,
      },
    });
  });

  it('reports resolution errors in evaluationError', () => {
    const { seed, authz } = setup();
    seed.roleBinding('virtwork', 'dangling', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }]);
    const out = selfSubjectRulesReview(authz, user('alice'), { spec: { namespace: 'virtwork' } });
    expect((out.status as Record<string, unknown>).evaluationError).toBe('role.rbac.authorization.k8s.io "gone" not found');
  });

  it('answers 400 without a namespace', () => {
    const { authz } = setup();
    const e = thrown(() => selfSubjectRulesReview(authz, user('alice'), { spec: {} }));
    expect(e.code).toBe(400);
    expect(e.message).toBe('no namespace on request');
  });
});
