// The dashboard table's rows, kept up to date incrementally. The cluster
// store replaces its fleet Map on every watch batch (many times a second
// while migrations run); re-sorting and re-mapping thousands of VMIs for each
// one, and comparing the arrays element by element, cost more than drawing
// the frame. Here a batch that moves a few VMIs without changing the order
// or the filter's verdict costs a pass of pointer comparisons and a few new
// rows, and nothing at all when nothing shown has changed: the same array
// comes back, so a consumer can compare by identity.
import { HIGHLIGHT_MS, fleetRow, selectFleetRows, type FleetRow, type FleetRowOptions } from '../state/selectors/fleet.js';
import type { Fleet } from '../state/cluster-state.js';
import type { FleetVmi } from '../state/types.js';

/** A moment a VMI's highlight starts or ends. */
interface Edge {
  at: number;
  name: string;
}

interface View {
  fleet: Fleet;
  /** The VMIs of the rows, in the same order. */
  vmis: FleetVmi[];
  rows: FleetRow[];
  /** Row index by VMI name. */
  index: Map<string, number>;
  /** The time the rows' highlights hold for. */
  at: number;
  /** When each highlight starts and ends, and whose (a highlight holds for changedAt <= t < changedAt + HIGHLIGHT_MS). */
  edges: Edge[];
  /** The newest node change (0 for none). */
  latest: number;
}

/** One view per option set: the table, a filter being typed. */
const views = new Map<string, View>();

const optionsKey = (o: FleetRowOptions) => `${o.sort}|${o.sortDesc === true}|${(o.filter ?? '').trim().toLowerCase()}`;

function matches(v: FleetVmi, needle: string): boolean {
  return needle === '' || v.name.toLowerCase().includes(needle) || (v.component ?? '').toLowerCase().includes(needle) || (v.node ?? '').toLowerCase().includes(needle);
}

/** Whether the change from a to b can move the VMI in this sort (the name never changes under one key). */
function sortKeyChanged(a: FleetVmi, b: FleetVmi, sort: FleetRowOptions['sort']): boolean {
  if (sort === 'name') return false;
  if (sort === 'migrations') return a.migrations !== b.migrations;
  return (a[sort] ?? '') !== (b[sort] ?? '');
}

function addEdges(edges: Edge[], v: FleetVmi): void {
  if (v.nodeChangedAt !== undefined) edges.push({ at: v.nodeChangedAt, name: v.name }, { at: v.nodeChangedAt + HIGHLIGHT_MS, name: v.name });
}

/** The VMIs whose highlight starts or ends between a and b. */
function crossing(edges: Edge[], a: number, b: number): string[] {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const names: string[] = [];
  for (const e of edges) if (e.at > lo && e.at <= hi) names.push(e.name);
  return names;
}

/**
 * The rows with the highlights of the named VMIs as of `at` (the others
 * cannot have changed: no edge of theirs was crossed); the same array when
 * none changed. While migrations run a highlight ends every few batches, so
 * this touches a few rows, not thousands.
 */
function rehighlight(view: View, names: readonly string[], at: number): FleetRow[] {
  let rows = view.rows;
  for (const name of names) {
    const i = view.index.get(name);
    if (i === undefined) continue;
    const row = fleetRow(view.vmis[i]!, at);
    if (row === rows[i]) continue;
    if (rows === view.rows) rows = rows.slice();
    rows[i] = row;
  }
  return rows;
}

function fullView(fleet: Fleet, opts: FleetRowOptions, now: number): View {
  const edges: Edge[] = [];
  let latest = 0;
  for (const v of fleet.values()) {
    addEdges(edges, v);
    if (v.nodeChangedAt !== undefined && v.nodeChangedAt > latest) latest = v.nodeChangedAt;
  }
  const at = Math.max(now, latest);
  const rows = selectFleetRows({ fleet }, opts, at);
  return { fleet, vmis: rows.map((r) => fleet.get(r.key)!), rows, index: new Map(rows.map((r, i) => [r.key, i])), at, edges, latest };
}

/**
 * The VMIs that changed from the last view to this fleet, or undefined when
 * the rows' order or membership may have changed (a VMI came or went, one
 * moved in the sort or in or out of the filter).
 */
function changedVmis(last: View, fleet: Fleet, opts: FleetRowOptions): FleetVmi[] | undefined {
  const needle = (opts.filter ?? '').trim().toLowerCase();
  if (fleet.size !== last.fleet.size) return undefined;
  const changed: FleetVmi[] = [];
  if (needle === '') {
    // Every VMI is a row, and the counts agree: walking the rows finds every change.
    for (let i = 0; i < last.vmis.length; i++) {
      const old = last.vmis[i]!;
      const v = fleet.get(old.name);
      if (v === old) continue;
      if (!v || sortKeyChanged(old, v, opts.sort)) return undefined;
      changed.push(v);
    }
    return changed;
  }
  for (const [name, v] of fleet) {
    const old = last.fleet.get(name);
    if (old === v) continue;
    if (!old || matches(old, needle) !== matches(v, needle) || (last.index.has(name) && sortKeyChanged(old, v, opts.sort))) return undefined;
    changed.push(v);
  }
  return changed;
}

/** The view moved on to a new fleet without sorting again, or undefined when it has to be made anew. */
function patchedView(last: View, fleet: Fleet, opts: FleetRowOptions, now: number): View | undefined {
  const changed = changedVmis(last, fleet, opts);
  if (!changed) return undefined;
  let latest = last.latest;
  for (const v of changed) if (v.nodeChangedAt !== undefined && v.nodeChangedAt > latest) latest = v.nodeChangedAt;
  const at = Math.max(now, latest);
  // Other rows whose highlight began or ended since the view was made.
  const crossed = crossing(last.edges, last.at, at);
  if (changed.length === 0 && crossed.length === 0) return { ...last, fleet };
  const edges = last.edges.filter((e) => e.at > at - 2 * HIGHLIGHT_MS);
  let { rows, vmis } = last;
  if (changed.length > 0) {
    rows = rows.slice();
    vmis = vmis.slice();
    for (const v of changed) {
      addEdges(edges, v);
      const i = last.index.get(v.name);
      if (i === undefined) continue;
      rows[i] = fleetRow(v, at);
      vmis[i] = v;
    }
  }
  const view: View = { ...last, fleet, vmis, rows, at, edges, latest };
  if (crossed.length > 0) view.rows = rehighlight(view, crossed, at);
  return view;
}

/**
 * The table's rows (selectFleetRows), the same array while nothing shown has
 * changed. `now` is the clock; a node change newer than it counts as now (the
 * clock ticks once a second, and a move seen between ticks must flash at once).
 */
export function fleetRowsAt(fleet: Fleet, opts: FleetRowOptions, now: number): FleetRow[] {
  const key = optionsKey(opts);
  const last = views.get(key);
  let view = last && last.fleet !== fleet ? patchedView(last, fleet, opts, now) : last;
  if (!view) view = fullView(fleet, opts, now);
  const at = Math.max(now, view.latest);
  if (at !== view.at) {
    const crossed = crossing(view.edges, view.at, at);
    if (crossed.length > 0) view = { ...view, rows: rehighlight(view, crossed, at), at };
  }
  if (view !== last) {
    if (!views.has(key) && views.size >= 8) views.clear();
    views.set(key, view);
  }
  return view.rows;
}
