// The one vanilla store of a namespace's view. The cluster layer calls its
// actions (a batch of watch events per tick, a relist after a fault, history
// from disk, watch health); the TUI subscribes with useStore + useShallow and
// the headless commands read getState(). Every action is one reducer call and
// at most one set(), so subscribers hear of a batch once, however many events
// it held, and not at all when nothing changed.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type ClusterInit, type ClusterState, type EventBatch, initialClusterState, type WatchedKind } from './cluster-state.js';
import { type HealthPatch, reduceBatch, reduceHealth, reduceHistory, reduceRelist } from './reducers.js';
import type { Migration } from './types.js';

export interface ClusterActions {
  /** One tick's events from the watches; one store update at most. */
  applyBatch(batch: EventBatch, now: number): void;
  /** A fresh list of one resource replaces its live set (see reducers.ts for the semantics). */
  relist(kind: WatchedKind, objects: readonly unknown[], now: number): void;
  /** Migrations from the local history (deduplicated by uid; the richer record wins). */
  mergeHistory(migrations: readonly Migration[], now?: number): void;
  setHealth(resource: string, patch: HealthPatch): void;
}

export type ClusterStoreState = ClusterState & ClusterActions;
export type ClusterStore = StoreApi<ClusterStoreState>;

export function createClusterStore(init: ClusterInit): ClusterStore {
  return createStore<ClusterStoreState>()((set, get) => {
    const commit = (next: ClusterStoreState) => {
      if (next !== get()) set(next, true);
    };
    return {
      ...initialClusterState(init),
      applyBatch: (batch, now) => commit(reduceBatch(get(), batch, now)),
      relist: (kind, objects, now) => commit(reduceRelist(get(), kind, objects, now)),
      mergeHistory: (migrations, now) => commit(reduceHistory(get(), migrations, now)),
      setHealth: (resource, patch) => commit(reduceHealth(get(), resource, patch)),
    };
  });
}
