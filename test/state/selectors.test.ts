import { describe, expect, it } from 'vitest';
import { type ClusterState, initialClusterState } from '../../src/state/cluster-state.js';
import { controllerViewFrom } from '../../src/state/controller.js';
import { reduceBatch } from '../../src/state/reducers.js';
import { selectControllerLine, STALE_AFTER_SEC } from '../../src/state/selectors/controller-line.js';
import { fleetSummary, selectFleetRows } from '../../src/state/selectors/fleet.js';
import { selectMigrationLog } from '../../src/state/selectors/migration-log.js';
import type { FleetVmi, Migration } from '../../src/state/types.js';
import { added, fixture, items, NS } from './helpers/fixtures.js';

const T0 = Date.parse('2026-11-27T21:55:00Z');

function vmi(name: string, over: Partial<FleetVmi> = {}): FleetVmi {
  return { namespace: NS, name, uid: `uid-${name}`, virtwork: true, phase: 'Running', ips: [], migrations: 0, deleting: false, ...over };
}

function fleetState(vmis: FleetVmi[]): Pick<ClusterState, 'fleet'> {
  return { fleet: new Map(vmis.map((v) => [v.name, v])) };
}

describe('selectFleetRows', () => {
  const s = fleetState([
    vmi('virtwork-cpu-10', { component: 'cpu', node: 'kv-worker-2', migrations: 3 }),
    vmi('virtwork-cpu-2', { component: 'cpu', node: 'kv-worker-10', migrations: 10 }),
    vmi('virtwork-disk-0', { component: 'disk', node: 'kv-worker-1', migratable: false, migratableReason: 'DisksNotLiveMigratable', migrations: 0 }),
    vmi('virtwork-memory-0', { component: 'memory', phase: 'Scheduling', migrations: 1 }),
    vmi('other-vm', { virtwork: false, node: 'kv-worker-1', phase: '' }),
  ]);
  const names = (rows: { name: string }[]) => rows.map((r) => r.name);

  it('sorts names numerically-aware, and the name direction flips with sortDesc', () => {
    expect(names(selectFleetRows(s, { sort: 'name' }, T0))).toEqual(['other-vm', 'virtwork-cpu-2', 'virtwork-cpu-10', 'virtwork-disk-0', 'virtwork-memory-0']);
    expect(names(selectFleetRows(s, { sort: 'name', sortDesc: true }, T0))).toEqual(['virtwork-memory-0', 'virtwork-disk-0', 'virtwork-cpu-10', 'virtwork-cpu-2', 'other-vm']);
  });

  it('sorts by node with ties by name and unplaced VMIs last in both directions', () => {
    expect(names(selectFleetRows(s, { sort: 'node' }, T0))).toEqual(['other-vm', 'virtwork-disk-0', 'virtwork-cpu-10', 'virtwork-cpu-2', 'virtwork-memory-0']);
    expect(names(selectFleetRows(s, { sort: 'node', sortDesc: true }, T0))).toEqual(['virtwork-cpu-2', 'virtwork-cpu-10', 'other-vm', 'virtwork-disk-0', 'virtwork-memory-0']);
  });

  it('sorts migrations as numbers, not as text', () => {
    expect(names(selectFleetRows(s, { sort: 'migrations', sortDesc: true }, T0))).toEqual(['virtwork-cpu-2', 'virtwork-cpu-10', 'virtwork-memory-0', 'other-vm', 'virtwork-disk-0']);
  });

  it('sorts by phase and by component', () => {
    expect(names(selectFleetRows(s, { sort: 'phase' }, T0))).toEqual(['virtwork-cpu-2', 'virtwork-cpu-10', 'virtwork-disk-0', 'virtwork-memory-0', 'other-vm']);
    expect(names(selectFleetRows(s, { sort: 'component' }, T0))).toEqual(['virtwork-cpu-2', 'virtwork-cpu-10', 'virtwork-disk-0', 'virtwork-memory-0', 'other-vm']);
  });

  it('filters case-insensitively by name, component or node, not by other columns', () => {
    expect(names(selectFleetRows(s, { sort: 'name', filter: 'CPU' }, T0))).toEqual(['virtwork-cpu-2', 'virtwork-cpu-10']);
    expect(names(selectFleetRows(s, { sort: 'name', filter: 'worker-1' }, T0))).toEqual(['other-vm', 'virtwork-cpu-2', 'virtwork-disk-0']);
    expect(names(selectFleetRows(s, { sort: 'name', filter: 'Scheduling' }, T0))).toEqual([]);
    expect(selectFleetRows(s, { sort: 'name', filter: '   ' }, T0)).toHaveLength(5);
  });

  it('renders every cell as text', () => {
    const rows = selectFleetRows(
      fleetState([
        vmi('a', { migratable: false, migratableReason: 'DisksNotLiveMigratable', lastDurationSec: 65, migrations: 2, inFlight: { uid: 'u', name: 'm', phase: 'Scheduling', targetNode: 'kv-worker-03' } }),
        vmi('b', { phase: '' }),
      ]),
      { sort: 'name' },
      T0,
    );
    expect(rows[0]).toMatchObject({ migratable: 'no', migratableReason: 'DisksNotLiveMigratable', lastDuration: '1m05s', migrations: '2', inFlight: 'Scheduling -> kv-worker-03', highlight: false, component: '', node: '' });
    expect(rows[1]).toMatchObject({ migratable: '?', phase: 'Unknown', inFlight: '', lastDuration: '' });
  });

  it('highlights a node change for 5 s exactly', () => {
    const st = fleetState([vmi('a', { node: 'n2', previousNode: 'n1', nodeChangedAt: T0 })]);
    expect(selectFleetRows(st, { sort: 'name' }, T0)[0]!.highlight).toBe(true);
    expect(selectFleetRows(st, { sort: 'name' }, T0 + 4999)[0]!.highlight).toBe(true);
    expect(selectFleetRows(st, { sort: 'name' }, T0 + 5000)[0]!.highlight).toBe(false);
  });
});

describe('fleetSummary', () => {
  it('counts the real fleet by phase, migratability and node, listing empty nodes too', () => {
    const s = reduceBatch(initialClusterState({ namespace: NS }), { vmis: items('vmi-list.json').map(added), nodes: items('node-list.json').map(added) }, T0);
    expect(fleetSummary(s)).toEqual({
      total: 7,
      byPhase: { Running: 7 },
      migratable: 5,
      notMigratable: 2,
      migratableUnknown: 0,
      inFlight: 0,
      deleting: 0,
      perNode: [
        { node: 'kv-control-plane-01', vmis: 0 },
        { node: 'kv-worker-01', vmis: 3 },
        { node: 'kv-worker-02', vmis: 3 },
        { node: 'kv-worker-03', vmis: 1 },
      ],
      unplaced: 0,
    });
    expect(fleetSummary(s)).toBe(fleetSummary(s));
  });
});

describe('selectMigrationLog', () => {
  const m = (uid: string, created: string, over: Partial<Migration> = {}): Migration => ({
    uid,
    name: `kubevirt-migrate-vm-${uid}`,
    namespace: NS,
    vmi: 'virtwork-cpu-0',
    cause: 'chaos',
    phase: 'Succeeded',
    phaseTimes: {},
    created,
    outcome: 'succeeded',
    ...over,
  });
  const migrations = {
    a: m('a', '2026-11-27T21:50:00Z', { ended: '2026-11-27T21:50:07Z', sourceNode: 'kv-worker-01', targetNode: 'kv-worker-02' }),
    c: m('c', '2026-11-27T21:52:00Z', { outcome: 'in-flight', phase: 'Scheduling', sourceNode: 'kv-worker-02' }),
    b: m('b', '2026-11-27T21:51:00Z', { outcome: 'timeout', ended: '2026-11-27T21:56:00Z', failureReason: 'no result after 300s, cancelled', cause: 'evacuation' }),
  };

  it('is newest first, cut at the limit, with display fields', () => {
    const log = selectMigrationLog({ migrations }, 2, { timeZone: 'UTC' });
    expect(log.map((r) => r.key)).toEqual(['c', 'b']);
    expect(log[0]).toMatchObject({ time: '21:52:00', route: 'kv-worker-02 -> ?', duration: '', result: 'Scheduling', reason: '' });
    expect(log[1]).toMatchObject({ time: '21:51:00', route: '? -> ?', duration: '5m00s', result: 'timeout', cause: 'evacuation', reason: 'no result after 300s, cancelled' });
    expect(selectMigrationLog({ migrations }, 10, { timeZone: 'UTC' })[2]).toMatchObject({ key: 'a', route: 'kv-worker-01 -> kv-worker-02', duration: '7s', result: 'succeeded' });
    expect(selectMigrationLog({ migrations }, 0)).toEqual([]);
  });
});

describe('selectControllerLine', () => {
  const withData = (data: Record<string, string>) => {
    const cm = fixture('status-configmap.json');
    Object.assign(cm.data, data);
    return { controller: controllerViewFrom(cm) };
  };
  const hb = Date.parse('2026-11-27T21:52:50Z');

  it('gives the state, heartbeat age and countdown', () => {
    const line = selectControllerLine(withData({}), hb + 1500);
    expect(line).toMatchObject({ present: true, state: 'idle', heartbeatAgeSec: 1, stale: false, nextInSec: 2, paused: false, dryRun: false });
    expect(line.text).toBe('idle · heartbeat 1s ago · next migration in 2s');
  });

  it(`is stale only after more than ${STALE_AFTER_SEC} s`, () => {
    expect(selectControllerLine(withData({}), hb + 15_999).stale).toBe(false);
    expect(selectControllerLine(withData({}), hb + 16_000)).toMatchObject({ stale: true, heartbeatAgeSec: 16, nextInSec: 0 });
    expect(selectControllerLine(withData({ heartbeat: '' }), hb).stale).toBe(true);
  });

  it("says paused (no countdown) when paused, but 'migrating' while a migration still runs", () => {
    const paused = selectControllerLine(withData({ state: 'paused', settings: 'paused=true', 'next-migration': '' }), hb);
    expect(paused).toMatchObject({ state: 'paused', paused: true });
    expect(paused.nextInSec).toBeUndefined();
    expect(paused.text).toContain('paused');
    const busy = selectControllerLine(withData({ state: 'migrating', settings: 'paused=true migration-dry-run=false', 'current-vmi': 'virtwork-cpu-0', 'current-migration': 'kubevirt-migrate-vm-x' }), hb);
    expect(busy).toMatchObject({ state: 'migrating', paused: true, currentVmi: 'virtwork-cpu-0' });
    expect(busy.text).toBe('migrating · virtwork-cpu-0 (kubevirt-migrate-vm-x) · heartbeat 0s ago · paused');
  });

  it('says absent without a status ConfigMap', () => {
    expect(selectControllerLine({ controller: controllerViewFrom(undefined) }, T0)).toMatchObject({ present: false, state: 'absent', stale: false });
  });
});
