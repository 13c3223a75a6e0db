// Migrations the cluster starts or holds back on its own: node drain
// (evacuation migrations annotated with the drained node), the parallel
// limits of the KubeVirt CR keeping extra migrations Pending (changed with
// kubectl patch), and a failure rate of 1 failing every migration with a
// failure reason where KubeVirt records one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCluster, testCluster } from '../../helpers/sim.js';
import { type Any, NS, type Recorded, getJson, ok, record, vmimYaml, waitFor } from './kv.js';

const VMIM_PATH = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachineinstancemigrations`;
const ACTIVE = ['Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running'];

/** Running VMIs by node, and which of them may live-migrate. */
async function placement(t: TestCluster): Promise<{ byNode: Map<string, Any[]>; migratable: (v: Any) => boolean }> {
  const vmis = (await getJson(t.kubectl, ['vmi', '-n', NS])).items as Any[];
  const byNode = new Map<string, Any[]>();
  for (const v of vmis) byNode.set(v.status.nodeName, [...(byNode.get(v.status.nodeName) ?? []), v]);
  const migratable = (v: Any) => v.status.conditions.some((c: Any) => c.type === 'LiveMigratable' && c.status === 'True');
  return { byNode, migratable };
}

/** The most migrations that were active at once, replaying the watch (optionally only those from one node). */
function maxConcurrent(events: Recorded[], filter: (m: Any) => boolean = () => true): number {
  const phase = new Map<string, string>();
  let max = 0;
  for (const e of events) {
    if (!filter(e.object)) continue;
    if (e.type === 'DELETED') phase.delete(e.object.metadata.name);
    else phase.set(e.object.metadata.name, e.object.status?.phase);
    max = Math.max(max, [...phase.values()].filter((p) => ACTIVE.includes(p)).length);
  }
  return max;
}

/** The most migrations matching `pred` that existed at once, replaying the watch. */
function maxExisting(events: Recorded[], pred: (m: Any) => boolean): number {
  const current = new Map<string, boolean>();
  let max = 0;
  for (const e of events) {
    current.set(e.object.metadata.name, e.type !== 'DELETED' && pred(e.object));
    max = Math.max(max, [...current.values()].filter(Boolean).length);
  }
  return max;
}

describe('draining a node of an OpenShift cluster (default eviction strategy LiveMigrate)', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ flavor: 'openshift', vms: 15, nodes: 3, speed: 25, seed: 21, failureRate: 0 });
  });
  afterAll(() => t.stop());

  it('moves every live-migratable VMI off the node through kubevirt-evacuation- migrations', async () => {
    const kv = await getJson(t.kubectl, ['kubevirt', 'kubevirt-kubevirt-hyperconverged', '-n', 'openshift-cnv']);
    expect(kv.spec.configuration.evictionStrategy).toBe('LiveMigrate');
    const { byNode, migratable } = await placement(t);
    const [node, vmis] = [...byNode.entries()].sort((a, b) => b[1].filter(migratable).length - a[1].filter(migratable).length)[0]!;
    const movers = vmis.filter(migratable).map((v) => v.metadata.name as string).sort();
    const stayers = vmis.filter((v) => !migratable(v)).map((v) => v.metadata.name as string).sort();
    expect(movers.length).toBeGreaterThan(0);
    const watch = await record(t, VMIM_PATH);
    try {
      t.cluster.kubevirt!.drain(node);
      const drained = await getJson(t.kubectl, ['node', node]);
      expect(drained.spec.unschedulable).toBe(true);
      expect(drained.spec.taints).toContainEqual({ key: 'kubevirt.io/drain', value: 'draining', effect: 'NoSchedule' });
      const after = await waitFor(t.kubectl, ['vmi', '-n', NS], (l) => l.items.filter((v: Any) => v.status.nodeName === node && migratable(v)).length === 0, 30_000);
      const migrations = (await getJson(t.kubectl, ['vmim', '-n', NS])).items as Any[];
      expect(migrations.map((m) => m.spec.vmiName).sort()).toEqual(movers);
      for (const m of migrations) {
        expect(m.metadata.name).toMatch(/^kubevirt-evacuation-[a-z0-9]{5}$/);
        expect(m.metadata.annotations['kubevirt.io/evacuationMigration']).toBe(node);
        expect(m.status.phase).toBe('Succeeded');
      }
      // Not live-migratable VMIs cannot leave; nothing lands on the cordoned node.
      expect(after.items.filter((v: Any) => v.status.nodeName === node).map((v: Any) => v.metadata.name).sort()).toEqual(stayers);
      // The drained node's outbound limit (2) holds, and evacuations are created only into free spots.
      expect(maxConcurrent(watch.events)).toBeLessThanOrEqual(2);
      expect(maxExisting(watch.events, (m) => !['Succeeded', 'Failed'].includes(m.status?.phase))).toBeLessThanOrEqual(2);
      // Marked for eviction by the drain, unmarked by virt-handler once moved.
      const evacuated = after.items.find((v: Any) => v.metadata.name === movers[0]);
      expect(evacuated.status.evacuationNodeName).toBeUndefined();
      const events = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', `involvedObject.name=${movers[0]}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
      expect(events).toMatch(/^SuccessfulCreate: Created Migration kubevirt-evacuation-[a-z0-9]{5}$/m);
      expect(events).toContain(`Migrated: The VirtualMachineInstance migrated to node ${evacuated.status.nodeName}.`);
      // The VMIs that cannot leave are reported, not migrated.
      if (stayers.length > 0) {
        const stuck = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', `involvedObject.name=${stayers[0]},reason=FailedCreate`, '-o', 'jsonpath={.items[*].message}']);
        expect(stuck).toContain('VirtualMachineInstance is not migrateable');
      }
    } finally {
      watch.stop();
    }
  });
});

describe('parallel limits and kubectl taint with evictionStrategy LiveMigrate', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 20, nodes: 4, speed: 25, seed: 8, failureRate: 0, evictionStrategy: 'LiveMigrate' });
  });
  afterAll(() => t.stop());

  it('holds migrations beyond parallelMigrationsPerCluster in Pending, then lets them go', async () => {
    await ok(t.kubectl, ['patch', 'kubevirt', 'kubevirt', '-n', 'kubevirt', '--type=merge', '-p', '{"spec":{"configuration":{"migrations":{"parallelMigrationsPerCluster":1}}}}']);
    const { byNode, migratable } = await placement(t);
    // One migratable VMI from each of three nodes: only the cluster limit can hold them back.
    const picks = [...byNode.values()].map((vs) => vs.find(migratable)).filter(Boolean).slice(0, 3).map((v) => v.metadata.name as string);
    expect(picks).toHaveLength(3);
    const watch = await record(t, VMIM_PATH);
    try {
      await ok(t.kubectl, ['create', '-f', '-'], { input: picks.map((vmi, i) => vmimYaml(`limited-${i}`, vmi)).join('---\n') });
      const during = await waitFor(t.kubectl, ['vmim', '-n', NS], (l) => l.items.some((m: Any) => ACTIVE.includes(m.status?.phase)));
      expect(during.items.filter((m: Any) => m.status.phase === 'Pending').length).toBeGreaterThanOrEqual(1);
      await waitFor(t.kubectl, ['vmim', '-n', NS], (l) => l.items.length === 3 && l.items.every((m: Any) => m.status?.phase === 'Succeeded'), 40_000);
      expect(maxConcurrent(watch.events)).toBe(1);
    } finally {
      watch.stop();
    }
  });

  it('evacuates a node tainted with kubevirt.io/drain, two at a time from that node', async () => {
    await ok(t.kubectl, ['patch', 'kubevirt', 'kubevirt', '-n', 'kubevirt', '--type=merge', '-p', '{"spec":{"configuration":{"migrations":{"parallelMigrationsPerCluster":5}}}}']);
    const { byNode, migratable } = await placement(t);
    const [node, vmis] = [...byNode.entries()].sort((a, b) => b[1].filter(migratable).length - a[1].filter(migratable).length)[0]!;
    expect(vmis.filter(migratable).length).toBeGreaterThan(2);
    const watch = await record(t, VMIM_PATH);
    try {
      await ok(t.kubectl, ['cordon', node]);
      await ok(t.kubectl, ['taint', 'node', node, 'kubevirt.io/drain=draining:NoSchedule']);
      await waitFor(t.kubectl, ['vmi', '-n', NS], (l) => !l.items.some((v: Any) => v.status.nodeName === node && migratable(v)), 40_000);
      const evacuations = watch.events.filter((e) => e.object.metadata.annotations?.['kubevirt.io/evacuationMigration'] === node);
      expect(new Set(evacuations.map((e) => e.object.metadata.name)).size).toBe(vmis.filter(migratable).length);
      expect(maxConcurrent(evacuations.map((e) => e))).toBe(2);
    } finally {
      watch.stop();
    }
  });
});

describe('a failure rate of 1', () => {
  let t: TestCluster;
  beforeAll(async () => {
    t = await testCluster({ vms: 15, nodes: 3, speed: 25, seed: 99, failureRate: 1 });
    // Let all of them run at once.
    await ok(t.kubectl, ['patch', 'kubevirt', 'kubevirt', '-n', 'kubevirt', '--type=merge', '-p', '{"spec":{"configuration":{"migrations":{"parallelMigrationsPerCluster":20,"parallelOutboundMigrationsPerNode":20}}}}']);
  });
  afterAll(() => t.stop());

  it('fails every migration; those the source was running carry a failureReason on the VMI and the VMIM', async () => {
    const { byNode, migratable } = await placement(t);
    const vmis = [...byNode.values()].flat().filter(migratable);
    const before = new Map(vmis.map((v) => [v.metadata.name, v.status.nodeName]));
    await ok(t.kubectl, ['create', '-f', '-'], { input: vmis.map((v, i) => vmimYaml(`doomed-${i}`, v.metadata.name)).join('---\n') });
    const list = await waitFor(t.kubectl, ['vmim', '-n', NS], (l) => l.items.length === vmis.length && l.items.every((m: Any) => m.status?.phase === 'Failed'), 40_000);
    const after = new Map(((await getJson(t.kubectl, ['vmi', '-n', NS])).items as Any[]).map((v) => [v.metadata.name, v]));
    let withReason = 0;
    for (const m of list.items as Any[]) {
      const vmi = after.get(m.spec.vmiName);
      expect(vmi.status.nodeName).toBe(before.get(m.spec.vmiName));
      const ms = m.status.migrationState;
      if (ms?.targetNode) {
        // Handed off: the VMI's record of the migration, copied to the final VMIM.
        expect(ms).toMatchObject({ migrationUid: m.metadata.uid, completed: true, failed: true, failureReason: expect.any(String) });
        expect(vmi.status.migrationState.migrationUid === m.metadata.uid ? vmi.status.migrationState.failureReason : ms.failureReason).toBe(ms.failureReason);
        withReason++;
      } else {
        expect(ms).toEqual({ sourcePod: expect.stringMatching(/^virt-launcher-/) });
      }
    }
    expect(withReason).toBeGreaterThan(0);
    const reasons = await ok(t.kubectl, ['get', 'events', '-n', NS, '--field-selector', 'reason=FailedMigration', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    expect(reasons).toMatch(/^(source node reported migration failed|Migration failed because target pod shutdown during migration)$/m);
  });
});
