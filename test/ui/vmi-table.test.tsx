// The dashboard's VMI table: a node change stands out for about 5 s, full
// names fit at 120 columns, the window follows the cursor, and with 5,000
// VMIs only the visible rows are rendered. Colours are forced on here (the
// test's stdout is not a terminal) so that the highlight can be seen.
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '3';
  delete process.env.NO_COLOR;
});

import { DashboardScreen } from '../../src/ui/screens/dashboard.js';
import { KEYS, plain, renderApp, type Rendered, tableRows, tick } from './helpers/render.js';
import { added, clusterWith, clusterWithFixtures, item, manyVmis, modified, movedTo, vmiNamed, wizardAt } from './helpers/stores.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const INVERSE = '\u001B[7m';

/** The raw (styled) line of the frame that holds this VMI's row. */
function rawRow(frame: string, vmi: string): string | undefined {
  return frame.split('\n').find((l) => plain(l).startsWith(`${vmi} `));
}

/** Whether the node cell of this VMI's row is styled (the highlight) rather than plain. */
function nodeHighlighted(frame: string, vmi: string, node: string): boolean {
  const row = rawRow(frame, vmi);
  if (!row) return false;
  const at = row.indexOf(node);
  // The highlight wraps the node cell in its own style: an escape right before it.
  // eslint-disable-next-line no-control-regex -- the escapes are what is tested
  return at > 0 && /\u001B\[[0-9;]*m\s*$/.test(row.slice(0, at));
}

describe('node change highlight', () => {
  it('highlights the node cell of a VMI that just moved, at once, and only that cell', async () => {
    const cluster = clusterWithFixtures();
    r = await renderApp(wizardAt('dashboard', { dashboard: { cursor: 5, sort: 'name', sortDesc: false, filter: '' } }), cluster, { columns: 120, rows: 40 });
    await r.waitFor((f) => rawRow(f, 'virtwork-cpu-1') !== undefined, 'the table');
    expect(nodeHighlighted(r.frame(), 'virtwork-cpu-1', 'kv-worker-02')).toBe(false);
    cluster.getState().applyBatch({ vmis: [modified(movedTo(item('vmi-list.json', 'virtwork-cpu-1'), 'kv-worker-03'))] }, Date.now());
    // The new node shows with its highlight well before the next clock tick.
    const f = await r.waitFor((x) => nodeHighlighted(x, 'virtwork-cpu-1', 'kv-worker-03'), 'the highlighted new node', 400);
    expect(plain(rawRow(f, 'virtwork-cpu-1')!)).toMatch(/^virtwork-cpu-1\s+kv-worker-03\s+Running\s+kv-worker-02\s/);
    expect(nodeHighlighted(f, 'virtwork-cpu-0', 'kv-worker-01')).toBe(false);
  });

  it('with colours on (the control for no-color.test.tsx), the moved node is yellow', async () => {
    const cluster = clusterWithFixtures();
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    cluster.getState().applyBatch({ vmis: [modified(movedTo(item('vmi-list.json', 'virtwork-cpu-1'), 'kv-worker-03'))] }, Date.now());
    const f = await r.waitFor((x) => nodeHighlighted(x, 'virtwork-cpu-1', 'kv-worker-03'), 'the highlight', 1000);
    // eslint-disable-next-line no-control-regex -- the escapes are what is tested
    expect(rawRow(f, 'virtwork-cpu-1')).toMatch(/\u001B\[33m[^\u001B]*kv-worker-03/);
  });

  it('keeps the highlight for about 5 s, then the row is plain again', async () => {
    const cluster = clusterWithFixtures();
    r = await renderApp(wizardAt('dashboard', { dashboard: { cursor: 5, sort: 'name', sortDesc: false, filter: '' } }), cluster, { columns: 120, rows: 40 });
    // Moved 3.5 s ago: still highlighted, and no longer 1 to 2.5 s later.
    cluster.getState().applyBatch({ vmis: [modified(movedTo(item('vmi-list.json', 'virtwork-cpu-1'), 'kv-worker-03'))] }, Date.now() - 3500);
    await r.waitFor((x) => nodeHighlighted(x, 'virtwork-cpu-1', 'kv-worker-03'), 'the highlight', 1000);
    const started = Date.now();
    await r.waitFor((x) => rawRow(x, 'virtwork-cpu-1') !== undefined && !nodeHighlighted(x, 'virtwork-cpu-1', 'kv-worker-03'), 'the highlight to end', 4000);
    const lasted = Date.now() - started + 3500;
    expect(lasted).toBeGreaterThanOrEqual(4900);
    expect(lasted).toBeLessThan(7000);
  });

  it('does not highlight a move older than 5 s', async () => {
    const cluster = clusterWithFixtures();
    cluster.getState().applyBatch({ vmis: [modified(movedTo(item('vmi-list.json', 'virtwork-cpu-1'), 'kv-worker-03'))] }, Date.now() - 6000);
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    const f = await r.waitFor((x) => rawRow(x, 'virtwork-cpu-1') !== undefined, 'the table');
    expect(nodeHighlighted(f, 'virtwork-cpu-1', 'kv-worker-03')).toBe(false);
  });
});

describe('columns at 120', () => {
  const NODE = 'ip-10-0-145-212.us-east-2.compute.internal';
  const OTHER = 'ip-10-0-201-7.us-east-2.compute.internal';
  const VMI = 'virtwork-database-postgres-replica-12';

  it('shows the full VMI name and the full node name on the row, even while a migration is in flight', async () => {
    const vmi = vmiNamed(VMI, NODE, 'database');
    const cluster = clusterWith([added(vmi), added(vmiNamed('virtwork-cpu-0', OTHER, 'cpu'))]);
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    await r.waitFor((f) => tableRows(f).length === 2, 'two rows');
    const row = tableRows(r.frame()).find((l) => l.startsWith(VMI));
    expect(row).toContain(`${VMI} ${NODE}`);
    expect(row!.length).toBeLessThanOrEqual(120);
    // Moved: the previous node is there too, and the name and node stay whole.
    cluster.getState().applyBatch({ vmis: [modified(movedTo(vmi, OTHER))] }, Date.now());
    const moved = await r.waitFor((f) => tableRows(f).some((l) => l.startsWith(`${VMI} ${OTHER}`)), 'the moved row');
    const cells = tableRows(moved).find((l) => l.startsWith(VMI))!.split(/\s+/);
    expect(cells.slice(0, 2)).toEqual([VMI, OTHER]);
  });

  it('widens the node column at once when a VMI moves to a node with a longer name', async () => {
    const cluster = clusterWith([added(vmiNamed('virtwork-cpu-0', 'kv-worker-01', 'cpu')), added(vmiNamed('virtwork-cpu-1', 'kv-worker-02', 'cpu'))]);
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    await r.waitFor((f) => tableRows(f).length === 2, 'two rows');
    cluster.getState().applyBatch({ vmis: [modified(movedTo(vmiNamed('virtwork-cpu-1', 'kv-worker-02', 'cpu'), NODE))] }, Date.now());
    const f = await r.waitFor((x) => tableRows(x).some((l) => l.includes(NODE)), 'the long node name');
    const [row0, row1] = tableRows(f);
    expect(row1!.split(/\s+/).slice(0, 2)).toEqual(['virtwork-cpu-1', NODE]);
    // Both rows keep their columns aligned: the phase starts at the same place.
    expect(row0!.indexOf('Running')).toBe(row1!.indexOf('Running'));
  });

  it('keeps the phase before the previous node when space runs short (columns go least important first)', async () => {
    const vmi = vmiNamed(VMI, NODE, 'database');
    const cluster = clusterWith([added(vmi)]);
    cluster.getState().applyBatch({ vmis: [modified(movedTo(vmi, OTHER))] }, Date.now() - 60_000);
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    const header = plain(await r.waitFor((f) => tableRows(f).length === 1, 'the row')).split('\n').find((l) => l.startsWith('NAME'))!;
    expect(header).toMatch(/^NAME\s+NODE\s+PHASE\b/);
  });
});

describe('5,000 VMIs', () => {
  const cluster5000 = () => clusterWith(manyVmis(5000, 100));

  it('renders only the rows that fit, and the frame stays inside the terminal', async () => {
    r = await renderApp(wizardAt('dashboard'), cluster5000(), { columns: 120, rows: 40 });
    const f = await r.waitFor((x) => tableRows(x).length > 5, 'the table');
    const rows = tableRows(f);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(40);
    expect(f.split('\n').length).toBeLessThan(40);
    // Only those rows were written: no other VMI name anywhere in the output.
    const names = new Set(rows.map((l) => l.split(' ')[0]));
    const mentioned = plain(f).match(/virtwork-[a-z]+-\d+/g) ?? [];
    for (const n of mentioned) expect(names.has(n) || f.includes(`migrations (newest first)`)).toBe(true);
  });

  it('scrolls with the cursor: down, page down, end, home; the selected row is always on screen', async () => {
    const wizard = wizardAt('dashboard');
    r = await renderApp(wizard, cluster5000(), { columns: 120, rows: 40 });
    await r.waitFor((x) => tableRows(x).length > 5, 'the table');
    const selected = () => {
      const lines = r!.frame().split('\n');
      return lines.filter((l) => l.includes(INVERSE) && /virtwork-/.test(plain(l))).map((l) => plain(l).split(' ')[0]);
    };
    expect(selected()).toEqual([tableRows(r.frame())[0]!.split(' ')[0]]);
    const first = tableRows(r.frame())[0];
    for (let i = 0; i < 40; i++) await r.press(KEYS.down);
    await r.waitFor(() => wizard.getState().dashboard.cursor === 40, 'the cursor at 40');
    await tick(50);
    expect(tableRows(r.frame())[0]).not.toBe(first);
    expect(selected()).toHaveLength(1);
    await r.press(KEYS.pageDown, KEYS.pageDown);
    await tick(50);
    expect(selected()).toHaveLength(1);
    await r.press(KEYS.end);
    await r.waitFor(() => wizard.getState().dashboard.cursor === 4999, 'the cursor at the end');
    await tick(50);
    const rows = tableRows(r.frame());
    // Natural order: virtwork-network-4999 is the last name of the sorted fleet.
    expect(selected()).toEqual([rows.at(-1)!.split(' ')[0]]);
    await r.press(KEYS.home);
    await tick(50);
    expect(tableRows(r.frame())[0]).toBe(first);
  });

  it('a change on a visible row shows in the next frame', async () => {
    const cluster = cluster5000();
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    const top = tableRows(await r.waitFor((x) => tableRows(x).length > 5, 'the table'))[0]!.split(' ')[0]!;
    const v = cluster.getState().fleet.get(top)!;
    const moved = movedTo(vmiNamed(top, v.node!, v.component), 'kv-worker-100');
    const t0 = performance.now();
    cluster.getState().applyBatch({ vmis: [modified(moved)] }, Date.now());
    await r.waitFor((x) => tableRows(x)[0]!.split(/\s+/)[1] === 'kv-worker-100', 'the new node', 2000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('dashboard screen on its own', () => {
  it('renders inside the height it is given', async () => {
    const cluster = clusterWithFixtures();
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 100, rows: 30 }, <DashboardScreen height={12} width={100} />);
    const f = await r.waitFor((x) => x.includes('NAME'), 'the table');
    expect(f.split('\n').length).toBeLessThanOrEqual(12);
  });
});
