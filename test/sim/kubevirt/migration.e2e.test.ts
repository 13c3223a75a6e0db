// Live migrations created as users create them (`kubectl create -f` of a
// VirtualMachineInstanceMigration), watched with client-node: every phase in
// order, the VMI moving to the target node (nodeName, labels, pod IP,
// migrationState), `kubectl wait` on the phase, the admission webhook's real
// refusals (in flight, not live-migratable), cancellation by delete, and the
// garbage collection that keeps five finished migrations per VMI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';
import { type Any, MIGRATION_PHASES, NS, customObjects, getJson, ok, phasesSeen, record, tempFile, vmManifest, vmName, vmimYaml, waitFor } from './kv.js';

let t: TestCluster;
const VMIM_PATH = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachineinstancemigrations`;
const VMI_PATH = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachineinstances`;

beforeAll(async () => {
  t = await testCluster({ vms: 10, nodes: 3, speed: 25, seed: 7, failureRate: 0 });
});
afterAll(() => t.stop());

describe('a migration created with kubectl create -f', () => {
  it('goes through every phase to Succeeded and moves the VMI to another node', async () => {
    const vmi = vmName('cpu');
    const before = await getJson(t.kubectl, ['vmi', vmi, '-n', NS]);
    const vmims = await record(t, VMIM_PATH);
    const vmis = await record(t, VMI_PATH);
    try {
      const file = tempFile('mig.yaml', vmimYaml('mig-cpu', vmi));
      expect((await ok(t.kubectl, ['create', '-f', file])).trim()).toBe('virtualmachineinstancemigration.kubevirt.io/mig-cpu created');
      const done = await waitFor(t.kubectl, ['vmim', 'mig-cpu', '-n', NS], (m) => m.status?.phase === 'Succeeded');
      expect(phasesSeen(vmims.events, 'mig-cpu')).toEqual(MIGRATION_PHASES);
      // The recorded transitions carry the same order, with non-decreasing times.
      const transitions = done.status.phaseTransitionTimestamps as { phase: string; phaseTransitionTimestamp: string }[];
      expect(transitions.map((p) => p.phase)).toEqual(MIGRATION_PHASES);
      const times = transitions.map((p) => Date.parse(p.phaseTransitionTimestamp));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      // The mutating webhook's selector label and finalizer (released once final).
      expect(done.metadata.labels['kubevirt.io/vmi-name']).toBe(vmi);
      expect(done.metadata.finalizers ?? []).not.toContain('kubevirt.io/migrationJobFinalize');

      // While running, the VMI carries both node labels and two active pods.
      const during = vmis.events.find((e) => e.object.metadata.name === vmi && e.object.metadata.labels?.['kubevirt.io/migrationTargetNodeName']);
      expect(during).toBeDefined();
      expect(during!.object.metadata.labels['kubevirt.io/nodeName']).toBe(before.status.nodeName);
      expect(Object.keys(during!.object.status.activePods)).toHaveLength(2);

      const after = await getJson(t.kubectl, ['vmi', vmi, '-n', NS]);
      const ms = after.status.migrationState;
      expect(ms.migrationUid).toBe(done.metadata.uid);
      expect(ms.sourceNode).toBe(before.status.nodeName);
      expect(ms.targetNode).not.toBe(before.status.nodeName);
      expect(after.status.nodeName).toBe(ms.targetNode);
      expect(after.metadata.labels['kubevirt.io/nodeName']).toBe(ms.targetNode);
      expect(after.metadata.labels['kubevirt.io/migrationTargetNodeName']).toBeUndefined();
      expect(ms.completed).toBe(true);
      expect(ms.failed).toBeUndefined();
      expect(ms.mode).toBe('PreCopy');
      expect(Date.parse(ms.endTimestamp)).toBeGreaterThanOrEqual(Date.parse(ms.startTimestamp));
      expect(after.status.interfaces[0].ipAddress).not.toBe(before.status.interfaces[0].ipAddress);
      expect(Object.values(after.status.activePods)).toEqual([ms.targetNode]);
      // The VMIM mirrors the VMI's record of it.
      expect(done.status.migrationState.migrationUid).toBe(done.metadata.uid);
      expect(done.status.migrationState.targetNode).toBe(ms.targetNode);
    } finally {
      vmims.stop();
      vmis.stop();
    }
  });

  it('records the events KubeVirt records on a migration', async () => {
    const r = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=mig-cpu', '-o', 'jsonpath={range .items[*]}{.reason}={.message}{"\\n"}{end}']);
    expect(r).toMatch(/^SuccessfulCreate=Created migration target pod virt-launcher-virtwork-cpu-0-[a-z0-9]{5}$/m);
    expect(r).toContain('SuccessfulHandOver=Migration target pod is ready for preparation by virt-handler.');
    expect(r).toContain('SuccessfulMigration=Source node reported migration succeeded');
  });

  it('is what kubectl wait --for=jsonpath waits on', async () => {
    await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml('mig-wait', vmName('memory')) });
    const r = await t.kubectl(['wait', 'vmim/mig-wait', '-n', NS, "--for=jsonpath={.status.phase}=Succeeded", '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('virtualmachineinstancemigration.kubevirt.io/mig-wait condition met');
    expect(r.exitCode).toBe(0);
  });

  it('has a phase from the moment it exists', async () => {
    const out = await ok(t.kubectl, ['create', '-f', '-', '-o', 'jsonpath={.status.phase}'], { input: vmimYaml('mig-phase', vmName('network')) });
    expect(out).toBe('Pending');
    await waitFor(t.kubectl, ['vmim', 'mig-phase', '-n', NS], (m) => m.status?.phase === 'Succeeded');
  });
});

describe('the migration admission webhook', () => {
  it('refuses a second migration while one is in flight, naming the active one', async () => {
    const vmi = vmName('cpu', 1);
    // The first one's target pod cannot schedule (no node has the added label): it stays in flight.
    const first = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name: 'first', namespace: NS }, spec: { vmiName: vmi, addedNodeSelector: { 'example.com/rack': 'nowhere' } } };
    await ok(t.kubectl, ['create', '-f', '-'], { input: JSON.stringify(first) });
    const active = await waitFor(t.kubectl, ['vmim', 'first', '-n', NS], (m) => m.status?.phase === 'Scheduling');
    const file = tempFile('second.yaml', vmimYaml('second', vmi));
    const r = await t.kubectl(['create', '-f', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error from server: error when creating "${file}": admission webhook "migration-create-validator.kubevirt.io" denied the request: in-flight migration detected. Active migration job (${active.metadata.uid}) is currently already in progress for VMI ${vmi}.`,
    );
    // Once the first is gone the VMI may migrate again.
    await ok(t.kubectl, ['delete', 'vmim', 'first', '-n', NS]);
    await ok(t.kubectl, ['create', '-f', file]);
    await waitFor(t.kubectl, ['vmim', 'second', '-n', NS], (m) => m.status?.phase === 'Succeeded');
  });

  it('refuses a VMI on ReadWriteOnce storage with DisksNotLiveMigratable', async () => {
    for (const component of ['disk', 'database']) {
      const vmi = vmName(component);
      const cond = (await getJson(t.kubectl, ['vmi', vmi, '-n', NS])).status.conditions.find((c: { type: string }) => c.type === 'LiveMigratable');
      expect(cond).toMatchObject({ status: 'False', reason: 'DisksNotLiveMigratable' });
      const r = await t.kubectl(['create', '-f', '-'], { input: vmimYaml(`mig-${component}`, vmi) });
      expect(r.exitCode).toBe(1);
      expect(r.stderr.trim()).toBe(
        `Error from server: error when creating "STDIN": admission webhook "migration-create-validator.kubevirt.io" denied the request: Cannot migrate VMI, Reason: DisksNotLiveMigratable, Message: cannot migrate VMI: PVC ${vmi}-data is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)`,
      );
    }
    expect((await t.kubectl(['get', 'vmim', 'mig-disk', '-n', NS])).exitCode).toBe(1);
  });

  it('refuses a migration of a VMI that does not exist', async () => {
    const r = await t.kubectl(['create', '-f', '-'], { input: vmimYaml('mig-ghost', 'ghost') });
    expect(r.stderr.trim()).toBe(
      'Error from server: error when creating "STDIN": admission webhook "migration-create-validator.kubevirt.io" denied the request: the VMI "virtwork/ghost" does not exist',
    );
  });

  it('refuses changes to a migration spec', async () => {
    // kubectl prints an Invalid Status with causes as `The request is invalid: <field>: <message>`.
    await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml('mig-spec', vmName('cpu', 1)) });
    await waitFor(t.kubectl, ['vmim', 'mig-spec', '-n', NS], (m) => m.status?.phase === 'Succeeded');
    const r = await t.kubectl(['patch', 'vmim', 'mig-spec', '-n', NS, '--type=merge', '-p', '{"spec":{"vmiName":"other"}}']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe("The request is invalid: : update of Migration object's spec is restricted");
    // The Status itself names the webhook, as the apiserver wraps a webhook's denial.
    const api = customObjects(t);
    const err = await api
      .patchNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: NS, plural: 'virtualmachineinstancemigrations', name: 'mig-spec', body: [{ op: 'replace', path: '/spec/vmiName', value: 'other' }] })
      .then(() => undefined, (e: Any) => e);
    expect(err?.code).toBe(422);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'Invalid',
      message: 'admission webhook "migration-update-validator.kubevirt.io" denied the request:  update of Migration object\'s spec is restricted',
      details: { causes: [{ reason: 'FieldValueNotSupported', message: "update of Migration object's spec is restricted" }] },
    });
  });
});

describe('cancelling a migration by deleting it', () => {
  it('aborts it while Running: Failed with the abort condition, the VMI stays where it was', async () => {
    // A 64Gi guest takes minutes to copy at speed 1: time enough to cancel while Running.
    await ok(t.kubectl, ['apply', '-f', '-'], { input: vmManifest('big', { memory: '64Gi' }) });
    const before = await waitFor(t.kubectl, ['vmi', 'big', '-n', NS], (v) => v.status?.phase === 'Running');
    const vmims = await record(t, VMIM_PATH);
    const vmis = await record(t, VMI_PATH);
    try {
      await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml('mig-cancel', 'big') });
      await waitFor(t.kubectl, ['vmim', 'mig-cancel', '-n', NS], (m) => m.status?.phase === 'Running');
      await ok(t.kubectl, ['delete', 'vmim', 'mig-cancel', '-n', NS, '--wait=false']);
      await waitFor(t.kubectl, ['vmim', '-n', NS], (l) => !l.items.some((m: Any) => m.metadata.name === 'mig-cancel'));
      expect(phasesSeen(vmims.events, 'mig-cancel')).toEqual(['Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running', 'Failed']);
      const failed = [...vmims.events].reverse().find((e) => e.object.metadata.name === 'mig-cancel' && e.object.status?.phase === 'Failed')!;
      const cond = (failed.object.status.conditions as Any[]).find((c) => c.type === 'migrationAbortRequested');
      expect(cond?.status).toBe('True');
      // The source asked the migration to abort before it was torn down.
      expect(vmis.events.some((e) => e.object.metadata.name === 'big' && e.object.status?.migrationState?.abortStatus === 'Aborting')).toBe(true);
      const after = await getJson(t.kubectl, ['vmi', 'big', '-n', NS]);
      expect(after.status.nodeName).toBe(before.status.nodeName);
      expect(after.metadata.labels['kubevirt.io/nodeName']).toBe(before.status.nodeName);
      expect(after.metadata.labels['kubevirt.io/migrationTargetNodeName']).toBeUndefined();
      expect(after.status.migrationState).toMatchObject({ migrationUid: failed.object.metadata.uid, completed: true, failed: true, abortRequested: true, abortStatus: 'Succeeded' });
      expect(Object.keys(after.status.activePods)).toHaveLength(1);
      expect(after.status.migrationState.failureReason).toBe('Live migration aborted ');
      // The source's virt-handler reports the abort on the VMI; the controller sees the source report a failure.
      const onVmim = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=mig-cancel,type=Warning', '-o', 'jsonpath={.items[*].message}']);
      expect(onVmim).toBe('source node reported migration failed');
      const onVmi = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=big,reason=Migrated', '-o', 'jsonpath={.items[*].message}']);
      expect(onVmi).toBe(`VirtualMachineInstance migration uid ${failed.object.metadata.uid} failed. reason:Live migration aborted `);
    } finally {
      vmims.stop();
      vmis.stop();
    }
  });

  it('cancels it before hand-off: Failed with the abort condition, the target pod deleted, the VMI untouched', async () => {
    // A node selector no node matches keeps the target pod Pending, so the migration stays in Scheduling.
    const vm = vmName('cpu', 1);
    const body = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name: 'mig-early', namespace: NS }, spec: { vmiName: vm, addedNodeSelector: { 'example.com/rack': 'nowhere' } } };
    await ok(t.kubectl, ['create', '-f', '-'], { input: JSON.stringify(body) });
    const vmims = await record(t, VMIM_PATH);
    try {
      await waitFor(t.kubectl, ['vmim', 'mig-early', '-n', NS], (m) => m.status?.phase === 'Scheduling');
      const before = await getJson(t.kubectl, ['vmi', vm, '-n', NS]);
      await ok(t.kubectl, ['delete', 'vmim', 'mig-early', '-n', NS]);
      const r = await t.kubectl(['get', 'vmim', 'mig-early', '-n', NS]);
      expect(r.stderr.trim()).toBe('Error from server (NotFound): virtualmachineinstancemigrations.kubevirt.io "mig-early" not found');
      const failed = vmims.events.find((e) => e.object.metadata.name === 'mig-early' && e.object.status?.phase === 'Failed')!;
      expect(failed.object.status.conditions).toEqual([{ type: 'migrationAbortRequested', status: 'True', lastProbeTime: expect.any(String), lastTransitionTime: null }]);
      const events = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=mig-early', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
      expect(events).toMatch(/^SuccessfulDelete: migration canceled and pod virtwork\/virt-launcher-virtwork-cpu-1-[a-z0-9]{5} is deleted$/m);
      expect(events).toContain('FailedMigration: Migration failed due to being canceled');
      const after = await getJson(t.kubectl, ['vmi', vm, '-n', NS]);
      expect(after.status.migrationState).toEqual(before.status.migrationState);
      expect(after.status.nodeName).toBe(before.status.nodeName);
    } finally {
      vmims.stop();
    }
  });
});

describe('finished migrations', () => {
  it('keeps only the five most recent per VMI', async () => {
    const vmi = vmName('network', 1);
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const name = `gc-${i}`;
      names.push(name);
      await ok(t.kubectl, ['create', '-f', '-'], { input: vmimYaml(name, vmi) });
      await waitFor(t.kubectl, ['vmim', name, '-n', NS], (m) => m.status?.phase === 'Succeeded');
      await sleep(1100); // distinct creation timestamps (second precision), as migrations spaced in time have
    }
    const list = await waitFor(t.kubectl, ['vmim', '-n', NS, '-l', `kubevirt.io/vmi-name=${vmi}`], (l) => l.items.length === 5);
    expect(list.items.map((m: { metadata: { name: string } }) => m.metadata.name).sort()).toEqual(names.slice(2));
  });
});
