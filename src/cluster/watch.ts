// Informers on what the product watches (VMIs, VMIMs, nodes, the controller's
// status ConfigMap), feeding the cluster store in batches. client-node's
// ListWatch relists by itself after a 410, but after any other error (a
// dropped connection, a failed list, a 5xx) it stops for good: this layer
// restarts it with backoff, so the store converges to the cluster's truth
// after every fault.
import { ListWatch, Watch } from '@kubernetes/client-node';
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import type { ObjectEvent } from '../state/types.js';
import type { Connection } from './connection.js';
import { describeError, httpStatus } from './errors.js';

export type WatchedResource = 'vmis' | 'vmims' | 'nodes' | 'statusConfigMaps';

/** What the watcher needs of the cluster store (src/state/cluster-store.ts). */
export interface BatchSink {
  applyBatch(batch: Partial<Record<WatchedResource, ObjectEvent[]>>, now: number): void;
  setHealth(resource: WatchedResource, patch: { connected?: boolean; lastSync?: number; error?: string | undefined; restarts?: number }): void;
}

export interface WatcherOptions {
  /** Collect events this long before one store update (one frame). */
  batchMs?: number;
  /** First and longest pause before restarting a failed informer. */
  backoffMs?: [number, number];
  /** Watch cluster-scoped nodes (a namespace admin usually may not list them). */
  nodes?: boolean;
  /** Only VMIs with this label selector (default: all in the namespace). */
  vmiSelector?: string;
}

type AnyObject = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } } & Record<string, unknown>;

interface Informer {
  resource: WatchedResource;
  lw: ListWatch<AnyObject>;
  restarts: number;
  backoff: number;
  timer?: NodeJS.Timeout;
}

export class ClusterWatcher {
  private readonly informers: Informer[] = [];
  private pending: Partial<Record<WatchedResource, ObjectEvent[]>> = {};
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly batchMs: number;
  private readonly backoff: [number, number];

  constructor(
    private readonly conn: Connection,
    private readonly sink: BatchSink,
    private readonly opts: WatcherOptions = {},
  ) {
    this.batchMs = opts.batchMs ?? 16;
    this.backoff = opts.backoffMs ?? [500, 30_000];
  }

  start(): void {
    const { conn } = this;
    const ns = conn.namespace;
    const g = 'kubevirt.io';
    const watch = new Watch(conn.kc);
    const list = (fn: () => Promise<unknown>) => async () => (await fn()) as { items: AnyObject[]; metadata?: { resourceVersion?: string } };
    this.add('vmis', new ListWatch<AnyObject>(`/apis/${g}/v1/namespaces/${ns}/virtualmachineinstances`, watch, list(() =>
      conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstances', labelSelector: this.opts.vmiSelector }),
    ), false, this.opts.vmiSelector));
    this.add('vmims', new ListWatch<AnyObject>(`/apis/${g}/v1/namespaces/${ns}/virtualmachineinstancemigrations`, watch, list(() =>
      conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstancemigrations' }),
    ), false));
    const statusField = `metadata.name=${STATUS_MAP_NAME}`;
    this.add('statusConfigMaps', new ListWatch<AnyObject>(`/api/v1/namespaces/${ns}/configmaps`, watch, list(() =>
      conn.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: statusField }),
    ), false, undefined, statusField));
    if (this.opts.nodes) this.add('nodes', new ListWatch<AnyObject>('/api/v1/nodes', watch, list(() => conn.core.listNode()), false));
    for (const inf of this.informers) void this.run(inf);
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const inf of this.informers) {
      if (inf.timer) clearTimeout(inf.timer);
      void inf.lw.stop();
    }
  }

  private add(resource: WatchedResource, lw: ListWatch<AnyObject>): void {
    const inf: Informer = { resource, lw, restarts: 0, backoff: this.backoff[0] };
    const push = (type: ObjectEvent['type']) => (obj: AnyObject) => this.enqueue(resource, { type, object: obj });
    lw.on('add', push('ADDED'));
    lw.on('update', push('MODIFIED'));
    lw.on('delete', push('DELETED'));
    lw.on('connect', () => {
      inf.backoff = this.backoff[0];
      this.sink.setHealth(resource, { connected: true, lastSync: Date.now(), error: undefined });
    });
    lw.on('error', (err: unknown) => this.failed(inf, err));
    this.informers.push(inf);
  }

  private async run(inf: Informer): Promise<void> {
    try {
      await inf.lw.start();
    } catch (err) {
      this.failed(inf, err);
    }
  }

  /** client-node stops an informer after an error; start it again after a backoff. */
  private failed(inf: Informer, err: unknown): void {
    if (this.stopped) return;
    const status = httpStatus(err);
    const message = status === 403 ? `not allowed to watch ${inf.resource}: ${describeError(err, this.conn.server)}` : describeError(err, this.conn.server);
    inf.restarts++;
    this.sink.setHealth(inf.resource, { connected: false, error: message, restarts: inf.restarts });
    if (inf.timer) clearTimeout(inf.timer);
    const wait = inf.backoff;
    inf.backoff = Math.min(inf.backoff * 2, this.backoff[1]);
    inf.timer = setTimeout(() => void this.run(inf), wait);
    inf.timer.unref();
  }

  private enqueue(resource: WatchedResource, ev: ObjectEvent): void {
    (this.pending[resource] ??= []).push(ev);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.batchMs);
  }

  /** Many events in one tick become one store update. */
  private flush(): void {
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = {};
    if (this.stopped) return;
    // One store update; the store marks each batched resource as freshly synced.
    this.sink.applyBatch(batch, Date.now());
  }
}

