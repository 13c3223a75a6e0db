// A namespace's view of the cluster, as the TUI, `status --watch` and `run`
// open it: one cluster store fed by the watcher, with the local history of
// the run it follows loaded into it and kept up to date from it; and the
// one-shot read behind `status` and `report`, which lists once and merges the
// same history. Nothing here prints or knows a UI.
//
// Which run a view follows: the run id given, else the one the controller's
// status ConfigMap reports once it has been listed (the store adopts it), else
// none (its history file is then the namespace's "no-run" one, until a
// controller shows up). The history file of a run keeps the run's own
// migrations and those of no run (evacuations, workload updates, manual ones)
// seen while following it, never another run's.
//
// The controller's status records are backfilled by the store itself: every
// record of a migration becomes (or enriches) a Migration when the status
// ConfigMap is applied, and so reaches the history like any other.
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import { createClusterStore, type ClusterStore, type ClusterStoreState } from '../state/cluster-store.js';
import type { Migration } from '../state/types.js';
import { type Connection, type ConnectionOptions, connect } from './connection.js';
import { ClusterError, httpStatus, noKubeVirtMessage } from './errors.js';
import { HistoryFile, historyPath } from './history.js';
import { AbortedError, retryTransient } from './wait.js';
import { ClusterWatcher, type InformerState, type WatcherOptions } from './watch.js';

type Env = Record<string, string | undefined>;

export interface ViewOptions {
  /** Follow this run (default: the deployed one, from the controller's status). */
  runId?: string;
  /** Feed this store (the TUI creates its store before it connects); a new one by default. */
  store?: ClusterStore;
  /** Nodes too (default true); without permission to list them the view goes without. */
  nodes?: boolean;
  /** Only VMIs with this label selector. */
  vmiSelector?: string;
  /** Load and keep the local history (default true); 'read' loads it without writing to it. */
  history?: boolean | 'read';
  /** Where XDG_STATE_HOME is read from (tests pass their own). */
  env?: Env;
  /** Told once when the history file cannot be read or written (the view goes on without it). */
  onHistoryError?: (message: string) => void;
}

export interface ObserveOptions extends ViewOptions {
  /** Changed migrations are appended to the history this long after a change (default 1 s). */
  persistMs?: number;
  watcher?: Pick<WatcherOptions, 'batchMs' | 'backoffMs'>;
}

export interface SyncOptions {
  /** Give up (ClusterError) after this long. */
  timeoutMs?: number;
  /** Reject with the first error any informer meets before its first list (an unreachable or refusing API server). */
  failFast?: boolean;
  signal?: AbortSignal;
}

export interface NamespaceView {
  readonly conn: Connection;
  readonly store: ClusterStore;
  /** The run followed: given, or adopted from the controller's status once seen. */
  readonly runId: string | undefined;
  /** The history file in use, once known. */
  readonly historyPath: string | undefined;
  /** Each informer's state (synced, restarts, last error). */
  informers(): InformerState[];
  /** Resolves once every resource has been listed and applied to the store. */
  waitForSync(opts?: SyncOptions): Promise<void>;
  /** Appends the migrations changed since the last write now (otherwise debounced). */
  persist(): void;
  /** Stops watching, writes what is left and compacts the history file. Idempotent. */
  stop(): Promise<void>;
}

export interface NamespaceSnapshot {
  readonly conn: Connection;
  readonly store: ClusterStore;
  readonly runId: string | undefined;
  readonly historyPath: string | undefined;
  /** False when nodes could not be listed (not allowed) or were not asked for. */
  readonly nodesListed: boolean;
  /** Writes what the cluster showed to the history (done already unless the history was opened with 'read'). */
  persist(): void;
}

function toConnection(target: Connection | ConnectionOptions): Connection {
  return 'kc' in target ? (target as Connection) : connect(target as ConnectionOptions);
}

/**
 * Whether a migration belongs in the history file of `runId`: the run's own,
 * and those of no run while the run is the one deployed (`deployedRunId`, the
 * controller's), so that reading an old run's report does not file today's
 * evacuations under it. The no-run file (runId undefined) keeps everything.
 */
export function keptInHistory(m: Migration, runId: string | undefined, deployedRunId: string | undefined): boolean {
  if (runId === undefined) return true;
  return m.runId ? m.runId === runId : deployedRunId === runId;
}

/** The history half of a view: which file, loading it into the store, appending what changed. */
class HistoryKeeper {
  private file: HistoryFile | undefined;
  private attachedRun: string | undefined;
  private attached = false;
  private written: Readonly<Record<string, Migration>> = {};
  private deployed: string | undefined;
  private failed = false;

  constructor(
    private readonly conn: Connection,
    private readonly store: ClusterStore,
    private readonly opts: ViewOptions,
  ) {}

  get enabled(): boolean {
    return this.opts.history !== false && !this.failed;
  }

  private get writable(): boolean {
    return this.enabled && this.opts.history !== 'read';
  }

  get path(): string | undefined {
    return this.file?.path;
  }

  get isAttached(): boolean {
    return this.attached;
  }

  get runId(): string | undefined {
    return this.attachedRun;
  }

  /** Opens the run's file and merges it into the store (unless `merge` is false); true when it switched files. */
  attach(runId: string | undefined, merge = true): boolean {
    if (!this.enabled || (this.attached && this.attachedRun === runId)) return false;
    this.attached = true;
    this.attachedRun = runId;
    this.written = {};
    this.file = new HistoryFile(historyPath({ context: this.conn.context, namespace: this.conn.namespace, runId, env: this.opts.env }));
    try {
      const loaded = this.file.load();
      if (merge && loaded.length > 0) this.store.getState().mergeHistory(loaded, Date.now());
    } catch (e) {
      this.fail('read', e);
    }
    return true;
  }

  /** Appends the migrations whose record changed since the last call. */
  persist(state: ClusterStoreState = this.store.getState()): void {
    if (!this.writable || !this.file) return;
    const current = state.migrations;
    const deployed = state.controller.present ? state.controller.runId : undefined;
    // Which migrations of no run are kept depends on the deployed run: when it changes, look at every one again.
    if (deployed !== this.deployed) {
      this.deployed = deployed;
      this.written = {};
    }
    if (current === this.written) return;
    const changed: Migration[] = [];
    for (const [uid, m] of Object.entries(current)) {
      if (this.written[uid] !== m && keptInHistory(m, this.attachedRun, deployed)) changed.push(m);
    }
    try {
      this.file.append(changed);
      this.written = current;
    } catch (e) {
      this.fail('write', e);
    }
  }

  /** Rewrites the file with one line per migration, when it holds superseded lines. */
  compact(): void {
    if (!this.writable || !this.file?.redundant) return;
    try {
      this.file.compact();
    } catch (e) {
      this.fail('write', e);
    }
  }

  private fail(what: 'read' | 'write', e: unknown): void {
    this.failed = true;
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    this.opts.onHistoryError?.(`cannot ${what} the local migration history ${this.file?.path ?? ''}: ${why}; going on without it`);
  }
}

/**
 * Opens a live view of the connection's namespace: starts the watches at once
 * and returns; the store fills as lists answer (waitForSync tells when).
 * Watches restart on their own after every fault; stop() ends them.
 */
export function observe(target: Connection | ConnectionOptions, opts: ObserveOptions = {}): NamespaceView {
  const conn = toConnection(target);
  const store = opts.store ?? createClusterStore({ namespace: conn.namespace, ...(opts.runId ? { runId: opts.runId } : {}) });
  const history = new HistoryKeeper(conn, store, opts);
  const watcher = new ClusterWatcher(conn, store.getState(), {
    ...opts.watcher,
    nodes: opts.nodes !== false,
    ...(opts.vmiSelector ? { vmiSelector: opts.vmiSelector } : {}),
  });
  const persistMs = opts.persistMs ?? 1000;
  let persistTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const persistNow = () => {
    if (persistTimer) clearTimeout(persistTimer);
    persistTimer = undefined;
    history.persist();
  };
  // A given run id is known now: its history is in the store before the first list.
  if (opts.runId) history.attach(opts.runId);

  /** Without a run id the file is chosen once the status ConfigMap has been listed, and again if a run shows up later. */
  const maybeAttach = () => {
    if (stopped || !history.enabled) return;
    const statusListed = watcher.states().find((s) => s.resource === 'statusConfigMaps')?.synced === true;
    if (!statusListed) return;
    const runId = store.getState().runId;
    if (history.isAttached && (history.runId !== undefined || runId === undefined)) return;
    if (history.attach(runId)) {
      // Migrations the history left in flight whose VMIMs are gone by now are settled by a relist.
      watcher.resync('vmims');
      persistNow();
    }
  };

  const unsubscribeStore = store.subscribe((s, prev) => {
    if (stopped) return;
    if (s.runId !== prev.runId) maybeAttach();
    if (s.migrations === prev.migrations || persistTimer) return;
    persistTimer = setTimeout(persistNow, persistMs);
    persistTimer.unref();
  });
  const unsubscribeWatcher = watcher.onChange(maybeAttach);
  watcher.start();

  const view: NamespaceView = {
    conn,
    store,
    get runId() {
      return history.isAttached ? history.runId : (opts.runId ?? store.getState().runId);
    },
    get historyPath() {
      return history.path;
    },
    informers: () => watcher.states(),
    waitForSync: (sync = {}) =>
      new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        let off = () => {};
        const done = (err?: Error) => {
          off();
          if (timer) clearTimeout(timer);
          sync.signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve();
        };
        const onAbort = () => done(new AbortedError());
        const check = () => {
          if (watcher.synced) return done();
          if (stopped) return done(new ClusterError('the view was closed before the cluster was listed'));
          if (sync.failFast) {
            const first = watcher.states().find((s) => s.firstError);
            if (first?.firstError) return done(first.firstError);
          }
        };
        off = watcher.onChange(check);
        if (sync.signal?.aborted) return done(new AbortedError());
        sync.signal?.addEventListener('abort', onAbort, { once: true });
        if (sync.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            const errors = watcher.states().filter((s) => !s.synced && s.error);
            const why = errors.length ? `: ${errors[0]!.error}` : '';
            done(new ClusterError(`the cluster was not listed within ${Math.round(sync.timeoutMs! / 1000)}s${why}`));
          }, sync.timeoutMs);
          timer.unref();
        }
        check();
      }),
    persist: persistNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribeStore();
      unsubscribeWatcher();
      watcher.flushNow();
      watcher.stop();
      persistNow();
      history.compact();
    },
  };
  return view;
}

/** A list request, retried after transient failures, with the ClusterError sentence of what failed. */
async function listing<T>(conn: Connection, what: string, fn: () => Promise<T>): Promise<T> {
  return retryTransient(() => conn.call(what, fn));
}

function noKubeVirt(e: unknown): boolean {
  return httpStatus(e) === 404;
}

/**
 * Lists the namespace once (the status ConfigMap, VMIs, VMIMs and, when
 * allowed, nodes), merges the local history of the run (given, or the one the
 * controller reports), writes back to that history what the cluster showed,
 * and returns the filled store. Throws ClusterError with one sentence when
 * the cluster cannot be read.
 */
export async function readNamespace(target: Connection | ConnectionOptions, opts: ViewOptions = {}): Promise<NamespaceSnapshot> {
  const conn = toConnection(target);
  const ns = conn.namespace;
  const g = 'kubevirt.io';
  const items = (r: unknown): unknown[] => ((r as { items?: unknown[] }).items ?? []) as unknown[];
  const statusP = listing(conn, `list ConfigMap ${STATUS_MAP_NAME}`, () => conn.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: `metadata.name=${STATUS_MAP_NAME}` }));
  const vmisP = listing(conn, `list VirtualMachineInstances in namespace ${ns}`, () =>
    conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstances', labelSelector: opts.vmiSelector }),
  );
  const vmimsP = listing(conn, `list VirtualMachineInstanceMigrations in namespace ${ns}`, () =>
    conn.custom.listNamespacedCustomObject({ group: g, version: 'v1', namespace: ns, plural: 'virtualmachineinstancemigrations' }),
  );
  const nodesP =
    opts.nodes === false
      ? Promise.resolve(undefined)
      : listing(conn, 'list nodes', () => conn.core.listNode()).catch((e: unknown) => {
          // A namespace admin may not list nodes: the view goes without them.
          const code = httpStatus(e);
          if (code === 403 || code === 401) return undefined;
          throw e;
        });
  // Every request is on its way before the first failure is reported.
  const settled = await Promise.allSettled([statusP, vmisP, vmimsP, nodesP]);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    const e: unknown = failure.reason;
    if ((settled[1].status === 'rejected' && noKubeVirt(settled[1].reason)) || (settled[2].status === 'rejected' && noKubeVirt(settled[2].reason))) {
      throw new ClusterError(noKubeVirtMessage(conn.server), 404);
    }
    throw e instanceof ClusterError ? e : new ClusterError(e instanceof Error ? e.message : String(e));
  }
  const [status, vmis, vmims, nodes] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);

  const store = opts.store ?? createClusterStore({ namespace: ns, ...(opts.runId ? { runId: opts.runId } : {}) });
  const now = Date.now();
  const s = () => store.getState();
  // The status first: it names the run (and its VMIMs before they are labelled).
  s().relist('statusConfigMaps', items(status), now);
  const runId = opts.runId ?? s().runId;
  const history = new HistoryKeeper(conn, store, opts);
  history.attach(runId);
  // VMIs before VMIMs: a migration the history left in flight and whose VMIM is gone is settled from its VMI's migrationState.
  s().relist('vmis', items(vmis), now);
  s().relist('vmims', items(vmims), now);
  if (nodes !== undefined) s().relist('nodes', items(nodes), now);
  history.persist();
  history.compact();
  const write = new HistoryKeeper(conn, store, { ...opts, history: opts.history === false ? false : true });
  return {
    conn,
    store,
    runId,
    historyPath: history.path,
    nodesListed: nodes !== undefined,
    persist: () => {
      // The file was loaded above: a second keeper appends only what differs from it.
      write.attach(runId, false);
      write.persist();
      write.compact();
    },
  };
}
