// Authentication and authorization over HTTPS: `kubectl auth can-i` (1.27 and
// 1.31 send JSON, 1.32+ protobuf) as the admin, as a ServiceAccount whose token
// the tokens controller filled in, and as a minted namespace admin; RBAC
// denials with the real Forbidden message; 401 for unknown and missing tokens;
// what system:authenticated may do; privilege-escalation prevention.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { eventually, raw } from '../../helpers/https.js';
import { kubectlRunner } from '../../helpers/kubectl.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
let saToken: string;
let sa: ReturnType<typeof kubectlRunner>;
let alice: ReturnType<typeof kubectlRunner>;
let aliceToken: string;
const SA_USER = 'system:serviceaccount:virtwork:robot';
const MINORS = [27, 31, undefined, 33];

function runnerFor(user: string, token: string, namespace?: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'sim-auth-')), 'kubeconfig');
  t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor(user, token, namespace));
  return kubectlRunner(path);
}

const rbac = (kind: string, name: string, body: Record<string, unknown>, namespace = 'virtwork'): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(kind.startsWith('Cluster') ? {} : { namespace }) },
  ...body,
});

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
  const c = t.cluster.api.client;
  c.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'virtwork' } });
  c.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name: 'robot-token', namespace: 'virtwork', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
  });
  c.create('roles.rbac.authorization.k8s.io', rbac('Role', 'robot', {
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['robot-visible'], verbs: ['get'] },
    ],
  }));
  c.create('rolebindings.rbac.authorization.k8s.io', rbac('RoleBinding', 'robot', {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'robot' },
    subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'virtwork' }],
  }));
  c.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'readable', namespace: 'virtwork' } });
  const secret = await eventually(() => (c.get('secrets', 'virtwork', 'robot-token')?.data as Record<string, string> | undefined)?.token);
  saToken = Buffer.from(secret, 'base64').toString('utf8');
  sa = runnerFor('robot', saToken, 'virtwork');
  aliceToken = t.cluster.mintUser('alice', [{ name: 'admin', namespace: 'virtwork' }]);
  alice = runnerFor('alice', aliceToken, 'virtwork');
});
afterAll(() => t.stop());

describe('the tokens controller', () => {
  it('fills token, ca.crt (the cluster CA) and namespace into a ServiceAccount token Secret', () => {
    const s = t.cluster.api.client.get('secrets', 'virtwork', 'robot-token')!;
    const data = s.data as Record<string, string>;
    const dec = (k: string) => Buffer.from(data[k]!, 'base64').toString('utf8');
    expect(Object.keys(data).sort()).toEqual(['ca.crt', 'namespace', 'token']);
    expect(dec('namespace')).toBe('virtwork');
    expect(dec('ca.crt')).toBe(t.cluster.api.caPem);
    expect(dec('token').split('.')).toHaveLength(3);
    expect(s.metadata.annotations?.['kubernetes.io/service-account.uid']).toBe(t.cluster.api.client.get('serviceaccounts', 'virtwork', 'robot')!.metadata.uid);
  });

  it('refuses a token Secret without the ServiceAccount annotation', async () => {
    const r = await raw(t.cluster.api, 'POST', '/api/v1/namespaces/virtwork/secrets', {
      body: { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'orphan-token' } },
    });
    expect(r.status).toBe(422);
    expect(r.json.message).toContain('metadata.annotations[kubernetes.io/service-account.name]: Required value');
  });
});

describe.each(MINORS.map((minor) => ({ minor })))('kubectl 1.$minor auth can-i', ({ minor }) => {
  it('as the admin: yes to everything', async () => {
    for (const args of [['create', 'configmaps', '-n', 'virtwork'], ['delete', 'nodes'], ['*', '*', '--all-namespaces']]) {
      const r = await t.kubectl(['auth', 'can-i', ...args], { minor });
      expect(r.stdout).toBe('yes');
      expect(r.exitCode).toBe(0);
    }
  });

  it('as a ServiceAccount: yes where RBAC allows it', async () => {
    for (const args of [['list', 'configmaps'], ['watch', 'configmaps', '-n', 'virtwork'], ['get', 'secrets/robot-visible'], ['create', 'selfsubjectaccessreviews.authorization.k8s.io']]) {
      const r = await sa(['auth', 'can-i', ...args], { minor });
      expect(r.stdout).toBe('yes');
      expect(r.exitCode).toBe(0);
    }
  });

  it('as a ServiceAccount: no (exit 1) where it does not', async () => {
    for (const args of [['delete', 'configmaps'], ['list', 'configmaps', '-n', 'default'], ['get', 'secrets/other'], ['list', 'secrets'], ['list', 'nodes']]) {
      const r = await sa(['auth', 'can-i', ...args], { minor });
      expect(r.stdout).toBe('no');
      expect(r.exitCode).toBe(1);
    }
  });

  it('as a namespace admin: yes in the namespace, no elsewhere', async () => {
    expect((await alice(['auth', 'can-i', 'create', 'roles.rbac.authorization.k8s.io'], { minor })).stdout).toBe('yes');
    const r = await alice(['auth', 'can-i', 'get', 'configmaps', '-n', 'default'], { minor });
    expect(r.stdout).toBe('no');
    expect(r.exitCode).toBe(1);
  });
});

describe('SelfSubjectAccessReview on the wire', () => {
  it('answers the review with allowed and the status it computed', async () => {
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'virtwork', verb: 'delete', resource: 'configmaps' } },
    };
    const no = await raw(t.cluster.api, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body, token: saToken });
    expect(no.status).toBe(201);
    expect(no.json.kind).toBe('SelfSubjectAccessReview');
    expect(no.json.status.allowed).toBe(false);
    const yes = await raw(t.cluster.api, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: { ...body, spec: { resourceAttributes: { ...body.spec.resourceAttributes, verb: 'list' } } },
      token: saToken,
    });
    expect(yes.json.status.allowed).toBe(true);
  });
});

describe('authorization denials', () => {
  it('kubectl prints the real Forbidden message for a ServiceAccount', async () => {
    const r = await sa(['delete', 'configmap', 'readable']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `Error from server (Forbidden): configmaps "readable" is forbidden: User "${SA_USER}" cannot delete resource "configmaps" in API group "" in the namespace "virtwork"`,
    );
    expect(t.cluster.api.client.get('configmaps', 'virtwork', 'readable')).toBeDefined();
  });

  it('names the group, omits the name for collections, says "at the cluster scope" for cluster resources', async () => {
    const roles = await raw(t.cluster.api, 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/virtwork/roles', { token: saToken });
    expect(roles.status).toBe(403);
    expect(roles.json).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      details: { group: 'rbac.authorization.k8s.io', kind: 'roles' },
      message: `roles.rbac.authorization.k8s.io is forbidden: User "${SA_USER}" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "virtwork"`,
    });
    const nodes = await raw(t.cluster.api, 'GET', '/api/v1/nodes', { token: saToken });
    expect(nodes.json.message).toBe(`nodes is forbidden: User "${SA_USER}" cannot list resource "nodes" in API group "" at the cluster scope`);
  });

  it('applies resourceNames: get of the named Secret only', async () => {
    t.cluster.api.client.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'robot-visible', namespace: 'virtwork' } });
    t.cluster.api.client.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hidden', namespace: 'virtwork' } });
    expect((await raw(t.cluster.api, 'GET', '/api/v1/namespaces/virtwork/secrets/robot-visible', { token: saToken })).status).toBe(200);
    const hidden = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/virtwork/secrets/hidden', { token: saToken });
    expect(hidden.status).toBe(403);
    expect(hidden.json.message).toBe(`secrets "hidden" is forbidden: User "${SA_USER}" cannot get resource "secrets" in API group "" in the namespace "virtwork"`);
  });

  it('lets a ServiceAccount do what its Role allows with kubectl', async () => {
    const r = await sa(['get', 'configmaps', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toContain('configmap/readable');
  });
});

describe('system:authenticated', () => {
  it('may read discovery, /version and /openapi/v3, and create access reviews, with no bindings of its own', async () => {
    t.cluster.api.client.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nobody', namespace: 'virtwork' } });
    t.cluster.api.client.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'nobody-token', namespace: 'virtwork', annotations: { 'kubernetes.io/service-account.name': 'nobody' } },
    });
    const data = await eventually(() => t.cluster.api.client.get('secrets', 'virtwork', 'nobody-token')?.data as Record<string, string> | undefined);
    const token = Buffer.from(data.token!, 'base64').toString('utf8');
    for (const p of ['/version', '/api', '/apis', '/api/v1', '/apis/rbac.authorization.k8s.io/v1', '/openapi/v3']) {
      expect([p, (await raw(t.cluster.api, 'GET', p, { token })).status]).toEqual([p, 200]);
    }
    const rules = await raw(t.cluster.api, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      token,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'virtwork' } },
    });
    expect(rules.status).toBe(201);
    expect(rules.json.status.resourceRules.some((r: { resources: string[] }) => r.resources.includes('selfsubjectaccessreviews'))).toBe(true);
    expect((await raw(t.cluster.api, 'GET', '/api/v1/namespaces/virtwork/configmaps', { token })).status).toBe(403);
    const nobody = runnerFor('nobody', token, 'virtwork');
    const r = await nobody(['auth', 'can-i', 'list', 'configmaps']);
    expect(r.stdout).toBe('no');
  });
});

describe('authentication', () => {
  it('answers 401 Unauthorized to an unknown token and to no token at all', async () => {
    for (const token of ['not-a-token', null]) {
      const r = await raw(t.cluster.api, 'GET', '/api/v1/namespaces', { token });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    // Even discovery needs a credential.
    expect((await raw(t.cluster.api, 'GET', '/version', { token: null })).status).toBe(401);
  });

  it('kubectl with a bad token reports that it must log in', async () => {
    const bad = runnerFor('mallory', 'bogus-token');
    const r = await bad(['get', 'configmaps', '-n', 'virtwork']);
    expect(r.exitCode).toBe(1);
    // Discovery is the first request to fail, so kubectl words it as client-go's discovery client does.
    expect(r.stderr).toContain('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
  });

  it("a ServiceAccount token stops working when its ServiceAccount is deleted", async () => {
    const c = t.cluster.api.client;
    c.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'temp', namespace: 'virtwork' } });
    c.create('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'temp-token', namespace: 'virtwork', annotations: { 'kubernetes.io/service-account.name': 'temp' } },
    });
    const data = await eventually(() => c.get('secrets', 'virtwork', 'temp-token')?.data as Record<string, string> | undefined);
    const token = Buffer.from(data.token!, 'base64').toString('utf8');
    expect((await raw(t.cluster.api, 'GET', '/api', { token })).status).toBe(200);
    c.delete('serviceaccounts', 'virtwork', 'temp');
    expect((await raw(t.cluster.api, 'GET', '/api', { token })).status).toBe(401);
  });
});

describe('privilege escalation prevention (namespace admin)', () => {
  it('may create a Role granting what it holds', async () => {
    const r = await alice(['create', 'role', 'cm-reader', '--verb=get,list', '--resource=configmaps']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('may not create a Role granting what it does not hold, with the real message', async () => {
    const r = await alice(['create', 'role', 'node-lister', '--verb=list', '--resource=nodes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io "node-lister" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["list"]}',
    );
    expect(t.cluster.api.client.get('roles.rbac.authorization.k8s.io', 'virtwork', 'node-lister')).toBeUndefined();
  });

  it('may not grant a verb it lacks on a resource it otherwise holds (escalate, bind)', async () => {
    const r = await raw(t.cluster.api, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/virtwork/roles', {
      token: aliceToken,
      body: rbac('Role', 'escalator', { rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }] }),
    });
    expect(r.status).toBe(403);
    expect(r.json.reason).toBe('Forbidden');
    expect(r.json.message).toContain('is attempting to grant RBAC permissions not currently held');
  });

  it('may not bind a role it does not hold', async () => {
    const r = await alice(['create', 'rolebinding', 'too-much', '--clusterrole=cluster-admin', '--user=bob']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('rolebindings.rbac.authorization.k8s.io "too-much" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:');
    expect(t.cluster.api.client.get('rolebindings.rbac.authorization.k8s.io', 'virtwork', 'too-much')).toBeUndefined();
  });

  it('may bind a role whose permissions it holds', async () => {
    const r = await alice(['create', 'rolebinding', 'fine', '--role=cm-reader', '--user=bob']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('may not touch RBAC in another namespace', async () => {
    const r = await alice(['create', 'role', 'elsewhere', '-n', 'default', '--verb=get', '--resource=configmaps']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('User "alice" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "default"');
  });
});
