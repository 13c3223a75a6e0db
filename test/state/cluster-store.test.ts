import { describe, expect, it } from 'vitest';
import type { BatchSink } from '../../src/cluster/watch.js';
import { initialClusterState } from '../../src/state/cluster-state.js';
import { createClusterStore } from '../../src/state/cluster-store.js';
import { reduceVmis } from '../../src/state/reducers.js';
import { createFleetRowsSelector, selectFleetRows } from '../../src/state/selectors/fleet.js';
import type { Migration } from '../../src/state/types.js';
import { migrationFrom } from '../../src/state/vmim.js';
import { added, deleted, fixture, items, modified, NS, RUN_ID } from './helpers/fixtures.js';

const T0 = Date.parse('2026-11-27T21:52:56Z');

function counting() {
  const store = createClusterStore({ namespace: NS });
  let notified = 0;
  store.subscribe(() => notified++);
  return { store, count: () => notified };
}

/** The status ConfigMap while the controller follows the memory-0 migration (not yet labelled). */
function statusMigrating() {
  const cm = fixture('status-configmap.json');
  cm.data.state = 'migrating';
  cm.data['current-migration'] = 'kubevirt-migrate-vm-w55rq';
  cm.data['current-vmi'] = 'virtwork-memory-0';
  return cm;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe('cluster store: batches', () => {
  it('applies a whole batch (dozens of events, four resources) with exactly one notification', () => {
    const { store, count } = counting();
    store.getState().applyBatch(
      {
        vmis: items('vmi-list.json').map(added),
        vmims: items('vmim-list.json').map(added),
        nodes: items('node-list.json').map(added),
        statusConfigMaps: [added(fixture('status-configmap.json'))],
      },
      T0,
    );
    expect(count()).toBe(1);
    const s = store.getState();
    expect(s.revision).toBe(1);
    expect([...s.fleet.keys()]).toHaveLength(7);
    expect(Object.keys(s.migrations)).toHaveLength(3);
    expect(Object.keys(s.nodes)).toHaveLength(4);
    expect(s.controller.present).toBe(true);
    expect(s.runId).toBe(RUN_ID);
    for (const kind of ['vmis', 'vmims', 'nodes', 'statusConfigMaps']) expect(s.health[kind]?.lastSync).toBe(T0);
  });

  it('notifies nobody when a batch changes nothing (the same objects again, at the same time)', () => {
    const { store, count } = counting();
    const batch = { vmis: items('vmi-list.json').map(modified), statusConfigMaps: [modified(fixture('status-configmap.json'))] };
    store.getState().applyBatch(batch, T0);
    const before = store.getState();
    store.getState().applyBatch({ vmis: items('vmi-list.json').map(modified), statusConfigMaps: [modified(fixture('status-configmap.json'))] }, T0);
    expect(count()).toBe(1);
    expect(store.getState()).toBe(before);
    // Only the sync time moves: one notification, and every VMI keeps its object.
    store.getState().applyBatch({ vmis: items('vmi-list.json').map(modified) }, T0 + 1000);
    expect(count()).toBe(2);
    expect(store.getState().fleet).toBe(before.fleet);
  });

  it('the store satisfies what the watcher needs', () => {
    const sink: BatchSink = createClusterStore({ namespace: NS }).getState();
    expect(typeof sink.applyBatch).toBe('function');
  });

  it('ignores objects of other namespaces', () => {
    const { store } = counting();
    const vmi = fixture('vmi-memory-migrated.json');
    vmi.metadata.namespace = 'elsewhere';
    store.getState().applyBatch({ vmis: [added(vmi)] }, T0);
    expect(store.getState().fleet.size).toBe(0);
  });

  it('reducers are pure: they never write into the state they are given', () => {
    const state = deepFreeze(createClusterStore({ namespace: NS }).getState());
    const s1 = reduceVmis(state, items('vmi-list.json').map(added), T0);
    deepFreeze(s1);
    expect(() => reduceVmis(s1, [modified(fixture('vmi-memory-migrated.json'))], T0 + 1000)).not.toThrow();
    expect([...state.fleet.keys()]).toHaveLength(0);
    expect(initialClusterState({ namespace: NS }).revision).toBe(0);
  });
});

describe('cluster store: a migration seen live', () => {
  function migrateMemory() {
    const { store, count } = counting();
    const apply = store.getState().applyBatch;
    apply({ vmis: items('vmi-list.json').map(added), nodes: items('node-list.json').map(added) }, T0 - 60_000);
    apply({ statusConfigMaps: [modified(statusMigrating())], vmims: [added(fixture('vmim-memory-running.json'))], vmis: [modified(fixture('vmi-memory-migrating.json'))] }, T0);
    return { store, count, apply };
  }

  it('while in flight: the unlabelled VMIM is chaos (the controller names it), the VMI shows it and its target, IPs before are captured', () => {
    const { store } = migrateMemory();
    const s = store.getState();
    const m = s.migrations['e00443e8-9c1c-44d0-9549-56cf6d0ee524']!;
    expect(m).toMatchObject({ cause: 'chaos', runId: RUN_ID, outcome: 'in-flight', ipsBefore: ['10.244.1.4'], targetNode: 'kv-worker-03', sourceNode: 'kv-worker-02' });
    expect(s.fleet.get('virtwork-memory-0')).toMatchObject({
      node: 'kv-worker-02',
      inFlight: { uid: m.uid, name: 'kubevirt-migrate-vm-w55rq', phase: 'TargetReady', targetNode: 'kv-worker-03' },
      migrations: 1,
    });
  });

  it('on the move: previousNode, a 5 s highlight, IPs before and after on the migration, the in-flight mark gone, the duration known', () => {
    const { store, apply } = migrateMemory();
    const moved = T0 + 1000;
    apply({ vmims: [modified(fixture('vmim-memory-succeeded.json'))], vmis: [modified(fixture('vmi-memory-migrated.json'))] }, moved);
    const s = store.getState();
    expect(s.fleet.get('virtwork-memory-0')).toMatchObject({ node: 'kv-worker-03', previousNode: 'kv-worker-02', nodeChangedAt: moved, migrations: 1, lastDurationSec: 1 });
    expect(s.fleet.get('virtwork-memory-0')!.inFlight).toBeUndefined();
    expect(s.migrations['e00443e8-9c1c-44d0-9549-56cf6d0ee524']).toMatchObject({ outcome: 'succeeded', ipsBefore: ['10.244.1.4'], ipsAfter: ['10.244.2.7'] });
    const row = (now: number) => selectFleetRows(s, { sort: 'name' }, now).find((r) => r.name === 'virtwork-memory-0')!;
    expect(row(moved + 4999)).toMatchObject({ highlight: true, node: 'kv-worker-03', previousNode: 'kv-worker-02', lastDuration: '1s' });
    expect(row(moved + 5000).highlight).toBe(false);
    // Only the moved VMI is highlighted.
    expect(selectFleetRows(s, { sort: 'name' }, moved + 100).filter((r) => r.highlight).map((r) => r.name)).toEqual(['virtwork-memory-0']);
  });

  it('correlates IPs when the VMI moves before its VMIM was ever seen, and follows a late address for a minute only', () => {
    const { store, count } = counting();
    const apply = store.getState().applyBatch;
    apply({ vmis: [added(fixture('vmi-memory-migrating.json'))] }, T0);
    const stale = fixture('vmi-memory-migrated.json');
    stale.status.interfaces[0].ipAddresses = ['10.244.1.4']; // guest agent has not reported the new address yet
    apply({ vmis: [modified(stale)] }, T0 + 1000);
    apply({ vmims: [added(fixture('vmim-memory-succeeded.json'))] }, T0 + 2000);
    const uid = 'e00443e8-9c1c-44d0-9549-56cf6d0ee524';
    expect(store.getState().migrations[uid]).toMatchObject({ ipsBefore: ['10.244.1.4'], ipsAfter: ['10.244.1.4'] });
    apply({ vmis: [modified(fixture('vmi-memory-migrated.json'))] }, T0 + 30_000);
    expect(store.getState().migrations[uid]!.ipsAfter).toEqual(['10.244.2.7']);
    const later = fixture('vmi-memory-migrated.json');
    later.status.interfaces[0].ipAddresses = ['10.244.2.99'];
    apply({ vmis: [modified(later)] }, T0 + 1000 + 61_000);
    expect(store.getState().migrations[uid]!.ipsAfter).toEqual(['10.244.2.7']);
    expect(count()).toBe(5);
  });

  it('a VMIM deleted in flight ends, inferred from the VMI when its migrationState says how', () => {
    const { store, apply } = migrateMemory();
    apply({ vmis: [modified(fixture('vmi-memory-migrated.json'))] }, T0 + 1000);
    apply({ vmims: [deleted(fixture('vmim-memory-running.json'))] }, T0 + 2000);
    const m = store.getState().migrations['e00443e8-9c1c-44d0-9549-56cf6d0ee524']!;
    expect(m).toMatchObject({ outcome: 'succeeded', outcomeFrom: 'inferred', ended: '2026-11-27T21:52:57Z' });
    expect(store.getState().fleet.get('virtwork-memory-0')!.inFlight).toBeUndefined();
  });
});

describe('cluster store: relists', () => {
  function loaded() {
    const store = createClusterStore({ namespace: NS });
    store.getState().applyBatch({ vmis: items('vmi-list.json').map(added), vmims: items('vmim-list.json').map(added) }, T0);
    return store;
  }

  it('a VMI gone from the list leaves the fleet; its migrations stay in history', () => {
    const store = loaded();
    const without = items('vmi-list.json').filter((v) => v.metadata.name !== 'virtwork-cpu-1');
    store.getState().relist('vmis', without, T0 + 5000);
    const s = store.getState();
    expect(s.fleet.get('virtwork-cpu-1')).toBeUndefined();
    expect([...s.fleet.keys()]).toHaveLength(6);
    expect(s.migrations['d9961951-5d28-466a-960a-af285369396c']).toMatchObject({ vmi: 'virtwork-cpu-1', outcome: 'succeeded' });
    expect(s.health.vmis?.lastSync).toBe(T0 + 5000);
  });

  it('finished migrations missing from a VMIM list (garbage-collected) are kept unchanged', () => {
    const store = loaded();
    const before = store.getState().migrations;
    store.getState().relist('vmims', [], T0 + 5000);
    expect(store.getState().migrations).toBe(before);
  });

  it('an in-flight migration missing from the list is settled: from the VMI if it says, else failed (inferred)', () => {
    const store = createClusterStore({ namespace: NS });
    const running = fixture('vmim-memory-running.json');
    const other = fixture('vmim-memory-running.json');
    other.metadata.uid = 'uid-of-a-vanished-one';
    other.metadata.name = 'kubevirt-migrate-vm-gone1';
    other.spec.vmiName = 'virtwork-cpu-0';
    store.getState().applyBatch({ vmis: [added(fixture('vmi-memory-migrated.json'))], vmims: [added(running), added(other)] }, T0);
    store.getState().relist('vmims', [], T0 + 5000);
    const s = store.getState();
    expect(s.migrations['e00443e8-9c1c-44d0-9549-56cf6d0ee524']).toMatchObject({ outcome: 'succeeded', outcomeFrom: 'inferred' });
    expect(s.migrations['uid-of-a-vanished-one']).toMatchObject({ outcome: 'failed', outcomeFrom: 'inferred' });
    expect(s.fleet.get('virtwork-memory-0')!.inFlight).toBeUndefined();
  });

  it('relisting nodes and the status ConfigMap replaces them; no status ConfigMap means no controller', () => {
    const store = loaded();
    store.getState().relist('nodes', items('node-list.json'), T0);
    store.getState().relist('nodes', items('node-list.json').slice(1), T0 + 1);
    expect(Object.keys(store.getState().nodes)).toEqual(['kv-worker-01', 'kv-worker-02', 'kv-worker-03']);
    store.getState().relist('statusConfigMaps', [fixture('status-configmap.json')], T0);
    expect(store.getState().controller.present).toBe(true);
    store.getState().relist('statusConfigMaps', [], T0 + 1);
    expect(store.getState().controller.present).toBe(false);
    // History backfilled from its records stays.
    expect(Object.keys(store.getState().migrations)).toHaveLength(3);
  });

  it('a late DELETED of an older VMI does not remove its successor of the same name', () => {
    const store = createClusterStore({ namespace: NS });
    const old = fixture('vmi-memory-migrated.json');
    const successor = fixture('vmi-memory-migrated.json');
    successor.metadata.uid = 'successor-uid';
    store.getState().applyBatch({ vmis: [added(successor), deleted(old)] }, T0);
    expect(store.getState().fleet.get('virtwork-memory-0')?.uid).toBe('successor-uid');
    store.getState().applyBatch({ vmis: [deleted(successor)] }, T0 + 1);
    expect(store.getState().fleet.get('virtwork-memory-0')).toBeUndefined();
  });
});

describe('cluster store: history and the controller', () => {
  it('dedupes by uid across the watch, the status records and the history file', () => {
    const { store, count } = counting();
    store.getState().applyBatch({ statusConfigMaps: [added(fixture('status-configmap.json'))] }, T0);
    expect(Object.keys(store.getState().migrations)).toHaveLength(3);
    store.getState().applyBatch({ vmims: items('vmim-list.json').map(added) }, T0 + 1);
    const history: Migration[] = items('vmim-list.json').map((o) => ({ ...migrationFrom(o)!, ipsBefore: ['10.0.0.1'] }));
    store.getState().mergeHistory(history);
    const s = store.getState();
    expect(Object.keys(s.migrations).sort()).toEqual(['728f399b-39e0-4033-83cb-cb312784bea8', '90efffd4-a5c0-4dd3-911b-0b61af2e4723', 'd9961951-5d28-466a-960a-af285369396c']);
    expect(Object.values(s.migrations).every((m) => m.outcomeFrom === 'vmim' && m.ipsBefore?.[0] === '10.0.0.1')).toBe(true);
    expect(count()).toBe(3);
    // The same history again changes nothing.
    store.getState().mergeHistory(history);
    expect(count()).toBe(3);
  });

  it('counts migrations per VMI over history, and the last duration is the latest finished', () => {
    const store = createClusterStore({ namespace: NS });
    store.getState().applyBatch({ vmis: items('vmi-list.json').map(added), vmims: items('vmim-list.json').map(added) }, T0);
    const cpu0 = store.getState().fleet.get('virtwork-cpu-0')!;
    // 5jspr took 1 s (21:52:42 -> :43); wfdpn, the later one, took 2 s (21:52:48 -> :50).
    expect(cpu0).toMatchObject({ migrations: 2, lastDurationSec: 2 });
  });

  it('picks the same last migration whatever order two ending in the same second were seen in', () => {
    // Quick migrations end within one (whole) second of each other; a watch and a fresh list see them in different orders.
    const base = items('vmim-list.json').map((o) => migrationFrom(o)!).find((m) => m.vmi === 'virtwork-cpu-0')!;
    const quick: Migration = { ...base, uid: 'uid-quick', name: 'quick', outcome: 'succeeded', created: '2026-11-27T21:53:10Z', ended: '2026-11-27T21:53:10Z' };
    const slow: Migration = { ...base, uid: 'uid-slow', name: 'slow', outcome: 'succeeded', created: '2026-11-27T21:53:09Z', ended: '2026-11-27T21:53:10Z' };
    const lastDuration = (history: Migration[]) => {
      const store = createClusterStore({ namespace: NS });
      store.getState().applyBatch({ vmis: items('vmi-list.json').map(added) }, T0);
      store.getState().mergeHistory(history);
      return store.getState().fleet.get('virtwork-cpu-0')!.lastDurationSec;
    };
    // The later created one is the later migration.
    expect(lastDuration([quick, slow])).toBe(0);
    expect(lastDuration([slow, quick])).toBe(0);
  });

  it('setHealth merges, clears an error given as undefined, and is silent when nothing changes', () => {
    const { store, count } = counting();
    const { setHealth } = store.getState();
    setHealth('vmis', { connected: true, lastSync: 5 });
    setHealth('vmis', { connected: false, error: 'the connection to the API server was lost', restarts: 1 });
    expect(store.getState().health.vmis).toEqual({ resource: 'vmis', connected: false, lastSync: 5, error: 'the connection to the API server was lost', restarts: 1 });
    setHealth('vmis', { connected: true, error: undefined });
    expect(store.getState().health.vmis).toEqual({ resource: 'vmis', connected: true, lastSync: 5, restarts: 1 });
    setHealth('vmis', { connected: true });
    expect(count()).toBe(3);
  });

  it('a memoized fleet selector hands back the same array while nothing it shows changed', () => {
    const store = createClusterStore({ namespace: NS });
    store.getState().applyBatch({ vmis: items('vmi-list.json').map(added) }, T0);
    const select = createFleetRowsSelector();
    const a = select(store.getState(), { sort: 'node' }, T0 + 10_000);
    store.getState().applyBatch({ vmis: items('vmi-list.json').map(modified) }, T0 + 11_000);
    expect(select(store.getState(), { sort: 'node' }, T0 + 12_000)).toBe(a);
    store.getState().applyBatch({ vmis: [modified(fixture('vmi-memory-migrated.json'))] }, T0 + 13_000);
    const b = select(store.getState(), { sort: 'node' }, T0 + 13_000);
    expect(b).not.toBe(a);
    expect(b.filter((r, i) => r !== a[i]).map((r) => r.name)).toContain('virtwork-memory-0');
  });
});
