// The seeded virtwork fleet as kubectl and client-node see it: VMs named and
// labelled as virtwork names them, components round-robin, VMIs Running on
// schedulable worker nodes with kubevirt.io/nodeName labels, disk and database
// VMs on ReadWriteOnce storage (not live-migratable) unless --rwx, and the
// columns `kubectl get vm,vmi,vmim` prints.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, testCluster } from '../../helpers/sim.js';
import { type Any, NS, getJson, ok, vmimYaml, waitFor } from './kv.js';

const COMPONENTS = ['cpu', 'memory', 'disk', 'database', 'network'];
const header = (table: string) => table.split('\n')[0]!.trim().split(/\s+/);

describe('a seeded fleet of ten', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 10, nodes: 3, speed: 25, seed: 13, failureRate: 0 });
  });
  afterAll(() => t.stop());

  it('has two VMs of each component with virtwork names and labels', async () => {
    const vms = (await getJson(t.kubectl, ['vm', '-n', NS])).items as Any[];
    expect(vms.map((v) => v.metadata.name).sort()).toEqual(COMPONENTS.flatMap((c) => [`virtwork-${c}-0`, `virtwork-${c}-1`]).sort());
    for (const vm of vms) {
      const component = vm.metadata.name.split('-')[1];
      expect(vm.metadata.labels).toEqual({
        'app.kubernetes.io/name': `virtwork-${component}`,
        'app.kubernetes.io/managed-by': 'virtwork',
        'app.kubernetes.io/component': component,
        'virtwork/run-id': t.cluster.runId,
      });
      expect(vm.spec.runStrategy).toBe('Always');
      expect(vm.status).toMatchObject({ printableStatus: 'Running', ready: true, created: true });
      const cloudInit = vm.spec.template.spec.volumes.find((v: Any) => v.cloudInitNoCloud).cloudInitNoCloud;
      expect(cloudInit).toEqual({ secretRef: { name: `${vm.metadata.name}-cloudinit` } });
    }
    const secrets = await ok(t.kubectl, ['get', 'secrets', '-n', NS, '-l', 'app.kubernetes.io/managed-by=virtwork', '-o', 'name']);
    expect(secrets.trim().split('\n')).toHaveLength(10);
  });

  it('runs every VMI on a schedulable worker, labelled with its node', async () => {
    const nodes = (await getJson(t.kubectl, ['nodes', '-l', 'kubevirt.io/schedulable=true'])).items.map((n: Any) => n.metadata.name);
    expect(nodes).toHaveLength(3);
    const vmis = (await getJson(t.kubectl, ['vmi', '-n', NS])).items as Any[];
    expect(vmis).toHaveLength(10);
    for (const v of vmis) {
      expect(v.status.phase).toBe('Running');
      expect(nodes).toContain(v.status.nodeName);
      expect(v.metadata.labels['kubevirt.io/nodeName']).toBe(v.status.nodeName);
      expect(v.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'VirtualMachine', name: v.metadata.name, controller: true })]);
      expect(v.status.phaseTransitionTimestamps.map((p: Any) => p.phase)).toEqual(['Pending', 'Scheduling', 'Scheduled', 'Running']);
      expect(v.status.interfaces[0].ipAddress).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(Object.values(v.status.activePods)).toEqual([v.status.nodeName]);
    }
    // Spread over the nodes, not piled on one.
    expect(new Set(vmis.map((v) => v.status.nodeName)).size).toBe(3);
  });

  it('puts disk and database VMs on ReadWriteOnce DataVolumes, so they are not live-migratable', async () => {
    const vmis = (await getJson(t.kubectl, ['vmi', '-n', NS])).items as Any[];
    for (const v of vmis) {
      const live = v.status.conditions.find((c: Any) => c.type === 'LiveMigratable');
      const component = v.metadata.labels['app.kubernetes.io/component'];
      if (component === 'disk' || component === 'database') {
        expect(live).toMatchObject({ status: 'False', reason: 'DisksNotLiveMigratable' });
        const pvc = await getJson(t.kubectl, ['pvc', `${v.metadata.name}-data`, '-n', NS]);
        expect(pvc.status).toMatchObject({ phase: 'Bound', accessModes: ['ReadWriteOnce'] });
        const dv = await getJson(t.kubectl, ['dv', `${v.metadata.name}-data`, '-n', NS]);
        expect(dv.status.phase).toBe('Succeeded');
      } else {
        expect(live.status).toBe('True');
      }
    }
  });

  it('prints the columns real CRDs declare for kubectl get vm,vmi,vmim', async () => {
    await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml('columns', 'virtwork-cpu-0') });
    await waitFor(t.kubectl, ['vmim', 'columns', '-n', NS], (m) => m.status?.phase === 'Succeeded');
    const out = await ok(t.kubectl, ['get', 'vm,vmi,vmim', '-n', NS]);
    const tables = out.trim().split(/\n\s*\n/);
    expect(tables).toHaveLength(3);
    expect(header(tables[0]!)).toEqual(['NAME', 'AGE', 'STATUS', 'READY']);
    expect(header(tables[1]!)).toEqual(['NAME', 'AGE', 'PHASE', 'IP', 'NODENAME', 'READY']);
    expect(header(tables[2]!)).toEqual(['NAME', 'PHASE', 'VMI']);
    expect(tables[0]).toMatch(/^virtualmachine\.kubevirt\.io\/virtwork-cpu-0\s+\d+s\s+Running\s+True$/m);
    expect(tables[1]).toMatch(/^virtualmachineinstance\.kubevirt\.io\/virtwork-cpu-0\s+\d+s\s+Running\s+10\.244\.\d+\.\d+\s+kv-worker-0\d\s+True$/m);
    expect(tables[2]).toMatch(/^virtualmachineinstancemigration\.kubevirt\.io\/columns\s+Succeeded\s+virtwork-cpu-0$/m);
    const wide = await ok(t.kubectl, ['get', 'vmi', '-n', NS, '-o', 'wide']);
    expect(header(wide)).toEqual(['NAME', 'AGE', 'PHASE', 'IP', 'NODENAME', 'READY', 'LIVE-MIGRATABLE', 'PAUSED']);
    expect(wide).toMatch(/^virtwork-disk-0\s+\S+\s+Running\s+\S+\s+\S+\s+True\s+False\s*$/m);
  });

  it('lists the fleet through client-node with a label selector', async () => {
    const api = t.kc.makeApiClient(CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: NS, plural: 'virtualmachineinstances', labelSelector: 'app.kubernetes.io/component in (disk,database)' })) as Any;
    expect(list.items.map((v: Any) => v.metadata.name).sort()).toEqual(['virtwork-database-0', 'virtwork-database-1', 'virtwork-disk-0', 'virtwork-disk-1']);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
    const byNode = (await api.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: NS, plural: 'virtualmachineinstances', labelSelector: 'kubevirt.io/nodeName=kv-worker-01' })) as Any;
    for (const v of byNode.items) expect(v.status.nodeName).toBe('kv-worker-01');
  });

  it('refuses a field selector on status.phase, as KubeVirt declares no selectable fields', async () => {
    const r = await t.kubectl(['get', 'vmi', '-n', NS, '--field-selector', 'status.phase=Running']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('field label not supported: status.phase');
  });
});

describe('a fleet seeded with --rwx', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 5, nodes: 2, speed: 25, seed: 17, failureRate: 0, rwx: true });
  });
  afterAll(() => t.stop());

  it('gives disk and database VMs ReadWriteMany storage, so they live-migrate', async () => {
    for (const name of ['virtwork-disk-0', 'virtwork-database-0']) {
      const vmi = await getJson(t.kubectl, ['vmi', name, '-n', NS]);
      expect(vmi.status.conditions.find((c: Any) => c.type === 'LiveMigratable').status).toBe('True');
      const pvc = await getJson(t.kubectl, ['pvc', `${name}-data`, '-n', NS]);
      expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    }
    await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml('rwx-disk', 'virtwork-disk-0') });
    const before = await getJson(t.kubectl, ['vmi', 'virtwork-disk-0', '-n', NS]);
    await waitFor(t.kubectl, ['vmim', 'rwx-disk', '-n', NS], (m) => m.status?.phase === 'Succeeded');
    const after = await getJson(t.kubectl, ['vmi', 'virtwork-disk-0', '-n', NS]);
    expect(after.status.nodeName).not.toBe(before.status.nodeName);
  });
});
