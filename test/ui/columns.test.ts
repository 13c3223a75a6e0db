// fitColumns, cell and line as pure functions: what goes when the width runs
// short, what is cut, and that a line never exceeds the width.
import { describe, expect, it } from 'vitest';
import { cell, type ColumnSpec, columnWants, fitColumns, fitWants, line } from '../../src/ui/columns.js';

type K = 'name' | 'node' | 'phase' | 'prev' | 'count';

const SPECS: ColumnSpec<K>[] = [
  { key: 'name', title: 'NAME', priority: 100, min: 12, shrinkable: true },
  { key: 'node', title: 'NODE', priority: 90, min: 10, shrinkable: true },
  { key: 'phase', title: 'PHASE', priority: 80, min: 5 },
  { key: 'prev', title: 'PREVIOUS NODE', priority: 60, min: 13, shrinkable: true },
  { key: 'count', title: 'MIGR', priority: 40, min: 4 },
];

const row = (name: string, node: string, prev = '', phase = 'Running', count = '0'): Record<K, string> => ({ name, node, phase, prev, count });
const ROWS = [row('virtwork-database-postgres-replica-12', 'ip-10-0-145-212.us-east-2.compute.internal', 'ip-10-0-201-7.us-east-2.compute.internal'), row('virtwork-cpu-0', 'kv-worker-01')];

const total = (cols: { width: number }[]) => cols.reduce((n, c) => n + c.width, 0) + Math.max(0, cols.length - 1);
const keys = (cols: { key: string }[]) => cols.map((c) => c.key);
const widthOf = (cols: { key: string; width: number }[], k: string) => cols.find((c) => c.key === k)?.width;

describe('fitColumns', () => {
  it('gives every column its widest cell when all fit, in the table order', () => {
    const cols = fitColumns(SPECS, ROWS, 200);
    expect(keys(cols)).toEqual(['name', 'node', 'phase', 'prev', 'count']);
    expect(widthOf(cols, 'name')).toBe(37);
    expect(widthOf(cols, 'node')).toBe(42);
    expect(widthOf(cols, 'phase')).toBe(7);
    expect(widthOf(cols, 'prev')).toBe(40);
    expect(widthOf(cols, 'count')).toBe(4);
  });

  it('drops only columns that no longer fit: whatever less important column stays is narrower than the dropped one needed', () => {
    const need = (s: ColumnSpec<K>) => (s.shrinkable ? s.min : Math.max(s.min, s.title.length, ...ROWS.map((r) => r[s.key].length)));
    for (let width = 20; width <= 140; width++) {
      const cols = fitColumns(SPECS, ROWS, width);
      const kept = new Set(keys(cols));
      for (const dropped of SPECS.filter((x) => !kept.has(x.key))) {
        for (const o of SPECS.filter((x) => kept.has(x.key) && x.priority < dropped.priority)) {
          expect(widthOf(cols, o.key)!, `${width}: ${o.key} kept, ${dropped.key} dropped`).toBeLessThan(need(dropped));
        }
      }
    }
  });

  it('keeps the full name and node at 120 columns, dropping or cutting the rest', () => {
    const cols = fitColumns(SPECS, ROWS, 120);
    expect(widthOf(cols, 'name')).toBe(37);
    expect(widthOf(cols, 'node')).toBe(42);
    expect(keys(cols)).toContain('phase');
    expect(total(cols)).toBeLessThanOrEqual(120);
    // The previous node, less important and shrinkable, takes what is left.
    expect(widthOf(cols, 'prev')).toBe(120 - 37 - 42 - 7 - 3);
  });

  it('cuts the node (not the name) when even name and node do not fit whole', () => {
    const cols = fitColumns(SPECS, ROWS, 60);
    expect(keys(cols)).toEqual(['name', 'node']);
    expect(widthOf(cols, 'name')).toBe(37);
    expect(widthOf(cols, 'node')).toBe(60 - 37 - 1);
  });

  it('skips a column that does not fit and still places a narrower, less important one', () => {
    const specs: ColumnSpec<'a' | 'b' | 'c'>[] = [
      { key: 'a', title: 'A', priority: 3, min: 1 },
      { key: 'b', title: 'B', priority: 2, min: 1 },
      { key: 'c', title: 'C', priority: 1, min: 1 },
    ];
    const cols = fitColumns(specs, [{ a: 'aaaa', b: 'bbbbbbbb', c: 'cc' }], 8);
    expect(keys(cols)).toEqual(['a', 'c']);
  });

  it('fits in every width from 1 to 200, and titles always fit their column', () => {
    for (let width = 1; width <= 200; width++) {
      const cols = fitColumns(SPECS, ROWS, width);
      expect(total(cols), `width ${width}`).toBeLessThanOrEqual(width);
      for (const c of cols) expect(c.width).toBeGreaterThanOrEqual(Math.min(c.title.length, SPECS.find((s) => s.key === c.key)!.min));
    }
  });

  it('with no rows, sizes columns by their titles and minimums', () => {
    expect(fitColumns(SPECS, [], 200).map((c) => c.width)).toEqual([12, 10, 5, 13, 4]);
  });
});

describe('columnWants and fitWants', () => {
  it('fitColumns is fitWants of the widest cells, titles and minimums', () => {
    const wants = columnWants(SPECS, ROWS);
    expect([...wants]).toEqual([
      ['name', 37],
      ['node', 42],
      ['phase', 7],
      ['prev', 40],
      ['count', 4],
    ]);
    for (const width of [40, 80, 120, 200]) expect(fitWants(SPECS, wants, width)).toEqual(fitColumns(SPECS, ROWS, width));
  });

  it('a column with no want known is sized by its title and minimum', () => {
    expect(fitWants(SPECS, new Map(), 200).map((c) => c.width)).toEqual([12, 10, 5, 13, 4]);
  });
});

describe('cell and line', () => {
  it('pads short text and cuts long text with an ellipsis', () => {
    expect(cell('abc', 5)).toBe('abc  ');
    expect(cell('abcdef', 5)).toBe('abcd…');
    expect(cell('abcdef', 1)).toBe('a');
    expect(cell('', 3)).toBe('   ');
  });

  it('joins cells with one space, each exactly its width', () => {
    const cols = fitColumns(SPECS, ROWS, 120);
    for (const r of ROWS) expect(line(cols, r).length).toBe(total(cols));
    expect(line(cols, ROWS[0]!)).toMatch(/^virtwork-database-postgres-replica-12 ip-10-0-145-212\.us-east-2\.compute\.internal Running /);
  });
});
