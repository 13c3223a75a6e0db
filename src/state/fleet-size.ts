// How many VMIs a fleet object holds, without counting its keys: a fleet can
// hold thousands, and Object.keys on such an object costs about a millisecond,
// paid on every watch batch by whoever needs the count. The reduction that
// makes a fleet knows its size and records it here; any other fleet (a test
// fixture, a state built by hand) is counted once and remembered.
import type { FleetVmi } from './types.js';

type Fleet = Readonly<Record<string, FleetVmi>>;

const sizes = new WeakMap<Fleet, number>();

export function fleetSize(fleet: Fleet): number {
  let n = sizes.get(fleet);
  if (n === undefined) sizes.set(fleet, (n = Object.keys(fleet).length));
  return n;
}

/** Records the size of a fleet the caller has just built (and will not change). */
export function recordFleetSize(fleet: Fleet, size: number): void {
  sizes.set(fleet, size);
}
