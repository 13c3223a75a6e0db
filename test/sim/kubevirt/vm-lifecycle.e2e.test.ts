// A VirtualMachine's life as a user drives it with kubectl: apply gives it a
// VMI that goes Pending, Scheduling, Scheduled, Running (watched with
// client-node) while the VM's printableStatus follows; runStrategy Halted
// stops it; deleting the VM deletes its VMI; a DataVolume template is
// provisioned first and its access mode decides LiveMigratable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, testCluster } from '../../helpers/sim.js';
import { type Any, NS, getJson, ok, phasesSeen, record, vmManifest, waitFor } from './kv.js';

let t: TestCluster;
const VMI_PATH = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachineinstances`;
const VM_PATH = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachines`;

beforeAll(async () => {
  t = await testCluster({ vms: 0, nodes: 2, speed: 25, seed: 31, failureRate: 0 });
});
afterAll(() => t.stop());

/** printableStatus values a watched VM went through, in order, without repeats. */
function statusesSeen(events: { object: Any }[], name: string): string[] {
  const out: string[] = [];
  for (const e of events) {
    const s = e.object.metadata.name === name ? e.object.status?.printableStatus : undefined;
    if (s && out[out.length - 1] !== s) out.push(s);
  }
  return out;
}

describe('a VM created with kubectl apply', () => {
  it('gets a VMI that goes Pending, Scheduling, Scheduled, Running, and the VM reports it', async () => {
    const vmis = await record(t, VMI_PATH);
    const vms = await record(t, VM_PATH);
    try {
      expect((await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('web', { labels: { app: 'web' } }) })).trim()).toBe('virtualmachine.kubevirt.io/web created');
      const vmi = await waitFor(t.kubectl, ['vmi', 'web', '-n', NS], (v) => v.status?.phase === 'Running');
      expect(phasesSeen(vmis.events, 'web')).toEqual(['Pending', 'Scheduling', 'Scheduled', 'Running']);
      expect(vmi.status.phaseTransitionTimestamps.map((p: Any) => p.phase)).toEqual(['Pending', 'Scheduling', 'Scheduled', 'Running']);
      expect(vmi.metadata.labels).toMatchObject({ app: 'web', 'kubevirt.io/domain': 'web', 'kubevirt.io/nodeName': vmi.status.nodeName });
      const vm = await waitFor(t.kubectl, ['vm', 'web', '-n', NS], (v) => v.status?.ready === true);
      expect(vmi.metadata.ownerReferences).toEqual([{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'web', uid: vm.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(vm.status).toMatchObject({ printableStatus: 'Running', ready: true, created: true });
      const seen = statusesSeen(vms.events, 'web');
      expect(seen[seen.length - 1]).toBe('Running');
      expect(seen).toContain('Starting');
      expect(vmi.status.conditions.find((c: Any) => c.type === 'LiveMigratable').status).toBe('True');
    } finally {
      vmis.stop();
      vms.stop();
    }
  });

  it('stops when its runStrategy becomes Halted: the VMI goes, the VM reads Stopped', async () => {
    await ok(t.kubectl, ['patch', 'vm', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"runStrategy":"Halted"}}']);
    await waitFor(t.kubectl, ['vmi', '-n', NS], (l) => !l.items.some((v: Any) => v.metadata.name === 'web'));
    const vm = await waitFor(t.kubectl, ['vm', 'web', '-n', NS], (v) => v.status?.printableStatus === 'Stopped');
    expect(vm.status.ready).toBeUndefined();
    expect(vm.status.created).toBeUndefined();
    const out = await ok(t.kubectl, ['get', 'vm', 'web', '-n', NS, '--no-headers']);
    expect(out).toMatch(/^web\s+\S+\s+Stopped\s+False$/);
    // ... and starts again with Always.
    await ok(t.kubectl, ['patch', 'vm', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"runStrategy":"Always"}}']);
    await waitFor(t.kubectl, ['vmi', 'web', '-n', NS], (v) => v.status?.phase === 'Running');
  });

  it('takes its VMI with it when deleted', async () => {
    await ok(t.kubectl, ['delete', 'vm', 'web', '-n', NS]);
    await waitFor(t.kubectl, ['vmi', '-n', NS], (l) => !l.items.some((v: Any) => v.metadata.name === 'web'));
    const r = await t.kubectl(['get', 'vm', 'web', '-n', NS]);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): virtualmachines.kubevirt.io "web" not found');
  });

  it('refuses running and runStrategy together, as the VM webhook does', async () => {
    const body = JSON.parse(vmManifest('both'));
    body.spec.running = true;
    const r = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(body) });
    expect(r.exitCode).toBe(1);
    // The webhook's 422 carries a cause with the field; kubectl prints the cause.
    expect(r.stderr.trim()).toBe('The request is invalid: spec.running: Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead');
  });
});

describe('a VM with a DataVolume template', () => {
  it('is provisioned first, then runs; ReadWriteOnce (the storage profile default) is not live-migratable', async () => {
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('db', { dataVolume: {} }) });
    const vmi = await waitFor(t.kubectl, ['vmi', 'db', '-n', NS], (v) => v.status?.phase === 'Running');
    const dv = await getJson(t.kubectl, ['dv', 'db-data', '-n', NS]);
    expect(dv.status.phase).toBe('Succeeded');
    const pvc = await getJson(t.kubectl, ['pvc', 'db-data', '-n', NS]);
    expect(pvc.status).toMatchObject({ phase: 'Bound', accessModes: ['ReadWriteOnce'] });
    expect(vmi.status.conditions.find((c: Any) => c.type === 'LiveMigratable')).toMatchObject({
      status: 'False',
      reason: 'DisksNotLiveMigratable',
      message: 'cannot migrate VMI: PVC db-data is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)',
    });
  });

  it('with ReadWriteMany is live-migratable', async () => {
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('shared', { dataVolume: { accessModes: ['ReadWriteMany'] } }) });
    const vmi = await waitFor(t.kubectl, ['vmi', 'shared', '-n', NS], (v) => v.status?.phase === 'Running');
    expect(vmi.status.conditions.find((c: Any) => c.type === 'LiveMigratable').status).toBe('True');
  });
});

describe('a VM no node can take', () => {
  it('stays Scheduling with an Unschedulable PodScheduled condition', async () => {
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('picky', { nodeSelector: { 'example.com/gpu': 'h100' } }) });
    const vmi = await waitFor(t.kubectl, ['vmi', 'picky', '-n', NS], (v) => (v.status?.conditions ?? []).some((c: Any) => c.type === 'PodScheduled'));
    expect(vmi.status.phase).toBe('Scheduling');
    expect(vmi.status.conditions.find((c: Any) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: expect.stringMatching(/^0\/3 nodes are available: /) });
    const vm = await waitFor(t.kubectl, ['vm', 'picky', '-n', NS], (v) => v.status?.printableStatus === 'ErrorUnschedulable');
    expect(vm.status.ready).toBeUndefined();
  });
});
