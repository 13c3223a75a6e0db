// The live VMI table: virtualised (only the visible rows render), columns
// fitted to the width, the selected row inverted, a node change highlighted
// for a few seconds.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { FleetRow } from '../../state/selectors/fleet.js';
import { type ColumnSpec, columnWants, fitWants, line } from '../columns.js';
import { colour } from '../theme.js';

type Key = 'name' | 'component' | 'phase' | 'node' | 'previousNode' | 'migratable' | 'inFlight' | 'migrations' | 'lastDuration';

const COLUMNS: ColumnSpec<Key>[] = [
  { key: 'name', title: 'NAME', priority: 100, min: 12, shrinkable: true },
  { key: 'node', title: 'NODE', priority: 90, min: 10, shrinkable: true },
  { key: 'phase', title: 'PHASE', priority: 80, min: 5 },
  { key: 'inFlight', title: 'MIGRATION', priority: 70, min: 9 },
  { key: 'previousNode', title: 'PREVIOUS NODE', priority: 60, min: 13, shrinkable: true },
  { key: 'migratable', title: 'LIVE-MIG', priority: 50, min: 8 },
  { key: 'migrations', title: 'MIGR', priority: 40, min: 4 },
  { key: 'component', title: 'COMPONENT', priority: 30, min: 9 },
  { key: 'lastDuration', title: 'LAST', priority: 20, min: 4 },
];

let lastWants: { rows: readonly FleetRow[]; wants: Map<Key, number> } | undefined;

/**
 * Each column's widest cell over all rows (not just the visible ones, so
 * that columns do not jump while scrolling). Thousands of rows change a few
 * at a time: against the previous array only the rows that changed are
 * measured, and a column then only widens (it narrows on the next full
 * measure, when rows come, go or reorder).
 */
export function wantsOf(rows: readonly FleetRow[]): Map<Key, number> {
  const cells = rows as unknown as Record<Key, string>[];
  const prev = lastWants;
  let wants: Map<Key, number>;
  if (prev && prev.rows !== rows && prev.rows.length === rows.length && rows.every((r, i) => r === prev.rows[i] || r.key === prev.rows[i]!.key)) {
    wants = new Map(prev.wants);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === prev.rows[i]) continue;
      for (const [k, w] of wants) wants.set(k, Math.max(w, (cells[i]![k] ?? '').length));
    }
  } else if (prev && prev.rows === rows) wants = prev.wants;
  else wants = columnWants(COLUMNS, cells);
  lastWants = { rows, wants };
  return wants;
}

/** The first visible row so that the cursor stays in view. */
export function windowStart(cursor: number, rows: number, visible: number): number {
  if (rows <= visible) return 0;
  const half = Math.floor(visible / 2);
  return Math.max(0, Math.min(cursor - half, rows - visible));
}

export function VmiTable({ rows, cursor, height, width }: { rows: FleetRow[]; cursor: number; height: number; width: number }) {
  const visible = Math.max(1, height - 1);
  const start = windowStart(cursor, rows.length, visible);
  const shown = rows.slice(start, start + visible);
  // Recomputed only when the rows or the width change, not on every clock tick.
  const cols = useMemo(() => fitWants(COLUMNS, wantsOf(rows), width), [rows, width]);
  const header = Object.fromEntries(cols.map((c) => [c.key, c.title])) as Record<Key, string>;
  const nodeCol = cols.findIndex((c) => c.key === 'node');
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold wrap="truncate-end">
        {line(cols, header)}
      </Text>
      {shown.length === 0 ? <Text color={colour('gray')}>no VMIs{rows.length === 0 ? ' in this namespace (or none match the filter)' : ''}</Text> : null}
      {shown.map((r, i) => {
        const selected = start + i === cursor;
        const text = line(cols, r as unknown as Record<Key, string>);
        if (!r.highlight || nodeCol < 0) {
          return (
            <Text key={r.key} inverse={selected} dimColor={r.deleting} wrap="truncate-end">
              {text}
            </Text>
          );
        }
        // Split around the node cell so only it flashes.
        const before = cols.slice(0, nodeCol).reduce((n, c) => n + c.width + 1, 0);
        const w = cols[nodeCol]!.width;
        return (
          <Text key={r.key} inverse={selected} wrap="truncate-end">
            {text.slice(0, before)}
            <Text bold color={colour('yellow')} inverse={!selected}>
              {text.slice(before, before + w)}
            </Text>
            {text.slice(before + w)}
          </Text>
        );
      })}
    </Box>
  );
}
