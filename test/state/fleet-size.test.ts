// fleetSize: the count a reduction records for the fleet it makes (so that
// the dashboard need not count thousands of keys per batch) must always be
// the real count, through additions, repeats, deletions and relists.
import { describe, expect, it } from 'vitest';
import { createClusterStore } from '../../src/state/cluster-store.js';
import { fleetSize } from '../../src/state/fleet-size.js';
import { added, deleted, manyVmis, modified, movedTo, NS, vmiNamed } from '../ui/helpers/stores.js';

const T0 = 1_800_000_000_000;

describe('fleetSize', () => {
  it('equals the number of VMIs after every batch and relist', () => {
    const s = createClusterStore({ namespace: NS });
    const real = () => Object.keys(s.getState().fleet).length;
    expect(fleetSize(s.getState().fleet)).toBe(0);
    s.getState().applyBatch({ vmis: manyVmis(20, 3) }, T0);
    expect(fleetSize(s.getState().fleet)).toBe(20);
    // The same VMI added twice, modified, and a deletion of one never seen.
    const extra = vmiNamed('virtwork-extra', 'kv-worker-001');
    s.getState().applyBatch({ vmis: [added(extra), added(extra), modified(movedTo(extra, 'kv-worker-002')), deleted(vmiNamed('virtwork-ghost', 'kv-worker-001'))] }, T0 + 1);
    expect(fleetSize(s.getState().fleet)).toBe(real());
    expect(real()).toBe(21);
    s.getState().applyBatch({ vmis: [deleted(extra), deleted(extra)] }, T0 + 2);
    expect(fleetSize(s.getState().fleet)).toBe(20);
    // A relist that keeps half of them.
    const kept = manyVmis(20, 3).slice(0, 10).map((e) => e.object);
    s.getState().relist('vmis', kept, T0 + 3);
    expect(fleetSize(s.getState().fleet)).toBe(10);
    expect(real()).toBe(10);
  });

  it('counts a fleet it was not told about', () => {
    expect(fleetSize({})).toBe(0);
    const fleet = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, { name: n }])) as never;
    expect(fleetSize(fleet)).toBe(3);
  });
});
