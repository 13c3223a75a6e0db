// fleetRowsAt, the dashboard's incremental rows: always what selectFleetRows
// would give (order, filter, highlight), the same array while nothing shown
// changed, and a move newer than the clock highlighted at once.
import { describe, expect, it } from 'vitest';
import { createClusterStore } from '../../src/state/cluster-store.js';
import { HIGHLIGHT_MS, selectFleetRows, type FleetRowOptions } from '../../src/state/selectors/fleet.js';
import { fleetRowsAt } from '../../src/ui/fleet-rows.js';
import { added, deleted, manyVmis, modified, movedTo, NS, vmiNamed } from './helpers/stores.js';

const T0 = 1_800_000_000_000;

function store(count = 60) {
  const s = createClusterStore({ namespace: NS });
  s.getState().applyBatch({ vmis: manyVmis(count, 7) }, T0);
  return s;
}

/** A small deterministic random source, so that a failure can be replayed. */
function rng(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const OPTIONS: FleetRowOptions[] = [
  { sort: 'name' },
  { sort: 'node' },
  { sort: 'node', sortDesc: true },
  { sort: 'phase' },
  { sort: 'migrations' },
  { sort: 'component', filter: 'kv-worker-003' },
  { sort: 'name', filter: 'CPU' },
];

describe('fleetRowsAt', () => {
  it('gives exactly what selectFleetRows gives through random moves, additions and deletions', () => {
    for (const opts of OPTIONS) {
      const s = store();
      const random = rng(42);
      let now = T0;
      const objects = new Map(manyVmis(60, 7).map((e) => [(e.object as { metadata: { name: string } }).metadata.name, e.object]));
      for (let step = 0; step < 150; step++) {
        now += Math.floor(random() * 1500);
        const names = [...objects.keys()];
        const pick = names[Math.floor(random() * names.length)]!;
        const r = random();
        if (r < 0.8) {
          const moved = movedTo(objects.get(pick), `kv-worker-${String(1 + Math.floor(random() * 9)).padStart(3, '0')}`);
          objects.set(pick, moved);
          s.getState().applyBatch({ vmis: [modified(moved)] }, now);
        } else if (r < 0.9) {
          const name = `virtwork-new-${step}`;
          const v = vmiNamed(name, 'kv-worker-001', 'cpu');
          objects.set(name, v);
          s.getState().applyBatch({ vmis: [added(v)] }, now);
        } else {
          s.getState().applyBatch({ vmis: [deleted(objects.get(pick))] }, now);
          objects.delete(pick);
        }
        // The clock lags the moves by up to a second, as the dashboard's does.
        const clock = now - Math.floor(random() * 1000);
        const got = fleetRowsAt(s.getState().fleet, opts, clock);
        const latest = Math.max(...[...s.getState().fleet.values()].map((v) => v.nodeChangedAt ?? 0));
        expect(got, `${JSON.stringify(opts)} step ${step}`).toEqual(selectFleetRows(s.getState(), opts, Math.max(clock, latest)));
      }
    }
  });

  it('returns the same array while nothing shown changes, and a new one when a row does', () => {
    const s = store();
    const opts: FleetRowOptions = { sort: 'name' };
    const a = fleetRowsAt(s.getState().fleet, opts, T0 + 10 * HIGHLIGHT_MS);
    expect(fleetRowsAt(s.getState().fleet, opts, T0 + 10 * HIGHLIGHT_MS + 500)).toBe(a);
    const first = s.getState().fleet.get(a[0]!.key)!;
    s.getState().applyBatch({ vmis: [modified(movedTo(vmiNamed(first.name, first.node!, first.component), 'kv-worker-009'))] }, T0 + 11 * HIGHLIGHT_MS);
    const b = fleetRowsAt(s.getState().fleet, opts, T0 + 11 * HIGHLIGHT_MS - 700);
    expect(b).not.toBe(a);
    expect(b.slice(1)).toEqual(a.slice(1));
    for (let i = 1; i < a.length; i++) expect(b[i]).toBe(a[i]);
    // Highlighted at once although the clock is behind the move; plain again after HIGHLIGHT_MS.
    expect(b[0]).toMatchObject({ node: 'kv-worker-009', highlight: true });
    const c = fleetRowsAt(s.getState().fleet, opts, T0 + 12 * HIGHLIGHT_MS);
    expect(c[0]).toMatchObject({ node: 'kv-worker-009', highlight: false });
    expect(fleetRowsAt(s.getState().fleet, opts, T0 + 12 * HIGHLIGHT_MS + 100)).toBe(c);
  });

  it('at 5,000 VMIs, a batch that moves a few gives new rows for exactly those and keeps every other row object', () => {
    // How fast that is belongs to `npm run bench`; here, that the work is incremental.
    const s = createClusterStore({ namespace: NS });
    s.getState().applyBatch({ vmis: manyVmis(5000, 100) }, T0);
    const opts: FleetRowOptions = { sort: 'name' };
    let before = fleetRowsAt(s.getState().fleet, opts, T0 + 10 * HIGHLIGHT_MS);
    const names = [...s.getState().fleet.keys()].slice(0, 50);
    for (let i = 0; i < 20; i++) {
      const moved = [names[i]!, names[49 - i]!];
      const now = T0 + 10 * HIGHLIGHT_MS + i;
      s.getState().applyBatch(
        { vmis: moved.map((n) => { const v = s.getState().fleet.get(n)!; return modified(movedTo(vmiNamed(v.name, v.node!, v.component), `kv-moved-${i}`)); }) },
        now,
      );
      const after = fleetRowsAt(s.getState().fleet, opts, now);
      const replaced = after.flatMap((r, j) => (r === before[j] ? [] : [r.key]));
      expect(replaced.sort()).toEqual([...new Set(moved)].sort());
      expect(after).toEqual(selectFleetRows(s.getState(), opts, now));
      before = after;
    }
  });
});
