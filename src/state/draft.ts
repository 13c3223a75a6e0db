// The working copy one reduction writes into: each record of the state is
// copied on its first write only (the fleet can hold thousands of VMIs, and a
// batch usually touches a few), and finish() produces the next state, or the
// base itself when nothing changed.
import { type ClusterState, defaultHealth, type Fleet, type WatchedKind } from './cluster-state.js';
import { deriveFleet } from './correlate.js';
import { sameNodeView } from './nodes.js';
import type { ControllerView, FleetVmi, Migration, NodeView, WatchHealth } from './types.js';

/** A copy-on-write working set for one reduction. */
export class Draft {
  fleet: Fleet;
  migrations: Record<string, Migration>;
  nodes: Record<string, NodeView>;
  controller: ControllerView;
  runId: string | undefined;
  health: Record<string, WatchHealth>;
  /** VMIs whose derived fields (and IP correlation) must be recomputed. */
  readonly touched = new Set<string>();
  private readonly owned = new Set<string>();

  constructor(readonly base: ClusterState) {
    this.fleet = base.fleet;
    this.migrations = base.migrations;
    this.nodes = base.nodes;
    this.controller = base.controller;
    this.runId = base.runId;
    this.health = base.health;
  }

  private ownFleet(): Map<string, FleetVmi> {
    if (!this.owned.has('fleet')) {
      this.owned.add('fleet');
      this.fleet = new Map(this.fleet);
    }
    return this.fleet as Map<string, FleetVmi>;
  }

  private own<K extends 'migrations' | 'nodes' | 'health'>(key: K): Draft[K] {
    if (!this.owned.has(key)) {
      this.owned.add(key);
      (this as Draft)[key] = { ...(this as Draft)[key] } as Draft[K];
    }
    return (this as Draft)[key];
  }

  setVmi(v: FleetVmi): void {
    this.ownFleet().set(v.name, v);
    this.touched.add(v.name);
  }
  removeVmi(name: string): void {
    if (this.fleet.has(name)) this.ownFleet().delete(name);
  }
  setMigration(m: Migration): void {
    if (this.migrations[m.uid] === m) return;
    this.own('migrations')[m.uid] = m;
    if (m.vmi) this.touched.add(m.vmi);
  }
  setNode(n: NodeView): void {
    const cur = this.nodes[n.name];
    if (!cur || !sameNodeView(cur, n)) this.own('nodes')[n.name] = n;
  }
  removeNode(name: string): void {
    if (this.nodes[name] !== undefined) delete this.own('nodes')[name];
  }
  synced(kind: WatchedKind, now: number): void {
    const h = this.health[kind];
    if (h?.lastSync === now) return;
    this.own('health')[kind] = { ...(h ?? defaultHealth(kind)), lastSync: now };
  }

  /** The next state, or the base itself when nothing changed. */
  finish(now: number): ClusterState {
    const derived = deriveFleet(this.fleet, this.migrations, this.touched, now);
    for (const v of derived.vmis) this.ownFleet().set(v.name, v);
    for (const m of derived.migrations) this.own('migrations')[m.uid] = m;
    const { fleet, migrations } = this;
    const b = this.base;
    if (fleet === b.fleet && migrations === b.migrations && this.nodes === b.nodes && this.controller === b.controller && this.runId === b.runId && this.health === b.health) {
      return b;
    }
    const next: ClusterState = { ...b, fleet, migrations, nodes: this.nodes, controller: this.controller, health: this.health, revision: b.revision + 1 };
    if (this.runId) next.runId = this.runId;
    return next;
  }
}
