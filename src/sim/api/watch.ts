// WATCH: JSON-lines streams from a resourceVersion, with the selector
// transitions, bookmarks, initial events, 410 Expired and timeouts of a real
// apiserver's watch cache.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type StatusError, badRequest, expired } from './errors.js';
import { type ObjectFilter, matches } from './list.js';
import { type ResourceType, groupVersion, resourceKey } from './resource-type.js';
import type { EventType, ObjectStore, StoreEvent } from './store.js';
import { type IncludeObject, toTable } from './table.js';
import type { KubeObject } from './types.js';

export interface WatchRequest {
  rt: ResourceType;
  namespace: string | undefined;
  filter: ObjectFilter;
  resourceVersion: string | undefined;
  resourceVersionMatch: string | undefined;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
  /** Table output (kubectl get -w). */
  table?: { includeObject: IncludeObject };
}

export interface WatchHooks {
  /** Milliseconds between bookmarks when the client allows them. */
  bookmarkIntervalMs?: number;
  /** Fault injection, asked only of a watch resuming from a resourceVersion: true to answer it 410 as if compacted. */
  takeExpiry?: () => boolean;
  /** Fault injection: registers the function that cuts this stream's connection; returns the unregister function. */
  trackDrop?: (drop: () => void) => () => void;
  onClose?: () => void;
}

/** Event lines by object version and type: built once, written to every watcher that gets the event. */
const lines = new WeakMap<KubeObject, Partial<Record<EventType, Buffer>>>();

function eventLine(store: ObjectStore, type: EventType, o: KubeObject): Buffer {
  let byType = lines.get(o);
  if (!byType) lines.set(o, (byType = {}));
  return (byType[type] ??= Buffer.concat([Buffer.from(`{"type":"${type}","object":`), store.encoded(o), LINE_END]));
}
const LINE_END = Buffer.from('}\n');

function parseRv(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s === '0') return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`resourceVersion: Invalid value: "${s}": must be a valid resource version`);
  return n;
}

export function serveWatch(store: ObjectStore, req: IncomingMessage, res: ServerResponse, w: WatchRequest, hooks: WatchHooks = {}): void {
  const key = resourceKey(w.rt);
  const rv = parseRv(w.resourceVersion);
  const inNamespace = (o: KubeObject) => !w.rt.namespaced || !w.namespace || o.metadata.namespace === w.namespace;
  const selected = (o: KubeObject | undefined) => !!o && inNamespace(o) && matches(w.filter, o);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let closed = false;
  const timers: NodeJS.Timeout[] = []; // cleared with clearTimeout, which clears intervals too
  let unsubscribe = () => {};
  let untrack = () => {};
  const stop = () => {
    closed = true;
    unsubscribe();
    untrack();
    for (const t of timers) clearTimeout(t);
    hooks.onClose?.();
  };
  const close = () => {
    if (closed) return;
    stop();
    res.end();
  };
  req.on('close', close);
  res.on('error', close);

  const write = (type: EventType, o: KubeObject) => {
    if (closed) return;
    if (w.table) res.write(`{"type":"${type}","object":${JSON.stringify(toTable(w.rt, [o], { includeObject: w.table.includeObject }))}}\n`);
    else res.write(eventLine(store, type, o));
  };
  const writeError = (e: StatusError) => {
    if (!closed) res.write(`${JSON.stringify({ type: 'ERROR', object: e.toStatus() })}\n`);
  };
  const bookmark = (version: number, initialEventsEnd = false) => {
    if (closed) return;
    const metadata: Record<string, unknown> = { resourceVersion: String(version) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: w.rt.kind, apiVersion: groupVersion(w.rt), metadata } })}\n`);
  };
  // An object that starts or stops matching the selector is ADDED or DELETED for this watcher.
  const deliver = (ev: StoreEvent) => {
    const now = ev.type !== 'DELETED' && selected(ev.object);
    const before = ev.type !== 'ADDED' && selected(ev.previous);
    if (ev.type === 'DELETED') {
      if (before) write('DELETED', ev.object);
    } else if (now && before) write('MODIFIED', ev.object);
    else if (now) write('ADDED', ev.object);
    else if (before) write('DELETED', ev.object);
  };

  // Without a resourceVersion (or with "0") a watch starts with the current
  // state unless sendInitialEvents=false says otherwise; with one it resumes.
  const initialState = w.sendInitialEvents ?? rv === undefined;
  if (!initialState && rv !== undefined && hooks.takeExpiry?.()) {
    writeError(expired(`too old resource version: ${rv} (${store.currentRevision})`));
    close();
    return;
  }

  // Replay and subscription happen in one synchronous step: no event can slip between them.
  if (initialState) {
    for (const o of store.list(key, w.rt.namespaced ? w.namespace : undefined)) if (selected(o)) write('ADDED', o);
    // The end of the initial events is a bookmark: only for clients that take bookmarks.
    if (w.sendInitialEvents && w.allowWatchBookmarks) bookmark(store.currentRevision, true);
  } else if (rv !== undefined) {
    const since = store.eventsSince(key, rv);
    if ('expired' in since) {
      writeError(expired(`too old resource version: ${rv} (${since.oldest})`));
      close();
      return;
    }
    for (const ev of since.events) deliver(ev);
  }
  unsubscribe = store.subscribe(key, deliver);

  if (w.allowWatchBookmarks) {
    const interval = hooks.bookmarkIntervalMs ?? 15_000;
    const ticker = setInterval(() => bookmark(store.currentRevision), interval).unref();
    timers.push(ticker);
  }
  // Without timeoutSeconds a real server picks a random 30-60 minute lifetime.
  const lifetime = w.timeoutSeconds !== undefined ? w.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  timers.push(setTimeout(close, lifetime).unref());
  if (hooks.trackDrop) {
    untrack = hooks.trackDrop(() => {
      if (closed) return;
      stop();
      req.socket.destroy();
    });
  }
}
