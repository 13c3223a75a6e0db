// What tells the clusters apart, as the product probes it: OpenShift
// Virtualization (openshift-cnv, the HCO-named KubeVirt CR, a git-described
// virt-api version, the ConsoleCLIDownload serving virtctl, OpenShift API
// groups), upstream KubeVirt, and a cluster with no KubeVirt at all (no
// kubevirt.io in discovery, `kubectl get vmi` failing as without the CRD).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, testCluster } from '../../helpers/sim.js';
import { type Any, NS, getJson, ok } from './kv.js';

describe('the openshift flavour', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'openshift', vms: 5, nodes: 2, speed: 25, seed: 2 });
  });
  afterAll(() => t.stop());

  it('installs KubeVirt in openshift-cnv as kubevirt-kubevirt-hyperconverged, Deployed', async () => {
    const list = await getJson(t.kubectl, ['kubevirts', '-A']);
    expect(list.items.map((k: Any) => `${k.metadata.namespace}/${k.metadata.name}`)).toEqual(['openshift-cnv/kubevirt-kubevirt-hyperconverged']);
    const kv = list.items[0];
    expect(kv.status).toMatchObject({ phase: 'Deployed', observedKubeVirtVersion: 'v1.7.1-23-g1a2b3c4d5e', targetKubeVirtVersion: 'v1.7.1-23-g1a2b3c4d5e' });
    expect(kv.metadata.labels).toMatchObject({ app: 'kubevirt-hyperconverged', 'app.kubernetes.io/managed-by': 'hco-operator' });
    // HCO's live-migration defaults and eviction strategy.
    expect(kv.spec.configuration.migrations).toMatchObject({ parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2, completionTimeoutPerGiB: 150, progressTimeout: 150 });
    expect(kv.spec.configuration.evictionStrategy).toBe('LiveMigrate');
    const hco = await getJson(t.kubectl, ['hyperconverged', 'kubevirt-hyperconverged', '-n', 'openshift-cnv']);
    expect(hco.spec.liveMigrationConfig).toMatchObject({ parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2 });
  });

  it('reports a git-described gitVersion from virt-api', async () => {
    const v = JSON.parse(await ok(t.kubectl, ['get', '--raw', '/apis/subresources.kubevirt.io/v1/version']));
    expect(v).toMatchObject({ gitVersion: 'v1.7.1-23-g1a2b3c4d5e', gitTreeState: 'clean', compiler: 'gc', platform: 'linux/amd64' });
    expect(Object.keys(v).sort()).toEqual(['buildDate', 'compiler', 'gitCommit', 'gitTreeState', 'gitVersion', 'goVersion', 'platform']);
  });

  it('serves virtctl through the ConsoleCLIDownload with its links', async () => {
    const d = await getJson(t.kubectl, ['consoleclidownload', 'virtctl-clidownloads-kubevirt-hyperconverged']);
    const host = 'https://hyperconverged-cluster-cli-download-openshift-cnv.apps.virt.ocp.example.com';
    expect(d.spec.displayName).toBe('virtctl - KubeVirt command line interface');
    expect(d.spec.links).toContainEqual({ href: `${host}/amd64/linux/virtctl.tar.gz`, text: 'Download virtctl for Linux for x86_64' });
    expect(d.spec.links.map((l: Any) => l.href.slice(host.length))).toEqual([
      '/amd64/linux/virtctl.tar.gz',
      '/arm64/linux/virtctl.tar.gz',
      '/s390x/linux/virtctl.tar.gz',
      '/amd64/mac/virtctl.zip',
      '/arm64/mac/virtctl.zip',
      '/amd64/windows/virtctl.zip',
      '/arm64/windows/virtctl.zip',
    ]);
    // The jsonpath users script against.
    const href = await ok(t.kubectl, ['get', 'consoleclidownload', 'virtctl-clidownloads-kubevirt-hyperconverged', '-o', 'jsonpath={.spec.links[?(@.text=="Download virtctl for Linux for x86_64")].href}']);
    expect(href).toBe(`${host}/amd64/linux/virtctl.tar.gz`);
    const route = await getJson(t.kubectl, ['route', 'hyperconverged-cluster-cli-download', '-n', 'openshift-cnv']);
    expect(`https://${route.spec.host}`).toBe(host);
  });

  it('lists the OpenShift API groups in discovery', async () => {
    const groups = (JSON.parse(await ok(t.kubectl, ['get', '--raw', '/apis'])).groups as Any[]).map((g) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['kubevirt.io', 'subresources.kubevirt.io', 'cdi.kubevirt.io', 'console.openshift.io', 'config.openshift.io', 'route.openshift.io', 'hco.kubevirt.io']));
    const cv = await getJson(t.kubectl, ['clusterversion', 'version']);
    expect(cv.status.desired.version).toMatch(/^4\.\d+\.\d+$/);
  });

  it('names nodes and pod IPs as OpenShift does', async () => {
    const out = await ok(t.kubectl, ['get', 'nodes', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name']);
    expect(out.trim().split('\n')).toEqual(['master-0.virt.ocp.example.com', 'worker-0.virt.ocp.example.com', 'worker-1.virt.ocp.example.com']);
    const roles = await ok(t.kubectl, ['get', 'node', 'master-0.virt.ocp.example.com', '--no-headers']);
    expect(roles).toMatch(/Ready\s+control-plane,master\s/);
    const vmis = await getJson(t.kubectl, ['vmi', '-n', NS]);
    for (const v of vmis.items) {
      expect(v.status.nodeName).toMatch(/^worker-\d\.virt\.ocp\.example\.com$/);
      expect(v.status.interfaces[0].ipAddress).toMatch(/^10\.128\./);
    }
  });
});

describe('the upstream flavour', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 0, nodes: 2, speed: 25, seed: 4, kubevirtVersion: 'v1.6.2' });
  });
  afterAll(() => t.stop());

  it('installs KubeVirt in namespace kubevirt as kubevirt with the default migration limits', async () => {
    const kv = await getJson(t.kubectl, ['kv', 'kubevirt', '-n', 'kubevirt']);
    expect(kv.status).toMatchObject({ phase: 'Deployed', observedKubeVirtVersion: 'v1.6.2' });
    expect(kv.spec.configuration.migrations).toMatchObject({ parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2, bandwidthPerMigration: '0Mi', completionTimeoutPerGiB: 150, progressTimeout: 150, allowPostCopy: false, allowAutoConverge: false, nodeDrainTaintKey: 'kubevirt.io/drain' });
    expect(kv.spec.configuration.evictionStrategy).toBeUndefined();
    const v = JSON.parse(await ok(t.kubectl, ['get', '--raw', '/apis/subresources.kubevirt.io/v1/version']));
    expect(v.gitVersion).toBe('v1.6.2');
    const groups = (JSON.parse(await ok(t.kubectl, ['get', '--raw', '/apis'])).groups as Any[]).map((g) => g.name);
    expect(groups.some((g) => g.endsWith('openshift.io'))).toBe(false);
    expect((await t.kubectl(['get', 'consoleclidownloads'])).stderr).toContain(`the server doesn't have a resource type "consoleclidownloads"`);
  });

  it('lists virt-api subresources in discovery as virt-api does: names only, so api-resources shows none', async () => {
    const doc = JSON.parse(await ok(t.kubectl, ['get', '--raw', '/apis/subresources.kubevirt.io/v1']));
    const migrate = (doc.resources as Any[]).find((r) => r.name === 'virtualmachines/migrate');
    expect(migrate).toMatchObject({ name: 'virtualmachines/migrate', namespaced: true, kind: '' });
    expect(migrate.verbs ?? []).toEqual([]);
    expect((doc.resources as Any[]).map((r) => r.name)).not.toContain('version');
    expect((await ok(t.kubectl, ['api-resources', '--api-group=subresources.kubevirt.io', '-o', 'name'])).trim()).toBe('');
  });

  it('labels worker nodes schedulable for VMs and keeps the control plane tainted', async () => {
    const nodes = (await getJson(t.kubectl, ['nodes'])).items as Any[];
    const workers = nodes.filter((n) => 'node-role.kubernetes.io/worker' in n.metadata.labels);
    expect(workers).toHaveLength(2);
    for (const n of workers) {
      expect(n.metadata.labels).toMatchObject({ 'kubevirt.io/schedulable': 'true', 'kubernetes.io/hostname': n.metadata.name });
      expect(n.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
      expect(n.status.allocatable).toMatchObject({ cpu: expect.any(String), memory: expect.any(String), 'devices.kubevirt.io/kvm': '1k' });
    }
    const cp = nodes.find((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels);
    expect(cp.spec.taints).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
    expect(cp.metadata.labels['kubevirt.io/schedulable']).toBeUndefined();
  });
});

describe('the none flavour', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'none', nodes: 2 });
  });
  afterAll(() => t.stop());

  it('has no KubeVirt API groups in discovery', async () => {
    const groups = (JSON.parse(await ok(t.kubectl, ['get', '--raw', '/apis'])).groups as Any[]).map((g) => g.name);
    expect(groups.filter((g) => g.includes('kubevirt'))).toEqual([]);
    const resources = await ok(t.kubectl, ['api-resources', '-o', 'name']);
    expect(resources).not.toMatch(/kubevirt/);
    expect(resources.split('\n')).toContain('nodes');
    const r = await t.kubectl(['get', '--raw', '/apis/subresources.kubevirt.io/v1/version']);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): the server could not find the requested resource');
  });

  it('fails kubectl get vmi as a cluster without the CRD does', async () => {
    const r = await t.kubectl(['get', 'vmi', '-A']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe('error: the server doesn\'t have a resource type "vmi"');
    const full = await t.kubectl(['get', 'virtualmachineinstancemigrations.kubevirt.io', '-A']);
    expect(full.stderr.trim()).toBe('error: the server doesn\'t have a resource type "virtualmachineinstancemigrations"');
  });

  it('still has plain nodes, without KubeVirt labels', async () => {
    const nodes = (await getJson(t.kubectl, ['nodes'])).items as Any[];
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.metadata.labels['kubevirt.io/schedulable']).toBeUndefined();
  });
});
