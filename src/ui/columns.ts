// Fits table columns to the terminal width: every column wants its widest
// cell; the most important columns are placed first, each whole if it fits in
// what is left, so that the least important ones are the ones that go. A
// shrinkable column (name, node, previous node) that does not fit whole is
// cut to the room left rather than dropped. Pure, so it is tested on its own.

export interface ColumnSpec<K extends string> {
  key: K;
  title: string;
  /** Higher is placed first; lower goes first when space runs short. */
  priority: number;
  /** Never narrower than this (titles fit). */
  min: number;
  /** May be cut (with …) to fit, down to min, instead of being dropped. */
  shrinkable?: boolean;
}

export interface FittedColumn<K extends string> {
  key: K;
  title: string;
  width: number;
}

const GAP = 1;

/** What each column wants: its widest cell, its title, its minimum. */
export function columnWants<K extends string>(specs: ColumnSpec<K>[], rows: readonly Record<K, string>[]): Map<K, number> {
  const out = new Map<K, number>(specs.map((s) => [s.key, Math.max(s.min, s.title.length)]));
  for (const r of rows) for (const s of specs) out.set(s.key, Math.max(out.get(s.key)!, (r[s.key] ?? '').length));
  return out;
}

export function fitColumns<K extends string>(specs: ColumnSpec<K>[], rows: readonly Record<K, string>[], width: number): FittedColumn<K>[] {
  return fitWants(specs, columnWants(specs, rows), width);
}

/** fitColumns for wants already known (the table keeps them up to date as rows change). */
export function fitWants<K extends string>(specs: ColumnSpec<K>[], wants: ReadonlyMap<K, number>, width: number): FittedColumn<K>[] {
  const widths = new Map<K, number>();
  let used = 0;
  for (const s of [...specs].sort((a, b) => b.priority - a.priority)) {
    const room = width - used - (widths.size > 0 ? GAP : 0);
    const w = wants.get(s.key) ?? Math.max(s.min, s.title.length);
    // A column that does not fit is skipped, not the end: a narrower, less important one may still fit.
    const take = w <= room ? w : s.shrinkable && room >= s.min ? room : 0;
    if (take === 0) continue;
    widths.set(s.key, take);
    used += take + (widths.size > 1 ? GAP : 0);
  }
  // Shown in the table's own order, not by importance.
  return specs.filter((s) => widths.has(s.key)).map((s) => ({ key: s.key, title: s.title, width: widths.get(s.key)! }));
}

/** A cell padded or cut to its width (cut text ends with …). */
export function cell(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

export function line<K extends string>(cols: FittedColumn<K>[], row: Record<K, string>): string {
  return cols.map((c) => cell(row[c.key] ?? '', c.width)).join(' '.repeat(GAP));
}
