// The in-memory object store: one resourceVersion counter for the whole
// cluster (as etcd's revision), objects per resource, and per-resource event
// windows from which watches resume (as the apiserver's watch cache does).
import type { KubeObject } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  /** Resource key (`configmaps`, `virtualmachines.kubevirt.io`). */
  key: string;
  rv: number;
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED). */
  previous?: KubeObject;
}

export type StoreListener = (ev: StoreEvent) => void;

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

interface ResourceBucket {
  objects: Map<string, KubeObject>;
  /** Recent events, oldest first; watches resume from here. */
  window: StoreEvent[];
  listeners: Set<StoreListener>;
  /** Any resourceVersion at or below this one is too old to resume from. */
  compactedThrough: number;
}

export interface StoreOptions {
  /** How many events per resource a watch may resume across (the watch cache's capacity). */
  windowSize?: number;
}

/** The revision the store starts at: any older resourceVersion was never served, so it is too old. */
const FIRST_REVISION = 1000;

export class ObjectStore {
  private revision = FIRST_REVISION;
  private readonly buckets = new Map<string, ResourceBucket>();
  private readonly windowSize: number;
  private readonly encodedCache = new WeakMap<KubeObject, Buffer>();

  constructor(opts: StoreOptions = {}) {
    this.windowSize = opts.windowSize ?? 20_000;
  }

  get currentRevision(): number {
    return this.revision;
  }

  private bucket(key: string): ResourceBucket {
    let b = this.buckets.get(key);
    if (!b) {
      // A resource first written now has had no events dropped: it resumes from any served revision.
      b = { objects: new Map(), window: [], listeners: new Set(), compactedThrough: FIRST_REVISION };
      this.buckets.set(key, b);
    }
    return b;
  }

  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.objects.get(objectKey(namespace, name));
  }

  /** Objects of a resource, optionally in one namespace, in name order (as etcd keys sort). */
  list(key: string, namespace?: string): KubeObject[] {
    const b = this.buckets.get(key);
    if (!b) return [];
    const out: KubeObject[] = [];
    const prefix = namespace ? `${namespace}/` : undefined;
    for (const [k, o] of b.objects) if (!prefix || k.startsWith(prefix)) out.push(o);
    return out.sort((a, c) => cmp(objectKey(a.metadata.namespace, a.metadata.name!), objectKey(c.metadata.namespace, c.metadata.name!)));
  }

  count(key: string): number {
    return this.buckets.get(key)?.objects.size ?? 0;
  }

  /**
   * JSON of a stored object as UTF-8 bytes, encoded once per version of it and
   * shared by every list and watcher: a list of thousands is a concatenation of
   * these, never one large string built and encoded again per request.
   */
  encoded(o: KubeObject): Buffer {
    let b = this.encodedCache.get(o);
    if (b === undefined) {
      b = Buffer.from(JSON.stringify(o));
      this.encodedCache.set(o, b);
    }
    return b;
  }

  /** JSON of a stored object (the encoded bytes as a string). */
  serialise(o: KubeObject): string {
    return this.encoded(o).toString('utf8');
  }

  /**
   * Writes an object (create or replace), stamping the next resourceVersion.
   * The object is owned by the store from here on: callers must not mutate it.
   */
  put(key: string, object: KubeObject): KubeObject {
    const b = this.bucket(key);
    const k = objectKey(object.metadata.namespace, object.metadata.name!);
    const prev = b.objects.get(k);
    const rv = ++this.revision;
    object.metadata.resourceVersion = String(rv);
    b.objects.set(k, object);
    this.emit(b, { type: prev ? 'MODIFIED' : 'ADDED', key, rv, object, ...(prev ? { previous: prev } : {}) });
    return object;
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion. */
  remove(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const b = this.buckets.get(key);
    const k = objectKey(namespace, name);
    const prev = b?.objects.get(k);
    if (!b || !prev) return undefined;
    b.objects.delete(k);
    const rv = ++this.revision;
    const gone: KubeObject = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rv) } };
    this.emit(b, { type: 'DELETED', key, rv, object: gone, previous: prev });
    return gone;
  }

  private emit(b: ResourceBucket, ev: StoreEvent): void {
    b.window.push(ev);
    if (b.window.length > this.windowSize) {
      const drop = b.window.length - this.windowSize;
      b.compactedThrough = b.window[drop - 1]!.rv;
      b.window.splice(0, drop);
    }
    for (const l of [...b.listeners]) l(ev);
  }

  subscribe(key: string, listener: StoreListener): () => void {
    const b = this.bucket(key);
    b.listeners.add(listener);
    return () => b.listeners.delete(listener);
  }

  /**
   * Events after `rv` for a resource, or 'expired' when `rv` is older than the
   * window keeps. Returns the oldest resourceVersion still resumable with it.
   */
  eventsSince(key: string, rv: number): { events: StoreEvent[] } | { expired: true; oldest: number } {
    const b = this.bucket(key);
    if (rv < b.compactedThrough) return { expired: true, oldest: b.compactedThrough + 1 };
    const w = b.window;
    // Binary search for the first event newer than rv.
    let lo = 0;
    let hi = w.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return { events: w.slice(lo) };
  }

  /** Forgets every event window so that any resume fails with 410 (fault injection). */
  compactAll(): void {
    for (const b of this.buckets.values()) {
      b.window.length = 0;
      b.compactedThrough = this.revision;
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
