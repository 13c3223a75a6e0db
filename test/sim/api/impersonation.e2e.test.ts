// Impersonation (`kubectl --as`, `--as-group`) and `kubectl auth whoami`: the
// admin may act as anyone and then gets that identity's answers; a user
// without `impersonate` gets the real 403, never the caller's rights.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlRunner } from '../../helpers/kubectl.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
let alice: ReturnType<typeof kubectlRunner>;

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 });
  const c = t.cluster.api.client;
  c.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'viewer', namespace: 'virtwork' } });
  c.create('rolebindings.rbac.authorization.k8s.io', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewer', namespace: 'virtwork' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: 'virtwork' }],
  });
  const token = t.cluster.mintUser('alice', [{ name: 'admin', namespace: 'virtwork' }]);
  const path = join(mkdtempSync(join(tmpdir(), 'sim-imp-')), 'kubeconfig');
  t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor('alice', token));
  alice = kubectlRunner(path);
});

afterAll(() => t?.stop());

describe('impersonation', () => {
  it("answers `--as` a ServiceAccount with the ServiceAccount's rights, not the admin's", async () => {
    const as = '--as=system:serviceaccount:virtwork:viewer';
    expect((await t.kubectl(['auth', 'can-i', 'list', 'configmaps', '-n', 'virtwork', as])).stdout.trim()).toBe('yes');
    const denied = await t.kubectl(['auth', 'can-i', 'create', 'configmaps', '-n', 'virtwork', as]);
    expect(denied.stdout.trim()).toBe('no');
    expect(denied.exitCode).toBe(1);
    const write = await t.kubectl(['create', 'configmap', 'x', '-n', 'virtwork', as]);
    expect(write.stderr).toContain('User "system:serviceaccount:virtwork:viewer" cannot create resource "configmaps"');
  });

  it('refuses impersonation to a user without the impersonate verb, with the real Forbidden', async () => {
    // kubectl's discovery already fails (it prints the 403 without its text); a raw request shows the Status.
    const r = await alice(['get', 'configmaps', '-n', 'virtwork', '--as=bob']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error from server (Forbidden)');
    const raw = await alice(['get', '--raw', '/api/v1/namespaces/virtwork/configmaps', '--as=bob']);
    expect(raw.stderr).toContain('users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('checks every impersonated group', async () => {
    const r = await t.kubectl(['auth', 'whoami', '--as=carol', '--as-group=devs', '--as-group=ops', '-o', 'jsonpath={.status.userInfo.groups}']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['devs', 'ops', 'system:authenticated']);
    const denied = await alice(['auth', 'whoami', '--as=alice', '--as-group=system:masters']);
    expect(denied.exitCode).toBe(1);
    expect(denied.stdout).not.toContain('system:masters');
  });
});

describe('kubectl auth whoami', () => {
  it('names the caller and its groups (kubectl 1.29 sends JSON, 1.33 protobuf)', async () => {
    for (const minor of [29, 33]) {
      const r = await alice(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { minor });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('alice');
    }
  });
});
