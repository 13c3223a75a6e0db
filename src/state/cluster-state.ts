// The shape of one namespace's view of the cluster, shared by the reducers,
// the store and the selectors (kept apart so that none imports the store).
import { emptyControllerView } from './controller.js';
import type { ControllerView, FleetVmi, Migration, NodeView, ObjectEvent, WatchHealth } from './types.js';

/** What the cluster layer watches; also the keys of `health`. */
export type WatchedKind = 'vmis' | 'vmims' | 'nodes' | 'statusConfigMaps';
export const WATCHED_KINDS: readonly WatchedKind[] = ['vmis', 'vmims', 'nodes', 'statusConfigMaps'];

/**
 * The VMIs by name. A Map, not an object: a watch batch copies it (the state
 * is immutable) many times a second, and for thousands of VMIs copying and
 * walking a Map costs a fraction of what an object with as many keys does.
 */
export type Fleet = ReadonlyMap<string, FleetVmi>;

/** Events collected over one tick, by resource. */
export type EventBatch = Partial<Record<WatchedKind, readonly ObjectEvent[]>>;

export interface ClusterState {
  namespace: string;
  /** The run this view follows: given, or adopted from the controller's status. */
  runId?: string;
  /** By VMI name. */
  fleet: Fleet;
  /** By VMIM uid: live VMIMs and history alike; never removed. */
  migrations: Record<string, Migration>;
  controller: ControllerView;
  /** By node name. */
  nodes: Record<string, NodeView>;
  /** By watched resource. */
  health: Record<string, WatchHealth>;
  /** Incremented by every change, so a consumer can tell "anything new?" cheaply. */
  revision: number;
}

export type ClusterInit = Pick<ClusterState, 'namespace'> & Partial<Omit<ClusterState, 'namespace'>>;

export function initialClusterState(init: ClusterInit): ClusterState {
  const s: ClusterState = {
    namespace: init.namespace,
    fleet: init.fleet ?? new Map(),
    migrations: init.migrations ?? {},
    controller: init.controller ?? emptyControllerView(),
    nodes: init.nodes ?? {},
    health: init.health ?? {},
    revision: init.revision ?? 0,
  };
  if (init.runId) s.runId = init.runId;
  return s;
}

export function defaultHealth(resource: string): WatchHealth {
  return { resource, connected: false, restarts: 0 };
}
