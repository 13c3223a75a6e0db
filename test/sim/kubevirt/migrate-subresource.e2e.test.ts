// The migrate subresource of virt-api (what `virtctl migrate` calls), driven
// as `kubectl replace --raw` drives it: 202 with an empty body and a
// `kubevirt-migrate-vm-` migration, 404 for a missing VM or VMI, 409 for a VMI
// that is not running, 500 wrapping the admission webhook's denial, dry run,
// and a single-node cluster where the target pod never schedules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, testCluster } from '../../helpers/sim.js';
import { type Any, NS, getJson, ok, tempFile, vmManifest, vmName, vmimYaml, waitFor } from './kv.js';

const migratePath = (vm: string, ns = NS) => `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/${vm}/migrate`;
const EMPTY = tempFile('migrate.json', '{}\n');

/** Migrations of one VMI, newest last. */
async function migrationsOf(t: TestCluster, vmi: string): Promise<Any[]> {
  const list = await getJson(t.kubectl, ['vmim', '-n', NS, '-l', `kubevirt.io/vmi-name=${vmi}`]);
  return (list.items as Any[]).sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
}

describe('on a three-node cluster', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 10, nodes: 3, speed: 25, seed: 11, failureRate: 0 });
  });
  afterAll(() => t.stop());

  it('answers 202 with an empty body and creates a kubevirt-migrate-vm- migration that succeeds', async () => {
    const vm = vmName('cpu');
    const before = await getJson(t.kubectl, ['vmi', vm, '-n', NS]);
    const r = await t.kubectl(['replace', '--raw', migratePath(vm), '-f', EMPTY, '-v=6']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/"Response" verb="PUT" url="https:\/\/127\.0\.0\.1:\d+\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/virtwork\/virtualmachines\/virtwork-cpu-0\/migrate" status="202 Accepted"/);
    const [mig] = await migrationsOf(t, vm);
    expect(mig.metadata.name).toMatch(/^kubevirt-migrate-vm-[a-z0-9]{5}$/);
    expect(mig.metadata.generateName).toBe('kubevirt-migrate-vm-');
    expect(mig.spec).toEqual({ vmiName: vm });
    const done = await waitFor(t.kubectl, ['vmim', mig.metadata.name, '-n', NS], (m) => m.status?.phase === 'Succeeded');
    const after = await getJson(t.kubectl, ['vmi', vm, '-n', NS]);
    expect(after.status.migrationState.migrationUid).toBe(done.metadata.uid);
    expect(after.status.nodeName).not.toBe(before.status.nodeName);
  });

  it('creates nothing on a dry run', async () => {
    const vm = vmName('memory');
    const r = await t.kubectl(['replace', '--raw', migratePath(vm), '-f', tempFile('dry.json', '{"dryRun":["All"]}')]);
    expect(r.exitCode).toBe(0);
    expect(await migrationsOf(t, vm)).toEqual([]);
  });

  it('answers 404 for a VM that does not exist', async () => {
    const r = await t.kubectl(['replace', '--raw', migratePath('no-such-vm'), '-f', EMPTY]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): virtualmachine.kubevirt.io "no-such-vm" not found');
  });

  it('answers 404 for a stopped VM, which has no VMI', async () => {
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('halted', { runStrategy: 'Halted' }) });
    await waitFor(t.kubectl, ['vm', 'halted', '-n', NS], (v) => v.status?.printableStatus === 'Stopped');
    const r = await t.kubectl(['replace', '--raw', migratePath('halted'), '-f', EMPTY]);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): virtualmachineinstance.kubevirt.io "halted" not found');
  });

  it('answers 409 for a VM whose VMI is not Running', async () => {
    // A node selector no node matches keeps the VMI in Scheduling.
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('stuck', { nodeSelector: { 'example.com/nowhere': 'true' } }) });
    await waitFor(t.kubectl, ['vmi', 'stuck', '-n', NS], (v) => v.status?.phase === 'Scheduling');
    const r = await t.kubectl(['replace', '--raw', migratePath('stuck'), '-f', EMPTY]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (Conflict): Operation cannot be fulfilled on virtualmachine.kubevirt.io "stuck": VM is not running');
    const vm = await getJson(t.kubectl, ['vm', 'stuck', '-n', NS]);
    expect(vm.status.printableStatus).toBe('ErrorUnschedulable');
  });

  it('answers 500 wrapping the webhook denial for a VM that is not live-migratable', async () => {
    const vm = vmName('disk');
    const r = await t.kubectl(['replace', '--raw', migratePath(vm), '-f', EMPTY]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error from server (InternalError): Internal error occurred: admission webhook "migration-create-validator.kubevirt.io" denied the request: Cannot migrate VMI, Reason: DisksNotLiveMigratable, Message: cannot migrate VMI: PVC ${vm}-data is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)`,
    );
    expect(await migrationsOf(t, vm)).toEqual([]);
  });

  it('answers 500 wrapping the in-flight denial while the VM is migrating', async () => {
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('large', { memory: '64Gi' }) });
    await waitFor(t.kubectl, ['vmi', 'large', '-n', NS], (v) => v.status?.phase === 'Running');
    await ok(t.kubectl, ['replace', '--raw', migratePath('large'), '-f', EMPTY]);
    const [active] = await migrationsOf(t, 'large');
    const r = await t.kubectl(['replace', '--raw', migratePath('large'), '-f', EMPTY]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error from server (InternalError): Internal error occurred: admission webhook "migration-create-validator.kubevirt.io" denied the request: in-flight migration detected. Active migration job (${active.metadata.uid}) is currently already in progress for VMI large.`,
    );
    expect(await migrationsOf(t, 'large')).toHaveLength(1);
  });

  it('answers 400 for a body it cannot read', async () => {
    const r = await t.kubectl(['replace', '--raw', migratePath(vmName('cpu', 1)), '-f', tempFile('bad.json', '{"dryRun": "All"')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Error from server \(BadRequest\): Can not unmarshal Request body to struct, error: /);
  });
});

describe('on a single-node cluster', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 1, nodes: 1, speed: 100, seed: 3, failureRate: 0 });
  });
  afterAll(() => t.stop());

  it('runs the seeded VMI on the only node, which is both control plane and worker', async () => {
    const nodes = await getJson(t.kubectl, ['nodes']);
    expect(nodes.items).toHaveLength(1);
    const node = nodes.items[0];
    expect(node.metadata.labels).toMatchObject({ 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '', 'kubevirt.io/schedulable': 'true' });
    const vmi = await getJson(t.kubectl, ['vmi', vmName('cpu'), '-n', NS]);
    expect(vmi.status.nodeName).toBe(node.metadata.name);
  });

  it('fails a migrate-subresource migration once its target pod stays unschedulable past the timeout', async () => {
    const vm = vmName('cpu');
    await ok(t.kubectl, ['replace', '--raw', migratePath(vm), '-f', EMPTY]);
    const [mig] = await migrationsOf(t, vm);
    const scheduling = await waitFor(t.kubectl, ['vmim', mig.metadata.name, '-n', NS], (m) => m.status?.phase === 'Scheduling');
    expect(scheduling.status.phase).toBe('Scheduling');
    // 300 s of simulated time at speed 100.
    const failed = await waitFor(t.kubectl, ['vmim', mig.metadata.name, '-n', NS], (m) => m.status?.phase === 'Failed', 15_000);
    expect(failed.status.phaseTransitionTimestamps.map((p: Any) => p.phase)).toEqual(['Pending', 'Scheduling', 'Failed']);
    const vmi = await getJson(t.kubectl, ['vmi', vm, '-n', NS]);
    expect(vmi.status.phase).toBe('Running');
    expect(vmi.metadata.labels['kubevirt.io/migrationTargetNodeName']).toBeUndefined();
    const events = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', `involvedObject.name=${mig.metadata.name}`, '-o', 'jsonpath={range .items[*]}{.type} {.reason}: {.message}{"\\n"}{end}']);
    expect(events).toMatch(/^Normal SuccessfulCreate: Created migration target pod virt-launcher-virtwork-cpu-0-[a-z0-9]{5}$/m);
    expect(events).toContain(`Warning migrationTargetPodUnschedulable: Migration target pod for VMI [${NS}/${vm}] is currently unschedulable.`);
    expect(events).toMatch(/^Normal SuccessfulDelete: unschedulable pod virtwork\/virt-launcher-virtwork-cpu-0-[a-z0-9]{5} timeout period exceeded$/m);
    expect(events).toContain('Warning FailedMigration: Migration target pod was removed during active migration.');
    // The scheduler's verdict is recorded on the target pod, as the default scheduler does.
    const verdict = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={range .items[*]}{.involvedObject.kind} {.source.component}: {.message}{"\\n"}{end}']);
    expect(verdict).toContain(
      "Pod default-scheduler: 0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });

  it('honours kubevirt.io/migrationUnschedulablePodTimeoutSeconds on a migration', async () => {
    const vm = vmName('cpu');
    await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml('short', vm, { annotations: { 'kubevirt.io/migrationUnschedulablePodTimeoutSeconds': '30' } }) });
    const started = Date.now();
    await waitFor(t.kubectl, ['vmim', 'short', '-n', NS], (m) => m.status?.phase === 'Failed', 10_000);
    // 30 s at speed 100 is 0.3 s; well under the default's 3 s.
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
