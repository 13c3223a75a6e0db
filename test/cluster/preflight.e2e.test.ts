// Preflight against the simulated cluster with the real client-node: upstream
// and OpenShift flavours, no KubeVirt, a single node, a missing namespace, a
// namespace admin on KubeVirt v1.7 (no virtualmachines/migrate) and v1.4
// (may migrate), the vmim trigger, targets and their reasons, an existing
// controller, and connections that cannot work.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect } from '../../src/cluster/connection.js';
import { type PreflightCheck, type PreflightReport, PREFLIGHT_CHECKS, pinTools, runPreflight } from '../../src/cluster/preflight.js';
import { renderManifests } from '../../src/cloudinit/manifests.js';
import { STATUS_MAP_NAME, VM_NAME, controllerLabels } from '../../src/cloudinit/names.js';
import { type SettingsInput, parseSettings } from '../../src/cloudinit/settings.js';
import { makeClusterTls } from '../../src/sim/api/tls.js';
import { eventually } from '../helpers/https.js';
import { type TestCluster, testCluster } from '../helpers/sim.js';

const NS = 'virtwork';
const settings = (input: SettingsInput = {}) => parseSettings({ runId: 'preflight-test', ...input });
const byId = (r: PreflightReport, id: string): PreflightCheck => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} check in ${JSON.stringify(r.checks.map((x) => x.id))}`);
  return c;
};

function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'preflight-')), name);
}

/** A Connection as a minted user bound to ClusterRoles. */
function connectAs(t: TestCluster, user: string, roles: { name: string; namespace?: string }[], namespace = NS): Connection {
  const token = t.cluster.mintUser(user, roles);
  const path = tempPath('kubeconfig');
  t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor(user, token));
  return connect({ kubeconfig: path, namespace });
}

/** Runs the command line a fix names (`... runs: kubectl create rolebinding ...`) as the cluster admin. */
async function runFix(t: TestCluster, fix: string): Promise<void> {
  const cmd = /runs: kubectl (.+)$/.exec(fix)?.[1];
  if (!cmd) throw new Error(`no kubectl command in fix: ${fix}`);
  const r = await t.kubectl(cmd.split(' '));
  if (r.exitCode !== 0) throw new Error(`kubectl ${cmd}: ${r.stderr}`);
}

describe('upstream KubeVirt v1.7', () => {
  let t: TestCluster;
  let admin: Connection;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'kubevirt', kubevirtVersion: 'v1.7.1', nodes: 3, vms: 10, seed: 7, failureRate: 0, runControllerVms: false });
    admin = connect({ kubeconfig: t.kubeconfigPath, namespace: NS });
  });
  afterAll(() => t.stop());

  it('lets the cluster admin deploy, reporting every check as it completes', async () => {
    const seen: string[] = [];
    const r = await runPreflight(admin, settings(), { onCheck: (c) => seen.push(c.id) });
    expect(r.blocked).toBe(false);
    expect(r.checks.map((c) => c.id)).toEqual(PREFLIGHT_CHECKS.map((c) => c.id));
    expect([...seen].sort()).toEqual(PREFLIGHT_CHECKS.map((c) => c.id).sort());
    expect(seen[0]).toBe('api');
    expect(r.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(r.kubevirt).toMatchObject({ version: 'v1.7.1', gitVersion: 'v1.7.1', flavor: 'kubevirt', namespace: 'kubevirt', crName: 'kubevirt' });
    expect(r.kubevirt?.limits).toMatchObject({ parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2, completionTimeoutPerGiB: 150 });
    expect(r.kubernetesVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(r.virtctl).toEqual({ version: 'v1.7.1', url: 'https://github.com/kubevirt/kubevirt/releases/download/v1.7.1/virtctl-v1.7.1-linux-{arch}', source: 'github' });
    expect(r.kubectl).toEqual({ version: r.kubernetesVersion, url: `https://dl.k8s.io/release/${r.kubernetesVersion}/bin/linux/{arch}/kubectl` });
    expect(r.nodes.schedulable).toEqual(['kv-worker-01', 'kv-worker-02', 'kv-worker-03']);
    expect(r.nodes.unschedulable).toEqual([{ name: 'kv-control-plane-01', reason: expect.stringContaining('tainted node-role.kubernetes.io/control-plane:NoSchedule') }]);
    expect(r.namespaceExists).toBe(true);
    expect(r.permissions.missing).toEqual([]);
    expect(r.existingController).toBeUndefined();
    const pinned = pinTools(settings(), r, {});
    expect(pinned).toMatchObject({ virtctlVersion: 'v1.7.1', virtctlUrl: undefined, kubectlVersion: r.kubernetesVersion });
  });

  it('judges each virtwork VMI: disk and database VMs on ReadWriteOnce storage are not live-migratable', async () => {
    const r = await runPreflight(admin, settings({ migrationExcludeComponents: 'memory' }));
    const t0 = (name: string) => r.targets.find((x) => x.name === name);
    expect(r.targets).toHaveLength(10);
    expect(t0('virtwork-cpu-0')).toEqual({ name: 'virtwork-cpu-0', component: 'cpu', eligible: true, reason: 'eligible' });
    for (const name of ['virtwork-disk-0', 'virtwork-database-1']) {
      expect(t0(name)).toMatchObject({ eligible: false, reason: expect.stringMatching(/^not live-migratable: DisksNotLiveMigratable \(.*ReadWriteMany/) });
    }
    expect(t0('virtwork-memory-0')).toMatchObject({ eligible: false, reason: expect.stringContaining('excluded component memory') });
    expect(byId(r, 'targets')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^4 of 10 virtwork VMIs in virtwork can be migrated now/) });
  });

  it('warns, without blocking, when no target is eligible', async () => {
    const r = await runPreflight(admin, settings({ migrationTargetLabels: 'app.kubernetes.io/component=disk' }));
    expect(r.blocked).toBe(false);
    expect(byId(r, 'targets')).toMatchObject({ status: 'warn', detail: expect.stringContaining('none of the 10 virtwork VMIs in virtwork can be migrated now') });
    expect(r.targets.find((x) => x.name === 'virtwork-cpu-0')).toMatchObject({ eligible: false, reason: expect.stringContaining('migration-target-labels') });
    expect(byId(r, 'targets').detail).toMatch(/\(\d+ not selected by migration-target-labels; 2 not live-migratable: DisksNotLiveMigratable\)/);
  });

  it('blocks when the namespace does not exist', async () => {
    const r = await runPreflight(connect({ kubeconfig: t.kubeconfigPath, namespace: 'nowhere' }), settings({ namespace: 'nowhere' }));
    expect(r.blocked).toBe(true);
    expect(r.namespaceExists).toBe(false);
    expect(byId(r, 'namespace')).toEqual({
      id: 'namespace',
      title: 'Namespace',
      status: 'block',
      detail: 'namespace nowhere does not exist',
      fix: expect.stringContaining('kubectl create namespace nowhere'),
    });
  });

  it('tells a namespace admin that v1.7 withholds virtualmachines/migrate, with the kubevirt.io:migrate fix, and passes once it is bound', async () => {
    const alice = connectAs(t, 'alice', [{ name: 'admin', namespace: NS }]);
    const r = await runPreflight(alice, settings());
    expect(r.blocked).toBe(true);
    const perm = byId(r, 'permissions');
    expect(perm.status).toBe('block');
    expect(perm.detail).toContain('alice lacks 3 permissions');
    expect(perm.detail).toContain('update virtualmachines/migrate (subresources.kubevirt.io)');
    const fix = 'a cluster admin runs: kubectl create rolebinding kubevirt-migrate --clusterrole=kubevirt.io:migrate --user=alice -n virtwork';
    expect(r.permissions.missing).toEqual([
      { what: expect.stringMatching(/^patch virtualmachineinstancemigrations \(kubevirt\.io\) in virtwork: the controller's Role grants it/), fix },
      { what: expect.stringMatching(/^delete virtualmachineinstancemigrations \(kubevirt\.io\) in virtwork/), fix },
      { what: expect.stringMatching(/^update virtualmachines\/migrate \(subresources\.kubevirt\.io\) in virtwork/), fix },
    ]);
    // A namespace admin cannot list nodes: that is unknown, not a reason to stop.
    expect(byId(r, 'nodes').status).toBe('warn');
    expect(r.checks.filter((c) => c.status === 'block').map((c) => c.id)).toEqual(['permissions']);

    await runFix(t, fix);
    const after = await eventually(async () => {
      const again = await runPreflight(alice, settings());
      return again.blocked ? undefined : again;
    }, 10_000, 200);
    expect(after.permissions.missing).toEqual([]);
    expect(byId(after, 'permissions').status).toBe('ok');
  });

  it('asks a namespace admin for create on migrations with the vmim trigger, not for virtualmachines/migrate', async () => {
    const bob = connectAs(t, 'bob', [{ name: 'admin', namespace: NS }]);
    const r = await runPreflight(bob, settings({ trigger: 'vmim' }));
    const whats = r.permissions.missing.map((m) => m.what.split(' in ')[0]);
    expect(whats).toEqual(['create virtualmachineinstancemigrations (kubevirt.io)', 'delete virtualmachineinstancemigrations (kubevirt.io)']);
    expect(r.permissions.missing.every((m) => m.fix.includes('--clusterrole=kubevirt.io:migrate --user=bob'))).toBe(true);
  });

  it('lists what a viewer lacks for deploy itself, with the admin fix', async () => {
    const carol = connectAs(t, 'carol', [{ name: 'view', namespace: NS }]);
    const r = await runPreflight(carol, settings());
    const whats = r.permissions.missing.map((m) => m.what);
    expect(whats.some((w) => w.startsWith('create roles (rbac.authorization.k8s.io) in virtwork: deploy creates the Role'))).toBe(true);
    expect(r.permissions.missing.find((m) => m.what.startsWith('create secrets'))?.fix).toBe(
      'a namespace or cluster admin runs: kubectl create rolebinding virtwork-admin --clusterrole=admin --user=carol -n virtwork',
    );
  });

  it('reports a controller already deployed (run id, state) and never counts it as a target', async () => {
    const s = settings({ runId: 'run-42' });
    const vm = renderManifests(s).find((o) => o.kind === 'VirtualMachine')!;
    const custom = admin.custom;
    await custom.createNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: NS, plural: 'virtualmachines', body: vm });
    await admin.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: STATUS_MAP_NAME, namespace: NS, labels: controllerLabels('run-42') }, data: { state: 'idle' } },
    });
    const r = await eventually(async () => {
      const x = await runPreflight(admin, s);
      return x.targets.some((tg) => tg.name === VM_NAME) ? x : undefined;
    }, 15_000, 200);
    expect(r.existingController).toEqual({ vm: VM_NAME, runId: 'run-42', state: 'idle' });
    expect(byId(r, 'controller')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${VM_NAME} of run run-42 is already deployed in virtwork`) });
    expect(r.targets.find((tg) => tg.name === VM_NAME)).toMatchObject({ eligible: false, reason: 'the controller itself', component: 'chaos-migration' });
    expect(byId(r, 'targets').detail).toMatch(/^6 of 10 virtwork VMIs/);
    expect(r.blocked).toBe(false);
    // Clean up for the tests after this one.
    await custom.deleteNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: NS, plural: 'virtualmachines', name: VM_NAME });
    await admin.core.deleteNamespacedConfigMap({ name: STATUS_MAP_NAME, namespace: NS });
  });

  it('sees a migration in flight', async () => {
    await admin.custom.createNamespacedCustomObject({
      group: 'kubevirt.io',
      version: 'v1',
      namespace: NS,
      plural: 'virtualmachineinstancemigrations',
      body: { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name: 'busy-cpu-1', namespace: NS }, spec: { vmiName: 'virtwork-cpu-1' } },
    });
    const r = await runPreflight(admin, settings());
    expect(r.targets.find((x) => x.name === 'virtwork-cpu-1')).toMatchObject({ eligible: false, reason: expect.stringMatching(/^migration in flight( \(busy-cpu-1)?/) });
  });
});

describe('OpenShift Virtualization', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'openshift', kubevirtVersion: 'v1.7.1', nodes: 3, vms: 5, seed: 3, runControllerVms: false });
  });
  afterAll(() => t.stop());

  it("normalises the git-described version and pins the cluster's own virtctl download", async () => {
    const r = await runPreflight(connect({ kubeconfig: t.kubeconfigPath, namespace: NS }), settings());
    expect(r.blocked).toBe(false);
    expect(r.kubevirt).toMatchObject({ version: 'v1.7.1', gitVersion: 'v1.7.1-23-g1a2b3c4d5e', flavor: 'openshift', namespace: 'openshift-cnv', crName: 'kubevirt-kubevirt-hyperconverged' });
    expect(byId(r, 'kubevirt').detail).toBe('v1.7.1 (OpenShift Virtualization, reported as v1.7.1-23-g1a2b3c4d5e; CR openshift-cnv/kubevirt-kubevirt-hyperconverged Deployed)');
    expect(r.virtctl).toEqual({
      version: 'v1.7.1',
      url: 'https://hyperconverged-cluster-cli-download-openshift-cnv.apps.virt.ocp.example.com/{arch}/linux/virtctl.tar.gz',
      source: 'cluster',
    });
    expect(pinTools(settings(), r, {})).toMatchObject({ virtctlVersion: 'v1.7.1', virtctlUrl: r.virtctl?.url });
    // --virtctl-url wins.
    const flagged = await runPreflight(connect({ kubeconfig: t.kubeconfigPath, namespace: NS }), settings({ virtctlUrl: 'https://mirror.example.com/virtctl-{arch}' }));
    expect(flagged.virtctl).toEqual({ version: 'v1.7.1', url: 'https://mirror.example.com/virtctl-{arch}', source: 'flag' });
  });
});

describe('no KubeVirt', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'none', nodes: 3, vms: 0 });
  });
  afterAll(() => t.stop());

  it('blocks, saying KubeVirt is not installed', async () => {
    const conn = connect({ kubeconfig: t.kubeconfigPath, namespace: NS });
    const r = await runPreflight(conn, settings());
    expect(r.blocked).toBe(true);
    expect(r.kubevirt).toBeUndefined();
    expect(r.virtctl).toBeUndefined();
    expect(byId(r, 'kubevirt')).toMatchObject({ status: 'block', detail: `KubeVirt is not installed: the API group kubevirt.io is not served by ${conn.server}` });
  });
});

describe('a single node', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'kubevirt', nodes: 1, vms: 2, seed: 1, runControllerVms: false });
  });
  afterAll(() => t.stop());

  it('blocks unless --allow-single-node, which warns', async () => {
    const conn = connect({ kubeconfig: t.kubeconfigPath, namespace: NS });
    const r = await runPreflight(conn, settings());
    expect(r.blocked).toBe(true);
    expect(byId(r, 'nodes')).toMatchObject({ status: 'block', detail: 'live migration needs at least two schedulable nodes; found 1: kv-node-01', fix: expect.stringContaining('--allow-single-node') });
    expect(r.nodes).toEqual({ schedulable: ['kv-node-01'], unschedulable: [] });
    const allowed = await runPreflight(conn, settings(), { allowSingleNode: true });
    expect(allowed.blocked).toBe(false);
    expect(byId(allowed, 'nodes')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^live migration needs at least two schedulable nodes; found 1: kv-node-01 \(going on because of --allow-single-node/) });
  });
});

describe('KubeVirt v1.4', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'kubevirt', kubevirtVersion: 'v1.4.1', nodes: 2, vms: 5, seed: 2, runControllerVms: false });
  });
  afterAll(() => t.stop());

  it('lets a namespace admin deploy: admin may still migrate before v1.5', async () => {
    const alice = connectAs(t, 'alice', [{ name: 'admin', namespace: NS }]);
    const r = await runPreflight(alice, settings());
    expect(r.permissions.missing).toEqual([]);
    expect(byId(r, 'permissions').status).toBe('ok');
    expect(r.blocked).toBe(false);
    expect(r.kubevirt?.version).toBe('v1.4.1');
    expect(r.virtctl?.url).toBe('https://github.com/kubevirt/kubevirt/releases/download/v1.4.1/virtctl-v1.4.1-linux-{arch}');
  });
});

describe('connections that cannot work', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'kubevirt', nodes: 2, vms: 0 });
  });
  afterAll(() => t.stop());

  async function closedPort(): Promise<number> {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }

  async function onlyApi(kubeconfig: string): Promise<PreflightCheck> {
    const seen: PreflightCheck[] = [];
    const r = await runPreflight(connect({ kubeconfig, namespace: NS }), settings(), { onCheck: (c) => seen.push(c) });
    expect(r.blocked).toBe(true);
    expect(r.checks).toHaveLength(1);
    expect(seen).toEqual(r.checks);
    return r.checks[0]!;
  }

  it('an unreachable API server is one sentence', async () => {
    const path = tempPath('kubeconfig');
    const port = await closedPort();
    t.cluster.api.writeKubeconfig(path, { ...t.cluster.api.adminKubeconfig(), server: `https://127.0.0.1:${port}` });
    const c = await onlyApi(path);
    expect(c).toEqual({ id: 'api', title: 'API server', status: 'block', detail: `Cannot reach the API server at https://127.0.0.1:${port}: connection refused. Is the cluster up, and is this the right context?` });
  });

  it('a kubeconfig with the wrong CA is one sentence about TLS', async () => {
    const path = tempPath('kubeconfig');
    t.cluster.api.writeKubeconfig(path, { ...t.cluster.api.adminKubeconfig(), caPem: (await makeClusterTls()).caPem });
    const c = await onlyApi(path);
    expect(c.detail).toMatch(new RegExp(`^The TLS connection to ${t.cluster.api.url.replace(/[.]/g, '\\.')} failed \\([A-Z_]+\\): the server's certificate is not trusted`));
    expect(c.detail).not.toContain('\n');
  });

  it('expired credentials are one sentence', async () => {
    const path = tempPath('kubeconfig');
    t.cluster.api.writeKubeconfig(path, { ...t.cluster.api.adminKubeconfig(), token: 'expired-token' });
    const c = await onlyApi(path);
    expect(c.detail).toContain('refused the credentials in your kubeconfig (401 Unauthorized)');
  });
});
