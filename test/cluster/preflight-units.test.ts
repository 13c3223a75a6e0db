// The pure parts of preflight: version normalisation, the virtctl download
// template, pinning, node schedulability, target eligibility and the
// permission questions, without a cluster.
import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { migrationLimits, normaliseKubeVirtVersion, normaliseKubernetesVersion } from '../../src/cluster/kubevirt-version.js';
import { unschedulableReason } from '../../src/cluster/nodes.js';
import { describeNeed, isMigrateNeed, permissionNeeds, subjectFlag, userFromForbidden } from '../../src/cluster/permissions.js';
import type { PreflightReport } from '../../src/cluster/preflight.js';
import { judgeTarget, migrationsInFlight } from '../../src/cluster/targets.js';
import { chooseKubectl, chooseVirtctl, cliDownloadTemplate, pinTools } from '../../src/cluster/tools.js';
import { parseSettings } from '../../src/cloudinit/settings.js';

const settings = (input: Parameters<typeof parseSettings>[0] = {}) => parseSettings({ runId: 'r1', ...input });

describe('version normalisation', () => {
  it.each([
    ['v1.7.1', 'v1.7.1'],
    ['v1.7.1-23-g1a2b3c4d5e', 'v1.7.1'],
    ['v1.4.1-21-g146cc65682', 'v1.4.1'],
    ['1.5.2', 'v1.5.2'],
    ['v1.6.0-rc.1', 'v1.6.0-rc.1'],
    ['v1.6.0-rc.1-4-gabcdef0', 'v1.6.0-rc.1'],
    ['v1.7.1-dirty', 'v1.7.1'],
    ['v1.7.1+build.5', 'v1.7.1'],
  ])('KubeVirt %s -> %s', (reported, release) => {
    expect(normaliseKubeVirtVersion(reported)).toBe(release);
  });

  it('gives nothing for what names no release', () => {
    expect(normaliseKubeVirtVersion('')).toBeUndefined();
    expect(normaliseKubeVirtVersion('master')).toBeUndefined();
  });

  it.each([
    ['v1.33.5', 'v1.33.5'],
    ['v1.29.1-eks-b9c9ed7', 'v1.29.1'],
    ['v1.30.5-gke.1014001', 'v1.30.5'],
    ['v1.28.6+f1618d5', 'v1.28.6'],
  ])('Kubernetes %s -> %s', (reported, release) => {
    expect(normaliseKubernetesVersion(reported)).toBe(release);
  });

  it("fills KubeVirt's migration defaults under the CR's values", () => {
    const l = migrationLimits({ spec: { configuration: { migrations: { parallelMigrationsPerCluster: 10, bandwidthPerMigration: '64Mi' } } } });
    expect(l).toMatchObject({ parallelMigrationsPerCluster: 10, parallelOutboundMigrationsPerNode: 2, bandwidthPerMigration: '64Mi', completionTimeoutPerGiB: 150, progressTimeout: 150 });
    expect(migrationLimits(undefined).parallelMigrationsPerCluster).toBe(5);
  });
});

describe('virtctl and kubectl pinning', () => {
  const hcoLinks = {
    spec: {
      links: [
        { href: 'https://dl.apps.example.com/amd64/linux/virtctl.tar.gz', text: 'Download virtctl for Linux for x86_64' },
        { href: 'https://dl.apps.example.com/arm64/linux/virtctl.tar.gz', text: 'Download virtctl for Linux for ARM 64' },
        { href: 'https://dl.apps.example.com/amd64/mac/virtctl.zip', text: 'Download virtctl for Mac for x86_64' },
      ],
    },
  };

  it('turns the Linux x86_64 ConsoleCLIDownload link into an {arch} template', () => {
    expect(cliDownloadTemplate(hcoLinks)).toBe('https://dl.apps.example.com/{arch}/linux/virtctl.tar.gz');
    expect(cliDownloadTemplate({ spec: { links: [{ href: 'https://x/mac/amd64/virtctl.zip', text: 'Mac' }] } })).toBeUndefined();
    expect(cliDownloadTemplate(undefined)).toBeUndefined();
  });

  const kv = { version: 'v1.7.1', gitVersion: 'v1.7.1-23-g1a2b3c4d5e', flavor: 'openshift' as const, namespace: 'openshift-cnv', crName: 'kubevirt-kubevirt-hyperconverged', limits: {} };

  it('prefers --virtctl-url, then the cluster download, then GitHub', () => {
    expect(chooseVirtctl(settings({ virtctlUrl: 'https://mirror/virtctl-{arch}' }), kv, { cliDownload: hcoLinks }).pin).toEqual({
      version: 'v1.7.1',
      url: 'https://mirror/virtctl-{arch}',
      source: 'flag',
    });
    expect(chooseVirtctl(settings(), kv, { cliDownload: hcoLinks }).pin?.source).toBe('cluster');
    const gh = chooseVirtctl(settings(), { ...kv, flavor: 'kubevirt' }, {});
    expect(gh.pin).toEqual({ version: 'v1.7.1', url: 'https://github.com/kubevirt/kubevirt/releases/download/v1.7.1/virtctl-v1.7.1-linux-{arch}', source: 'github' });
    expect(gh.check.status).toBe('ok');
  });

  it('warns on OpenShift without a cluster download, where GitHub may be out of reach', () => {
    const c = chooseVirtctl(settings(), kv, {}).check;
    expect(c.status).toBe('warn');
    expect(c.fix).toContain('--virtctl-url');
  });

  it('pins kubectl to the server release, and warns when the server names none', () => {
    expect(chooseKubectl(settings(), 'v1.31.2', 'v1.31.2').pin).toEqual({ version: 'v1.31.2', url: 'https://dl.k8s.io/release/v1.31.2/bin/linux/{arch}/kubectl' });
    expect(chooseKubectl(settings(), undefined, 'weird').check.status).toBe('warn');
  });

  const report = (virtctl: PreflightReport['virtctl']): PreflightReport => ({
    checks: [],
    blocked: false,
    virtctl,
    kubectl: { version: 'v1.31.2', url: 'https://dl.k8s.io/release/v1.31.2/bin/linux/{arch}/kubectl' },
    nodes: { schedulable: [], unschedulable: [] },
    permissions: { missing: [] },
    namespaceExists: true,
    targets: [],
  });

  it('pins the tools from the report unless the user chose them', () => {
    const cluster = report({ version: 'v1.7.1', url: 'https://dl/{arch}/linux/virtctl.tar.gz', source: 'cluster' });
    const pinned = pinTools(settings(), cluster, {});
    expect(pinned).toMatchObject({ virtctlVersion: 'v1.7.1', virtctlUrl: 'https://dl/{arch}/linux/virtctl.tar.gz', kubectlVersion: 'v1.31.2', kubectlUrl: undefined });
    // A chosen virtctl version comes from GitHub: the cluster serves only its own.
    const own = pinTools(settings({ virtctlVersion: 'v1.6.0' }), cluster, { virtctlVersion: true, kubectlVersion: true });
    expect(own).toMatchObject({ virtctlVersion: 'v1.6.0', virtctlUrl: undefined, kubectlVersion: 'v1.33.5' });
    const url = pinTools(settings({ virtctlUrl: 'https://m/v-{arch}' }), cluster, { virtctlUrl: true });
    expect(url).toMatchObject({ virtctlUrl: 'https://m/v-{arch}', virtctlVersion: 'v1.7.1' });
    expect(pinTools(settings(), report({ version: 'v1.5.2', url: 'x', source: 'github' }), {})).toMatchObject({ virtctlVersion: 'v1.5.2', virtctlUrl: undefined });
  });
});

describe('node schedulability', () => {
  const node = (o: { ready?: string; cordoned?: boolean; taints?: { key: string; effect: string }[]; label?: string }): V1Node => ({
    metadata: { name: 'n', labels: o.label === undefined ? {} : { 'kubevirt.io/schedulable': o.label } },
    spec: { unschedulable: o.cordoned, taints: o.taints },
    status: { conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady' }] },
  });

  it('needs Ready, uncordoned, untainted and labelled by virt-handler', () => {
    expect(unschedulableReason(node({ label: 'true' }))).toBeUndefined();
    expect(unschedulableReason(node({ label: 'true', taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }))).toBeUndefined();
    expect(unschedulableReason(node({ label: 'true', ready: 'False' }))).toBe('not Ready (KubeletReady)');
    expect(unschedulableReason(node({ label: 'true', cordoned: true }))).toBe('cordoned');
    expect(unschedulableReason(node({ label: 'true', taints: [{ key: 'kubevirt.io/drain', effect: 'NoSchedule' }] }))).toBe('tainted kubevirt.io/drain:NoSchedule');
    expect(unschedulableReason(node({ label: 'false' }))).toBe('kubevirt.io/schedulable=false (virt-handler is not ready there)');
    expect(unschedulableReason(node({}))).toContain('no kubevirt.io/schedulable=true label');
  });
});

describe('target eligibility', () => {
  const vmi = (name: string, o: { component?: string; phase?: string; live?: [string, string?, string?]; labels?: Record<string, string>; owner?: boolean; deleting?: boolean } = {}) => ({
    metadata: {
      name,
      namespace: 'virtwork',
      uid: `uid-${name}`,
      labels: { 'app.kubernetes.io/managed-by': 'virtwork', ...(o.component ? { 'app.kubernetes.io/component': o.component } : {}), ...o.labels },
      ...(o.owner === false ? {} : { ownerReferences: [{ kind: 'VirtualMachine', name, uid: 'u' }] }),
      ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      nodeName: 'w1',
      conditions: o.live ? [{ type: 'LiveMigratable', status: o.live[0], reason: o.live[1], message: o.live[2] }] : [{ type: 'LiveMigratable', status: 'True' }],
    },
  });
  const s = settings({ migrationExcludeComponents: 'memory' });
  const none = new Map<string, { name: string; phase: string }>();
  const reason = (v: ReturnType<typeof vmi>, st = s, inFlight = none) => judgeTarget(v, st, inFlight).reason;

  it("uses the shared verdict (src/state/eligibility.ts) and adds KubeVirt's message", () => {
    expect(judgeTarget(vmi('virtwork-cpu-0', { component: 'cpu' }), s, none)).toEqual({ name: 'virtwork-cpu-0', component: 'cpu', eligible: true, reason: 'eligible' });
    expect(judgeTarget(vmi('virtwork-chaos-migration-0', { component: 'chaos-migration' }), s, none).eligible).toBe(false);
    expect(reason(vmi('virtwork-memory-0', { component: 'memory' }))).toContain('memory');
    expect(reason(vmi('a', { phase: 'Scheduling' }))).toContain('Scheduling');
    expect(reason(vmi('a', { live: ['False', 'DisksNotLiveMigratable', 'PVC a-data is not shared'] }))).toMatch(/^not live-migratable: DisksNotLiveMigratable.* \(PVC a-data is not shared\)$/);
    expect(judgeTarget(vmi('a', { owner: false }), s, none).eligible).toBe(false);
    expect(judgeTarget(vmi('a', { owner: false }), settings({ trigger: 'vmim' }), none).eligible).toBe(true);
    expect(judgeTarget(vmi('a', { labels: { tier: 'gold' } }), settings({ migrationTargetLabels: 'tier=silver' }), none).eligible).toBe(false);
  });

  it('knows migrations in flight from the namespace VMIMs, and names the migration', () => {
    const inFlight = migrationsInFlight([
      { metadata: { name: 'm1' }, spec: { vmiName: 'a' }, status: { phase: 'Running' } },
      { metadata: { name: 'm0' }, spec: { vmiName: 'b' }, status: { phase: 'Succeeded' } },
    ]);
    expect(reason(vmi('a'), s, inFlight)).toMatch(/in flight \(m1, Running\)$/);
    expect(judgeTarget(vmi('b'), s, inFlight).eligible).toBe(true);
  });
});

describe('permission questions', () => {
  it("asks for deploy's writes and every rule of the Role for the trigger", () => {
    const v = permissionNeeds(settings()).map(describeNeed);
    expect(v).toContain('create roles (rbac.authorization.k8s.io)');
    expect(v).toContain('patch virtualmachines (kubevirt.io) named virtwork-chaos-migration-0');
    expect(v).toContain('update virtualmachines/migrate (subresources.kubevirt.io)');
    expect(v).toContain('get configmaps named virtwork-chaos-migration-status');
    expect(v).not.toContain('create virtualmachineinstancemigrations (kubevirt.io)');
    const m = permissionNeeds(settings({ trigger: 'vmim' })).map(describeNeed);
    expect(m).toContain('create virtualmachineinstancemigrations (kubevirt.io)');
    expect(m).not.toContain('update virtualmachines/migrate (subresources.kubevirt.io)');
  });

  it('knows which needs only kubevirt.io:migrate grants', () => {
    expect(isMigrateNeed({ verb: 'update', group: 'subresources.kubevirt.io', resource: 'virtualmachines', subresource: 'migrate' })).toBe(true);
    expect(isMigrateNeed({ verb: 'create', group: 'kubevirt.io', resource: 'virtualmachineinstancemigrations' })).toBe(true);
    expect(isMigrateNeed({ verb: 'list', group: 'kubevirt.io', resource: 'virtualmachineinstancemigrations' })).toBe(false);
  });

  it('names the subject of the fix', () => {
    expect(userFromForbidden('nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope')).toBe('alice');
    expect(subjectFlag('alice')).toBe('--user=alice');
    expect(subjectFlag('system:serviceaccount:ci:robot')).toBe('--serviceaccount=ci:robot');
    expect(subjectFlag(undefined)).toContain('kubectl auth whoami');
  });
});
