// Informers on what the product watches (VMIs, VMIMs, nodes, the controller's
// status ConfigMap), feeding the cluster store in batches.
//
// Each informer lists, applies the list to the store as a relist (the list is
// the truth: what is missing from it is gone), then watches from the list's
// resourceVersion with client-node's Watch, and
// - after a clean end of the stream watches again from the last version seen
//   (bookmarks included);
// - after a 410 Expired lists again;
// - after any other failure (a dropped connection, a failed list, a 5xx)
//   starts over after a growing backoff, resuming from the last version.
// It keeps no copy of the objects: the store's models are the only one, which
// halves the memory of a view of thousands of VMIs compared to client-node's
// ListWatch (whose cache holds every object). Events within one frame become
// one store update; the first event after a quiet frame goes at once.
import { Watch } from '@kubernetes/client-node';
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import type { ObjectEvent } from '../state/types.js';
import type { Connection } from './connection.js';
import { ClusterError, describeError, httpStatus, noKubeVirtMessage } from './errors.js';

export type WatchedResource = 'vmis' | 'vmims' | 'nodes' | 'statusConfigMaps';

/** What the watcher needs of the cluster store (src/state/cluster-store.ts). */
export interface BatchSink {
  applyBatch(batch: Partial<Record<WatchedResource, ObjectEvent[]>>, now: number): void;
  /** A fresh list replaces the resource's live set. */
  relist(resource: WatchedResource, objects: readonly unknown[], now: number): void;
  setHealth(resource: WatchedResource, patch: { connected?: boolean; lastSync?: number; error?: string | undefined; restarts?: number }): void;
}

export interface WatcherOptions {
  /** At most one store update per this many ms (one frame). */
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
  /** Lists applied: the first, and one after every 410 Expired or resync. */
  lists: number;
  /** The last error, in one sentence, until the next successful list or watch. */
  error?: string;
  /** The error before the first sync, as a ClusterError (for callers that fail fast). */
  firstError?: ClusterError;
}

type AnyObject = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } } & Record<string, unknown>;
type ListFn = () => Promise<{ items?: AnyObject[]; metadata?: { resourceVersion?: string } }>;

interface Informer {
  resource: WatchedResource;
  path: string;
  list: ListFn;
  labelSelector?: string;
  fieldSelector?: string;
  /** Where the watch resumes; '' means list first. */
  rv: string;
  /** Bumped by every (re)start: callbacks of an older attempt are ignored. */
  attempt: number;
  controller?: AbortController;
  state: InformerState;
  backoff: number;
  /** When the current attempt began: one that ran a while before failing starts its backoff afresh. */
  startedAt: number;
  timer?: NodeJS.Timeout;
}

export class ClusterWatcher {
  private readonly informers: Informer[] = [];
  private pending: Partial<Record<WatchedResource, ObjectEvent[]>> = {};
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private stopped = false;
  private started = false;
  private readonly batchMs: number;
  private readonly backoff: [number, number];
  private readonly watch: Watch;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly conn: Connection,
    private readonly sink: BatchSink,
    private readonly opts: WatcherOptions = {},
  ) {
    this.batchMs = opts.batchMs ?? 16;
    this.backoff = opts.backoffMs ?? [500, 30_000];
    this.watch = new Watch(conn.kc);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { conn } = this;
    const ns = conn.namespace;
    const g = 'kubevirt.io';
    const statusField = `metadata.name=${STATUS_MAP_NAME}`;
    // The controller's status first: it tells which VMIMs are ours.
    this.add('statusConfigMaps', `/api/v1/namespaces/${ns}/configmaps`, () => conn.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: statusField }) as never, undefined, statusField);
    this.add(
      'vmis',
      `/apis/${g}/v1/namespaces/${ns}/virtualmachineinstances`,
      () => conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstances', labelSelector: this.opts.vmiSelector }) as never,
      this.opts.vmiSelector,
    );
    this.add('vmims', `/apis/${g}/v1/namespaces/${ns}/virtualmachineinstancemigrations`, () =>
      conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstancemigrations' }) as never,
    );
    if (this.opts.nodes) this.add('nodes', '/api/v1/nodes', () => conn.core.listNode() as never);
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
      inf.attempt++;
      inf.controller?.abort();
    }
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

  /** Applies what is queued now instead of at the end of the frame. */
  flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flush();
  }

  /**
   * Lists `resource` again and applies it as a relist (after history was
   * merged in, so that migrations it left in flight and that are gone by now
   * are settled). No-op before its first list.
   */
  resync(resource: WatchedResource): void {
    const inf = this.informers.find((i) => i.resource === resource);
    if (!inf || !inf.state.synced || inf.state.unavailable || this.stopped) return;
    inf.rv = '';
    this.restart(inf, 0);
  }

  private add(resource: WatchedResource, path: string, list: ListFn, labelSelector?: string, fieldSelector?: string): void {
    this.informers.push({ resource, path, list, labelSelector, fieldSelector, rv: '', attempt: 0, state: { resource, synced: false, restarts: 0, lists: 0 }, backoff: this.backoff[0], startedAt: 0 });
  }

  private restart(inf: Informer, waitMs: number): void {
    inf.attempt++;
    inf.controller?.abort();
    inf.controller = undefined;
    if (inf.timer) clearTimeout(inf.timer);
    inf.timer = setTimeout(() => void this.run(inf), waitMs);
    inf.timer.unref();
  }

  private async run(inf: Informer): Promise<void> {
    if (this.stopped) return;
    const attempt = ++inf.attempt;
    const current = () => !this.stopped && inf.attempt === attempt;
    inf.startedAt = Date.now();
    try {
      if (!inf.rv) {
        const list = await inf.list();
        if (!current()) return;
        this.relisted(inf, list.items ?? []);
        inf.rv = list.metadata?.resourceVersion ?? '';
      }
      const params = { resourceVersion: inf.rv, allowWatchBookmarks: true, labelSelector: inf.labelSelector, fieldSelector: inf.fieldSelector };
      const controller = await this.watch.watch(
        inf.path,
        params,
        (type, obj: AnyObject & { code?: number }) => {
          if (!current()) return;
          if (type === 'ERROR') {
            // 410: the version is too old to resume from; the stream closes and the next attempt lists.
            if (obj.code === 410) inf.rv = '';
            return;
          }
          if (obj?.metadata?.resourceVersion) inf.rv = obj.metadata.resourceVersion;
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.enqueue(inf.resource, { type, object: obj });
        },
        (err) => {
          if (!current()) return;
          inf.controller = undefined;
          if (err) this.failed(inf, err);
          else void this.run(inf); // a clean end (timeout, 410): resume or relist at once
        },
      );
      if (!current()) {
        controller.abort();
        return;
      }
      inf.controller = controller;
      this.healthy(inf);
    } catch (err) {
      if (current()) this.failed(inf, err);
    }
  }

  /** A list answered: it replaces what the store holds of the resource, and older queued events go. */
  private relisted(inf: Informer, items: readonly unknown[]): void {
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

  /** Starts the informer over after a backoff, saying why in one sentence. */
  private failed(inf: Informer, err: unknown): void {
    if (this.stopped) return;
    const status = httpStatus(err) ?? (err as { statusCode?: unknown }).statusCode;
    const code = typeof status === 'number' ? status : undefined;
    const isKubeVirtKind = inf.resource === 'vmis' || inf.resource === 'vmims';
    const message =
      code === 403
        ? `not allowed to watch ${inf.resource}: ${describeError(err, this.conn.server)}`
        : code === 404 && isKubeVirtKind
          ? noKubeVirtMessage(this.conn.server)
          : describeError(err, this.conn.server);
    // A namespace admin may not list nodes: the view goes without them rather than retrying forever.
    if (inf.resource === 'nodes' && (code === 403 || code === 401)) {
      inf.attempt++;
      inf.state = { ...inf.state, unavailable: message, synced: true, error: message };
      this.sink.setHealth(inf.resource, { connected: false, error: message });
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
    this.restart(inf, wait);
    this.notify();
  }

  private enqueue(resource: WatchedResource, ev: ObjectEvent): void {
    if (this.stopped) return;
    (this.pending[resource] ??= []).push(ev);
    if (this.flushTimer) return;
    // At most one update per frame, but the first event after a quiet frame does not wait for one.
    const wait = Math.max(0, this.lastFlush + this.batchMs - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /** Many events in one frame become one store update. */
  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlush = Date.now();
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
