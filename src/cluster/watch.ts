// Informers on what the product watches (VMIs, VMIMs, nodes, the controller's
// status ConfigMap), feeding the cluster store in batches.
//
// What client-node 1.4's ListWatch does and does not do, and what this layer
// adds:
// - After a 410 (an ERROR event or status) it relists by itself; after any
//   other error (a dropped connection, a failed list, a 5xx on the watch) it
//   stops for good. This layer restarts it with a growing backoff; the
//   restarted informer resumes from its last resourceVersion, and a resume
//   that is too old gets a 410 and relists.
// - A list is applied to the store as a relist (the list is the truth: what
//   is missing from it is gone, a migration missing from it ended unseen),
//   not as the add/update/delete events the informer derives from it, and the
//   events still queued for that resource are dropped: they are older than
//   the list.
// - It does not notice being stopped while a list or a watch request is on
//   its way, and would then open a watch nobody closes (a CLI that never
//   exits). Every watch request goes through TrackedWatch, which aborts what
//   opens after stop(), and a list that answers after stop() is discarded.
// Watch events are collected for one tick (batchMs) and applied as one store
// update.
import { ListWatch, Watch } from '@kubernetes/client-node';
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import type { ObjectEvent } from '../state/types.js';
import type { Connection } from './connection.js';
import { ClusterError, describeError, httpStatus } from './errors.js';

export type WatchedResource = 'vmis' | 'vmims' | 'nodes' | 'statusConfigMaps';

/** What the watcher needs of the cluster store (src/state/cluster-store.ts). */
export interface BatchSink {
  applyBatch(batch: Partial<Record<WatchedResource, ObjectEvent[]>>, now: number): void;
  /** A fresh list replaces the resource's live set. */
  relist(resource: WatchedResource, objects: readonly unknown[], now: number): void;
  setHealth(resource: WatchedResource, patch: { connected?: boolean; lastSync?: number; error?: string | undefined; restarts?: number }): void;
}

export interface WatcherOptions {
  /** Collect events this long before one store update (one frame). */
  batchMs?: number;
  /** First and longest pause before restarting a failed informer. */
  backoffMs?: [number, number];
  /** Watch cluster-scoped nodes (a namespace admin usually may not list them: then nodes are left out). */
  nodes?: boolean;
  /** Only VMIs with this label selector (default: all in the namespace). */
  vmiSelector?: string;
}

/** Where one informer stands, for waitForSync and the UI. */
export interface InformerState {
  resource: WatchedResource;
  /** Its list has been applied at least once. */
  synced: boolean;
  /** Given up on (nodes without permission): it counts as synced, with nothing in it. */
  unavailable?: string;
  restarts: number;
  /** Lists applied: the first, and one after every 410 Expired. */
  lists: number;
  /** The last error, in one sentence, until the next successful list or watch. */
  error?: string;
  /** The error before the first sync, as a ClusterError (for callers that fail fast). */
  firstError?: ClusterError;
}

type AnyObject = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } } & Record<string, unknown>;
type ListFn = () => Promise<{ items: AnyObject[]; metadata?: { resourceVersion?: string } }>;

interface Informer {
  resource: WatchedResource;
  /** The watch path: TrackedWatch's callbacks find the informer by it. */
  path: string;
  lw: ListWatch<AnyObject>;
  state: InformerState;
  backoff: number;
  /** True from the moment a list answered until its watch is requested: the informer's own replay of the list is dropped. */
  replaying: boolean;
  /** A resync asked for while replaying (the informer's cache was not yet the new list): done once it is. */
  resyncPending?: boolean;
  /** When the current attempt began: an informer that ran a while before failing starts its backoff afresh. */
  startedAt: number;
  timer?: NodeJS.Timeout;
}

/** Keeps every watch request it opens, so that stop() can abort them, including ones that open after it. */
class TrackedWatch extends Watch {
  private readonly open = new Set<AbortController>();
  private closed = false;

  constructor(
    kc: Connection['kc'],
    private readonly onRequest: (path: string) => void,
    private readonly onEstablished: (path: string) => void,
  ) {
    super(kc);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    this.onRequest(path);
    let ended = false;
    const controller = await super.watch(path, queryParams, callback, (err) => {
      ended = true;
      done(err);
    });
    if (ended) return controller;
    if (this.closed) {
      controller.abort();
      return controller;
    }
    this.open.add(controller);
    controller.signal.addEventListener('abort', () => this.open.delete(controller), { once: true });
    this.onEstablished(path);
    return controller;
  }

  close(): void {
    this.closed = true;
    for (const c of this.open) c.abort();
    this.open.clear();
  }
}

export class ClusterWatcher {
  private readonly informers: Informer[] = [];
  private pending: Partial<Record<WatchedResource, ObjectEvent[]>> = {};
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  private readonly batchMs: number;
  private readonly backoff: [number, number];
  private watch: TrackedWatch | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly conn: Connection,
    private readonly sink: BatchSink,
    private readonly opts: WatcherOptions = {},
  ) {
    this.batchMs = opts.batchMs ?? 16;
    this.backoff = opts.backoffMs ?? [500, 30_000];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { conn } = this;
    const ns = conn.namespace;
    const g = 'kubevirt.io';
    const byPath = (path: string) => this.informers.find((i) => i.path === path);
    this.watch = new TrackedWatch(
      conn.kc,
      (path) => {
        // The informer asks for its watch right after applying a list to its cache: its replay of that list is over.
        const inf = byPath(path);
        if (!inf) return;
        inf.replaying = false;
        if (inf.resyncPending) {
          inf.resyncPending = false;
          this.resyncNow(inf);
        }
      },
      (path) => {
        const inf = byPath(path);
        if (inf) this.healthy(inf);
      },
    );
    const statusField = `metadata.name=${STATUS_MAP_NAME}`;
    // The controller's status first: it tells which VMIMs are ours.
    this.add('statusConfigMaps', `/api/v1/namespaces/${ns}/configmaps`, async () => (await conn.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: statusField })) as never, undefined, statusField);
    this.add(
      'vmis',
      `/apis/${g}/v1/namespaces/${ns}/virtualmachineinstances`,
      async () => (await conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstances', labelSelector: this.opts.vmiSelector })) as never,
      this.opts.vmiSelector,
    );
    this.add(
      'vmims',
      `/apis/${g}/v1/namespaces/${ns}/virtualmachineinstancemigrations`,
      async () => (await conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstancemigrations' })) as never,
    );
    if (this.opts.nodes) this.add('nodes', '/api/v1/nodes', async () => (await conn.core.listNode()) as never);
    for (const inf of this.informers) void this.run(inf);
  }

  /** Stops every informer and aborts every open watch; queued events are dropped. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending = {};
    for (const inf of this.informers) {
      if (inf.timer) clearTimeout(inf.timer);
      void inf.lw.stop();
    }
    this.watch?.close();
    this.notify();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Each informer's state (a copy). */
  states(): InformerState[] {
    return this.informers.map((i) => ({ ...i.state }));
  }

  /** Every informer has applied its first list (or was given up on). */
  get synced(): boolean {
    return this.started && this.informers.every((i) => i.state.synced);
  }

  /** Called after every sync, error and stop; returns the unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Applies what is queued now instead of at the end of the tick. */
  flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flush();
  }

  /**
   * Applies the informer's current cache of `resource` to the store as a
   * relist (after history was merged in, so that migrations it left in flight
   * and that are gone by now are settled). No-op before its first list.
   */
  resync(resource: WatchedResource): void {
    const inf = this.informers.find((i) => i.resource === resource);
    if (!inf || !inf.state.synced || inf.state.unavailable || this.stopped) return;
    // Between a list's answer and its watch request the informer's cache still holds the previous list.
    if (inf.replaying) inf.resyncPending = true;
    else this.resyncNow(inf);
  }

  private resyncNow(inf: Informer): void {
    if (this.stopped) return;
    this.flushNow();
    this.sink.relist(inf.resource, inf.lw.list(), Date.now());
  }

  private add(resource: WatchedResource, path: string, list: ListFn, labelSelector?: string, fieldSelector?: string): Informer {
    const inf = { resource, path, state: { resource, synced: false, restarts: 0, lists: 0 }, backoff: this.backoff[0], replaying: false, startedAt: 0 } as Omit<Informer, 'lw'> as Informer;
    const listed: ListFn = async () => {
      const result = await list();
      // Stopped meanwhile: failing here keeps the informer from opening a watch.
      if (this.stopped) throw new Error('watcher stopped');
      this.relisted(inf, result.items ?? []);
      return result;
    };
    inf.lw = new ListWatch<AnyObject>(path, this.watch!, listed, false, labelSelector, fieldSelector);
    const push = (type: ObjectEvent['type']) => (obj: AnyObject) => {
      if (!inf.replaying) this.enqueue(resource, { type, object: obj });
    };
    inf.lw.on('add', push('ADDED'));
    inf.lw.on('update', push('MODIFIED'));
    inf.lw.on('delete', push('DELETED'));
    inf.lw.on('error', (err: unknown) => this.failed(inf, err));
    this.informers.push(inf);
    return inf;
  }

  private async run(inf: Informer): Promise<void> {
    if (this.stopped) return;
    inf.startedAt = Date.now();
    try {
      await inf.lw.start();
    } catch (err) {
      this.failed(inf, err);
    }
  }

  /** A list answered: it replaces what the store holds of the resource, and older queued events go. */
  private relisted(inf: Informer, items: readonly unknown[]): void {
    inf.replaying = true;
    delete this.pending[inf.resource];
    const now = Date.now();
    this.sink.relist(inf.resource, items, now);
    const first = !inf.state.synced;
    inf.state.synced = true;
    inf.state.lists++;
    delete inf.state.firstError;
    this.healthy(inf, now);
    if (first) this.notify();
  }

  /** A list or a watch request succeeded: the backoff starts afresh and the health says connected. */
  private healthy(inf: Informer, now = Date.now()): void {
    inf.backoff = this.backoff[0];
    delete inf.state.error;
    this.sink.setHealth(inf.resource, { connected: true, lastSync: now, error: undefined });
  }

  /** client-node stops an informer after an error; start it again after a backoff. */
  private failed(inf: Informer, err: unknown): void {
    if (this.stopped) return;
    inf.replaying = false;
    const status = httpStatus(err) ?? (err as { statusCode?: unknown }).statusCode;
    const code = typeof status === 'number' ? status : undefined;
    const kubevirtKind = inf.resource === 'vmis' ? 'VirtualMachineInstances' : inf.resource === 'vmims' ? 'VirtualMachineInstanceMigrations' : undefined;
    const message =
      code === 403
        ? `not allowed to watch ${inf.resource}: ${describeError(err, this.conn.server)}`
        : code === 404 && kubevirtKind
          ? `the cluster at ${this.conn.server} does not serve ${kubevirtKind} (kubevirt.io/v1): KubeVirt is not installed, or not ready`
          : describeError(err, this.conn.server);
    if (inf.timer) clearTimeout(inf.timer);
    inf.timer = undefined;
    // A namespace admin may not list nodes: the view goes without them rather than retrying forever.
    if (inf.resource === 'nodes' && (code === 403 || code === 401)) {
      inf.state.unavailable = message;
      inf.state.synced = true;
      inf.state.error = message;
      this.sink.setHealth(inf.resource, { connected: false, error: message });
      void inf.lw.stop();
      this.notify();
      return;
    }
    inf.state.restarts++;
    inf.state.error = message;
    if (!inf.state.synced) inf.state.firstError = new ClusterError(message, code);
    this.sink.setHealth(inf.resource, { connected: false, error: message, restarts: inf.state.restarts });
    // An informer that ran well for a while before this error is not in a failure loop.
    if (Date.now() - inf.startedAt > this.backoff[1]) inf.backoff = this.backoff[0];
    const wait = inf.backoff;
    inf.backoff = Math.min(inf.backoff * 2, this.backoff[1]);
    inf.timer = setTimeout(() => void this.run(inf), wait);
    inf.timer.unref();
    this.notify();
  }

  private enqueue(resource: WatchedResource, ev: ObjectEvent): void {
    if (this.stopped) return;
    (this.pending[resource] ??= []).push(ev);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.batchMs);
  }

  /** Many events in one tick become one store update. */
  private flush(): void {
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = {};
    if (this.stopped || Object.keys(batch).length === 0) return;
    // One store update; the store marks each batched resource as freshly synced.
    this.sink.applyBatch(batch, Date.now());
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
