// LIST with label and field selectors (only the fields a real server supports
// for the kind) and limit/continue pagination.
import { badRequest, expired } from './errors.js';
import { type FieldRequirement, type LabelSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from '../../k8s/selectors.js';
import { type ResourceType, resourceKey } from './resource-type.js';
import type { ObjectStore, StoreEvent } from './store.js';
import type { KubeObject } from './types.js';

export interface ObjectFilter {
  labels: LabelSelector;
  fields: FieldRequirement[];
  /** Reads the selectable fields of an object. */
  fieldsOf: (o: KubeObject) => Record<string, string>;
}

/** The selectable fields of an object of this kind. */
export function selectableFields(rt: ResourceType, o: KubeObject): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': o.metadata.name ?? '' };
  if (rt.namespaced) out['metadata.namespace'] = o.metadata.namespace ?? '';
  for (const [f, read] of Object.entries(rt.selectableFields ?? {})) out[f] = read(o);
  return out;
}

/** Parses the selectors of a request, refusing fields the kind does not support as a real server does. */
export function parseFilter(rt: ResourceType, labelSelector: string | null, fieldSelector: string | null): ObjectFilter {
  let labels: LabelSelector;
  let fields: FieldRequirement[];
  try {
    labels = parseLabelSelector(labelSelector);
    fields = parseFieldSelector(fieldSelector);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  const known = new Set(['metadata.name', ...(rt.namespaced ? ['metadata.namespace'] : []), ...Object.keys(rt.selectableFields ?? {})]);
  for (const f of fields) {
    if (!known.has(f.field)) throw badRequest(`field label not supported: ${f.field}`);
  }
  return { labels, fields, fieldsOf: (o) => selectableFields(rt, o) };
}

export function matches(filter: ObjectFilter, o: KubeObject): boolean {
  if (filter.labels.length > 0 && !matchesLabels(filter.labels, o.metadata.labels)) return false;
  if (filter.fields.length > 0 && !matchesFields(filter.fields, filter.fieldsOf(o))) return false;
  return true;
}

interface ContinueToken {
  /** resourceVersion of the first page. */
  rv: number;
  /** Key (namespace/name) of the last object returned. */
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return { rv: t.rv, start: t.start };
  } catch {
    throw badRequest(`invalid value for continue: ${s}`);
  }
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!);

/**
 * The objects as they were at a past revision: the live state with the later
 * events undone, newest first (an ADDED goes, a MODIFIED or DELETED gives back
 * the object as it was before).
 */
function objectsAt(live: KubeObject[], later: StoreEvent[], namespace: string | undefined): KubeObject[] {
  if (later.length === 0) return live;
  const byKey = new Map(live.map((o) => [keyOf(o), o]));
  for (let i = later.length - 1; i >= 0; i--) {
    const ev = later[i]!;
    if (namespace && ev.object.metadata.namespace !== namespace) continue;
    if (ev.type === 'ADDED') byKey.delete(keyOf(ev.object));
    else if (ev.previous) byKey.set(keyOf(ev.previous), ev.previous);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}

/**
 * Lists objects in key order. Every page of a paginated list shows the state
 * at the first page's resourceVersion, as a real server's snapshot read does
 * (rebuilt from the event window); a continue token older than the window
 * expires with 410 as a compacted one would.
 */
export function listObjects(
  store: ObjectStore,
  rt: ResourceType,
  namespace: string | undefined,
  filter: ObjectFilter,
  page: { limit?: number; continue?: string },
): ListResult {
  const key = resourceKey(rt);
  const ns = rt.namespaced ? namespace : undefined;
  let rv = store.currentRevision;
  let start = '';
  let all = store.list(key, ns);
  if (page.continue) {
    const t = decodeContinue(page.continue);
    const later = store.eventsSince(key, t.rv);
    if ('expired' in later) {
      throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    rv = t.rv;
    start = t.start;
    all = objectsAt(all, later.events, ns);
  }
  const items: KubeObject[] = [];
  const limit = page.limit && page.limit > 0 ? page.limit : Infinity;
  let lastKey = '';
  let more = 0;
  for (const o of all) {
    const k = keyOf(o);
    if (start && k <= start) continue;
    if (!matches(filter, o)) continue;
    if (items.length < limit) {
      items.push(o);
      lastKey = k;
    } else more++;
  }
  const result: ListResult = { items, resourceVersion: String(rv) };
  if (more > 0) {
    result.continue = encodeContinue({ rv, start: lastKey });
    if (filter.labels.length === 0 && filter.fields.length === 0) result.remainingItemCount = more;
  }
  return result;
}
