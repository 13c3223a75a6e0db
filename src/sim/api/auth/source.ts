// What authentication and authorization read the cluster through. A
// SystemClient satisfies it; so does an ObjectStore through `readerFromStore`,
// which is what unit tests seed directly.
import type { ObjectStore, StoreEvent } from '../store.js';
import type { KubeObject } from '../types.js';

export interface ObjectReader {
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(key: string, namespace?: string): KubeObject[];
}

/** A reader that also reports every change, so callers can keep indexes and caches current. */
export interface WatchableReader extends ObjectReader {
  watch(key: string, fn: (ev: StoreEvent) => void): () => void;
}

export function readerFromStore(store: ObjectStore): WatchableReader {
  return {
    get: (key, namespace, name) => store.get(key, namespace, name),
    list: (key, namespace) => store.list(key, namespace),
    watch: (key, fn) => store.subscribe(key, fn),
  };
}

export function isWatchable(r: ObjectReader): r is WatchableReader {
  return typeof (r as Partial<WatchableReader>).watch === 'function';
}
