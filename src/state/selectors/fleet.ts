// The dashboard's VMI table as row models (every cell a string, ready to
// render), and the fleet summary `status` prints. Rows are cached per
// FleetVmi object, and the memoized selector returns the previous array when
// no row changed, so useShallow sees "no change" and Ink does not redraw.
import type { ClusterState, Fleet } from '../cluster-state.js';
import { collator } from '../collate.js';
import { formatDuration } from '../time.js';
import type { FleetVmi } from '../types.js';

export type FleetSort = 'name' | 'node' | 'phase' | 'component' | 'migrations';
export const FLEET_SORTS: readonly FleetSort[] = ['name', 'node', 'phase', 'component', 'migrations'];

export interface FleetRowOptions {
  /** Case-insensitive substring of the name, component or node. */
  filter?: string;
  sort: FleetSort;
  sortDesc?: boolean;
}

export interface FleetRow {
  /** The VMI name: a stable React key. */
  key: string;
  name: string;
  component: string;
  phase: string;
  node: string;
  previousNode: string;
  /** 'yes', 'no' or '?' (condition not set yet). */
  migratable: string;
  /** Why it is not live-migratable ('' otherwise). */
  migratableReason: string;
  /** "Running -> kv-worker-03" while a migration is in flight, else ''. */
  inFlight: string;
  migrations: string;
  lastDuration: string;
  /** The node changed less than HIGHLIGHT_MS ago. */
  highlight: boolean;
  deleting: boolean;
}

/** How long a node change stays highlighted. */
export const HIGHLIGHT_MS = 5000;

export function isHighlighted(vmi: FleetVmi, now: number): boolean {
  return vmi.nodeChangedAt !== undefined && now - vmi.nodeChangedAt < HIGHLIGHT_MS && now >= vmi.nodeChangedAt;
}

function buildRow(v: FleetVmi, highlight: boolean): FleetRow {
  const inFlight = v.inFlight ? `${v.inFlight.phase || 'Pending'}${v.inFlight.targetNode ? ` -> ${v.inFlight.targetNode}` : ''}` : '';
  return {
    key: v.name,
    name: v.name,
    component: v.component ?? '',
    phase: v.phase || 'Unknown',
    node: v.node ?? '',
    previousNode: v.previousNode ?? '',
    migratable: v.migratable === undefined ? '?' : v.migratable ? 'yes' : 'no',
    migratableReason: v.migratable === false ? (v.migratableReason ?? '') : '',
    inFlight,
    migrations: String(v.migrations),
    lastDuration: formatDuration(v.lastDurationSec),
    highlight,
    deleting: v.deleting,
  };
}

const rowCache = new WeakMap<FleetVmi, { on?: FleetRow; off?: FleetRow }>();

/** The row for a VMI; the same object for the same FleetVmi and highlight. */
export function fleetRow(v: FleetVmi, now: number): FleetRow {
  const highlight = isHighlighted(v, now);
  let c = rowCache.get(v);
  if (!c) rowCache.set(v, (c = {}));
  if (highlight) return (c.on ??= buildRow(v, true));
  return (c.off ??= buildRow(v, false));
}

interface SortKeys {
  name: string;
  node: string;
  component: string;
  phase: string;
}

const keyCache = new WeakMap<FleetVmi, SortKeys>();

/**
 * Lower-cased, with every run of digits zero-padded, so that plain string
 * comparison puts kv-worker-2 before kv-worker-10. Computed once per FleetVmi:
 * an Intl.Collator comparison per pair is far too slow for thousands of rows.
 */
function natural(s: string): string {
  return s.toLowerCase().replace(/\d+/g, (d) => d.padStart(16, '0'));
}

function keysOf(v: FleetVmi): SortKeys {
  let k = keyCache.get(v);
  if (!k) keyCache.set(v, (k = { name: natural(v.name), node: natural(v.node ?? ''), component: natural(v.component ?? ''), phase: natural(v.phase) }));
  return k;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function comparator(sort: FleetSort, desc: boolean): (a: FleetVmi, b: FleetVmi) => number {
  const dir = desc ? -1 : 1;
  return (a, b) => {
    const ka = keysOf(a);
    const kb = keysOf(b);
    let p = 0;
    if (sort === 'migrations') p = a.migrations - b.migrations;
    else if (sort !== 'name') {
      // Empty cells (no node yet, no component) go last in either direction.
      if ((ka[sort] === '') !== (kb[sort] === '')) return ka[sort] === '' ? 1 : -1;
      p = cmp(ka[sort], kb[sort]);
    }
    if (p !== 0) return p * dir;
    // Ties in name order; the name column itself follows the direction.
    return (cmp(ka.name, kb.name) || cmp(a.name, b.name)) * (sort === 'name' ? dir : 1);
  };
}

function matches(v: FleetVmi, needle: string): boolean {
  return v.name.toLowerCase().includes(needle) || (v.component ?? '').toLowerCase().includes(needle) || (v.node ?? '').toLowerCase().includes(needle);
}

/** Sorted, filtered VMIs per fleet object and options: re-sorted only when the fleet changes. */
const orderCache = new WeakMap<object, Map<string, FleetVmi[]>>();

function ordered(fleet: Fleet, opts: FleetRowOptions): FleetVmi[] {
  const needle = (opts.filter ?? '').trim().toLowerCase();
  const key = `${opts.sort}|${opts.sortDesc === true}|${needle}`;
  let byOpts = orderCache.get(fleet);
  if (!byOpts) orderCache.set(fleet, (byOpts = new Map()));
  let list = byOpts.get(key);
  if (!list) {
    list = [...fleet.values()].filter((v) => needle === '' || matches(v, needle));
    list.sort(comparator(opts.sort, opts.sortDesc === true));
    // A handful of option sets per fleet at most (the table, a filter being typed).
    if (byOpts.size > 16) byOpts.clear();
    byOpts.set(key, list);
  }
  return list;
}

/** The table's rows: filtered, sorted, one row model per VMI. */
export function selectFleetRows(state: Pick<ClusterState, 'fleet'>, opts: FleetRowOptions, now: number): FleetRow[] {
  return ordered(state.fleet, opts).map((v) => fleetRow(v, now));
}

/**
 * A memoized selectFleetRows for one consumer: the same array back while
 * every row is the same object (fleet unchanged, no highlight starting or
 * ending), which is what useShallow and useSyncExternalStore need.
 */
export function createFleetRowsSelector(): (state: Pick<ClusterState, 'fleet'>, opts: FleetRowOptions, now: number) => FleetRow[] {
  let last: FleetRow[] = [];
  return (state, opts, now) => {
    const rows = selectFleetRows(state, opts, now);
    if (rows.length === last.length && rows.every((r, i) => r === last[i])) return last;
    last = rows;
    return rows;
  };
}

export interface FleetSummary {
  total: number;
  /** VMIs by phase ('Unknown' for none yet). */
  byPhase: Record<string, number>;
  migratable: number;
  notMigratable: number;
  /** LiveMigratable not reported yet. */
  migratableUnknown: number;
  inFlight: number;
  deleting: number;
  /** VMIs on each node, every known node included (0 when empty), by name. */
  perNode: { node: string; vmis: number }[];
  /** VMIs with no node yet. */
  unplaced: number;
}

const summaryCache = new WeakMap<object, { nodes: object; summary: FleetSummary }>();

export function fleetSummary(state: Pick<ClusterState, 'fleet' | 'nodes'>): FleetSummary {
  const hit = summaryCache.get(state.fleet);
  if (hit && hit.nodes === state.nodes) return hit.summary;
  const s: FleetSummary = { total: 0, byPhase: {}, migratable: 0, notMigratable: 0, migratableUnknown: 0, inFlight: 0, deleting: 0, perNode: [], unplaced: 0 };
  const perNode = new Map<string, number>(Object.keys(state.nodes).map((n) => [n, 0]));
  for (const v of state.fleet.values()) {
    s.total++;
    const phase = v.phase || 'Unknown';
    s.byPhase[phase] = (s.byPhase[phase] ?? 0) + 1;
    if (v.migratable === undefined) s.migratableUnknown++;
    else if (v.migratable) s.migratable++;
    else s.notMigratable++;
    if (v.inFlight) s.inFlight++;
    if (v.deleting) s.deleting++;
    if (v.node) perNode.set(v.node, (perNode.get(v.node) ?? 0) + 1);
    else s.unplaced++;
  }
  s.perNode = [...perNode].map(([node, vmis]) => ({ node, vmis })).sort((a, b) => collator.compare(a.node, b.node));
  summaryCache.set(state.fleet, { nodes: state.nodes, summary: s });
  return s;
}
