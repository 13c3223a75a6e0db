// NO_COLOR (no-color.org): no screen writes a colour, even where the terminal
// could show them (colours are forced on for this file, as a colour terminal
// would have them). Bold and inverse stay: they carry meaning without colour.
// The control, the same screens with colour, is in vmi-table.test.tsx.
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '3';
  process.env.NO_COLOR = '1';
});

import type { WizardState } from '../../src/state/wizard.js';
import { renderApp, type Rendered } from './helpers/render.js';
import { clusterWithFixtures, item, modified, movedTo, wizardAt } from './helpers/stores.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

/** SGR sequences that set a foreground or background colour (30-49, 90-107, 38;5/38;2 and 48;...). */
// eslint-disable-next-line no-control-regex -- finding escapes is the point
const SGR = /\u001B\[([0-9;]*)m/g;

function colourCodes(frame: string): string[] {
  const out: string[] = [];
  for (const m of frame.matchAll(SGR)) {
    const params = (m[1] ?? '').split(';').map(Number);
    if (params.some((p) => (p >= 30 && p <= 49) || (p >= 90 && p <= 107))) out.push(JSON.stringify(m[0]));
  }
  return out;
}

const STATES: [string, Partial<WizardState> & { step: WizardState['step'] }][] = [
  ['connect, checks running', { step: 'connect', preflight: { phase: 'running', blocked: false, checks: [{ id: 'api', title: 'API server', status: 'pending', detail: '' }] } }],
  ['connect, problems', { step: 'connect', preflight: { phase: 'done', blocked: true, checks: [{ id: 'a', title: 'A', status: 'ok', detail: 'fine' }, { id: 'b', title: 'B', status: 'warn', detail: 'hmm', fix: 'do this' }, { id: 'c', title: 'C', status: 'block', detail: 'no', fix: 'do that' }] }, status: { text: 'blocked', tone: 'error' } }],
  ['targets', { step: 'targets' }],
  ['schedule with errors', { step: 'schedule', schedule: { min: '0', max: '', timeout: '1', trigger: 'virtctl', dryRun: true }, scheduleErrors: { min: 'at least 1', max: 'a number' } }],
  ['preview', { step: 'preview' }],
  ['deploy, running', { step: 'deploy', deploy: { phase: 'running', dryRun: false, steps: [{ id: 'a', title: 'Role created', status: 'done' }, { id: 'b', title: 'Wait for the VMI', status: 'running' }] } }],
  ['deploy, failed', { step: 'deploy', deploy: { phase: 'failed', dryRun: false, steps: [{ id: 'a', title: 'Role', status: 'failed' }], error: 'forbidden' } }],
  ['dashboard', { step: 'dashboard', status: { text: 'controller paused (confirmed by the controller)', tone: 'ok' } }],
  ['help', { step: 'dashboard', overlay: { kind: 'help' } }],
  ['confirm', { step: 'dashboard', overlay: { kind: 'confirm', action: 'teardown', message: 'Remove?' } }],
];

describe('NO_COLOR', () => {
  for (const [name, patch] of STATES) {
    it(`${name}: no colour codes in any frame`, async () => {
      const cluster = clusterWithFixtures();
      r = await renderApp(wizardAt(patch.step, patch), cluster, { columns: 120, rows: 40, demo: true });
      if (patch.step === 'dashboard') {
        // A node change in flight: the highlight must do without colour.
        cluster.getState().applyBatch({ vmis: [modified(movedTo(item('vmi-list.json', 'virtwork-cpu-1'), 'kv-worker-03'))] }, Date.now());
      }
      // Spinners animate: look at several frames.
      await new Promise((res) => setTimeout(res, 300));
      const all = r.frames.join('');
      expect(colourCodes(all)).toEqual([]);
    });
  }

  it('still marks what colour would: the highlight and the selection are inverse', async () => {
    const cluster = clusterWithFixtures();
    r = await renderApp(wizardAt('dashboard'), cluster, { columns: 120, rows: 40 });
    cluster.getState().applyBatch({ vmis: [modified(movedTo(item('vmi-list.json', 'virtwork-cpu-1'), 'kv-worker-03'))] }, Date.now());
    // eslint-disable-next-line no-control-regex -- the escapes are what is tested
    const f = await r.waitFor((x) => x.includes('\u001B[7m') && /\u001B\[7m[^\n]*kv-worker-03/.test(x.split('\n').find((l) => l.includes('virtwork-cpu-1')) ?? ''), 'the inverse node cell');
    expect(colourCodes(f)).toEqual([]);
  });
});
