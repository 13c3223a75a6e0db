// Fits table columns to the terminal width: every column wants its widest
// cell; when they do not fit, the least important ones go first, and only
// then do the name and node get truncated. Pure, so it is tested on its own.

export interface ColumnSpec<K extends string> {
  key: K;
  title: string;
  /** Lower drops first. */
  priority: number;
  /** Never narrower than this (titles fit). */
  min: number;
  /** Absorbs leftover truncation when nothing else can go (name, node). */
  shrinkable?: boolean;
}

export interface FittedColumn<K extends string> {
  key: K;
  title: string;
  width: number;
}

const GAP = 1;

export function fitColumns<K extends string>(specs: ColumnSpec<K>[], rows: Record<K, string>[], width: number): FittedColumn<K>[] {
  const want = (s: ColumnSpec<K>) => Math.max(s.min, s.title.length, ...rows.map((r) => (r[s.key] ?? '').length));
  let cols = specs.map((s) => ({ spec: s, width: want(s) }));
  const total = () => cols.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, cols.length - 1);
  // Drop whole columns, least important first, while anything else could give way.
  const byPriority = [...specs].sort((a, b) => a.priority - b.priority);
  for (const s of byPriority) {
    if (total() <= width) break;
    if (s.shrinkable) continue;
    cols = cols.filter((c) => c.spec.key !== s.key);
  }
  // Then truncate the shrinkable ones, widest first, down to their minimum.
  while (total() > width) {
    const widest = cols.filter((c) => c.spec.shrinkable && c.width > c.spec.min).sort((a, b) => b.width - a.width)[0];
    if (!widest) break;
    widest.width -= Math.min(widest.width - widest.spec.min, total() - width);
  }
  return cols.map((c) => ({ key: c.spec.key, title: c.spec.title, width: c.width }));
}

/** A cell padded or cut to its width (cut text ends with …). */
export function cell(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

export function line<K extends string>(cols: FittedColumn<K>[], row: Record<K, string>): string {
  return cols.map((c) => cell(row[c.key] ?? '', c.width)).join(' '.repeat(GAP));
}
