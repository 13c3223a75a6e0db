// One keymap drives input, footer and help: on every screen (and overlay) the
// footer shows exactly the keymap's footer keys for that state, and pressing
// each of them does something: it changes the wizard or dispatches an effect.
import { afterEach, describe, expect, it } from 'vitest';
import { activeBindings, KEYMAP, type KeySpec } from '../../src/ui/keymap.js';
import type { WizardState } from '../../src/state/wizard.js';
import { KEYS, renderApp, type Rendered } from './helpers/render.js';
import { clusterWithFixtures, wizardAt } from './helpers/stores.js';

type Setup = { name: string; state: () => ReturnType<typeof wizardAt> };

const SCENARIOS: Setup[] = [
  { name: 'connect, a controller already running', state: () => wizardAt('targets', { step: 'connect', preflight: { phase: 'done', blocked: false, checks: [], existingController: { runId: 'r1', state: 'idle' } } }) },
  { name: 'targets, typing the selector', state: () => wizardAt('targets') },
  { name: 'targets, on the exclusions', state: () => wizardAt('targets', { targetsFocus: 'exclusions', exclusionCursor: 1 }) },
  { name: 'schedule, on interval min', state: () => wizardAt('schedule') },
  { name: 'schedule, on the trigger', state: () => wizardAt('schedule', { scheduleFocus: 'trigger' }) },
  { name: 'preview, scrolled down', state: () => wizardAt('preview', { preview: { tab: 'objects', scroll: 5 } }) },
  { name: 'deploy, running', state: () => wizardAt('deploy', { deploy: { phase: 'running', steps: [], dryRun: false } }) },
  { name: 'deploy, failed', state: () => wizardAt('deploy', { deploy: { phase: 'failed', steps: [], dryRun: false, error: 'forbidden' } }) },
  { name: 'deploy, done', state: () => wizardAt('deploy', { deploy: { phase: 'done', steps: [], dryRun: false } }) },
  { name: 'dashboard, third row selected', state: () => wizardAt('dashboard', { dashboard: { cursor: 2, sort: 'name', sortDesc: false, filter: '' } }) },
  { name: 'help overlay', state: () => wizardAt('dashboard', { overlay: { kind: 'help' } }) },
  { name: 'filter overlay', state: () => wizardAt('dashboard', { overlay: { kind: 'filter', text: 'cpu' }, dashboard: { cursor: 0, sort: 'name', sortDesc: false, filter: 'cpu' } }) },
  { name: 'teardown confirmation', state: () => wizardAt('dashboard', { overlay: { kind: 'confirm', action: 'teardown', message: 'Remove it?' } }) },
];

const NAMED: Record<NonNullable<KeySpec['key']>, string> = {
  return: KEYS.enter,
  escape: KEYS.esc,
  tab: KEYS.tab,
  upArrow: KEYS.up,
  downArrow: KEYS.down,
  leftArrow: KEYS.left,
  rightArrow: KEYS.right,
  pageUp: KEYS.pageUp,
  pageDown: KEYS.pageDown,
  home: KEYS.home,
  end: KEYS.end,
};

/** The bytes a terminal sends for a key. */
function bytes(k: KeySpec): string {
  if (k.key === 'tab' && k.shift) return KEYS.shiftTab;
  if (k.key) return NAMED[k.key];
  if (k.ctrl && k.input) return String.fromCharCode(k.input.charCodeAt(0) - 96);
  return k.input!;
}

const footerLine = (r: Rendered) => r.lines().filter((l) => l.trim() !== '').at(-1) ?? '';

let current: Rendered | undefined;
afterEach(() => current?.unmount());

describe('the footer comes from the keymap', () => {
  for (const sc of SCENARIOS) {
    it(`${sc.name}: shows the keymap's footer keys for this state`, async () => {
      const wizard = sc.state();
      current = await renderApp(wizard, clusterWithFixtures(), { columns: 200, rows: 40 });
      const expected = activeBindings(wizard.getState()).filter((b) => b.footer);
      expect(expected.length).toBeGreaterThan(0);
      const footer = footerLine(current);
      for (const b of expected) expect(footer).toContain(`${b.label} ${b.hint}`);
      // Nothing else: the footer is exactly these hints.
      expect(footer.trim()).toBe(expected.map((b) => `${b.label} ${b.hint}`).join('  '));
    });
  }
});

describe('every key in the footer works', () => {
  for (const sc of SCENARIOS) {
    const bindings = activeBindings(sc.state().getState()).filter((b) => b.footer);
    for (const b of bindings) {
      it(`${sc.name}: ${b.label} (${b.hint})`, async () => {
        const wizard = sc.state();
        current = await renderApp(wizard, clusterWithFixtures(), { columns: 160, rows: 40 });
        const before: WizardState = wizard.getState();
        await current.press(bytes(b.keys[0]!));
        const changed = JSON.stringify(wizard.getState()) !== JSON.stringify(before);
        expect(changed || current.effects.length > 0, `${b.label} did nothing`).toBe(true);
      });
    }
  }
});

describe('what the keys do', () => {
  it('dashboard: p pauses (or resumes) the controller, d switches dry-run, m migrates the selected VMI, r writes a report', async () => {
    const wizard = wizardAt('dashboard', { dashboard: { cursor: 2, sort: 'name', sortDesc: false, filter: '' } });
    current = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await current.press('p');
    await current.waitFor((f) => f.includes('pausing'), 'the pending pause');
    await current.press('d', 'm', 'r');
    // Rows by name: chaos-migration-0, cpu-0, cpu-1, ...
    expect(current.effects).toEqual([{ kind: 'pause', paused: true }, { kind: 'dry-run', dryRun: true }, { kind: 'migrate', vmi: 'virtwork-cpu-1' }, { kind: 'report' }]);
  });

  it('dashboard: t asks first; y tears down, n keeps everything', async () => {
    const wizard = wizardAt('dashboard');
    current = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await current.press('t');
    await current.waitFor((f) => f.includes('Remove the controller VM'), 'the confirmation');
    await current.press('n');
    expect(wizard.getState().overlay.kind).toBe('none');
    expect(current.effects).toEqual([]);
    await current.press('t', 'y');
    expect(current.effects).toEqual([{ kind: 'teardown' }]);
  });

  it('q quits from every step, and Ctrl+C too', async () => {
    for (const step of ['connect', 'schedule', 'preview', 'dashboard'] as const) {
      const wizard = wizardAt(step, step === 'schedule' ? { scheduleFocus: 'trigger' } : {});
      const r = await renderApp(wizard, clusterWithFixtures());
      await r.press('q');
      await r.press(KEYS.ctrlC);
      expect(r.effects, step).toEqual([{ kind: 'quit' }, { kind: 'quit' }]);
      r.unmount();
    }
  });

  it('keys outside the footer and help do nothing (a letter no screen binds)', async () => {
    const wizard = wizardAt('dashboard');
    current = await renderApp(wizard, clusterWithFixtures());
    const before = wizard.getState();
    await current.press('z', 'x');
    expect(wizard.getState()).toBe(before);
    expect(current.effects).toEqual([]);
  });

  it('every keymap entry has a label, a hint and a sentence of help', () => {
    for (const b of KEYMAP) {
      expect(b.label.length).toBeGreaterThan(0);
      expect(b.hint.length).toBeGreaterThan(0);
      expect(b.help).toMatch(/\.$/);
      expect(b.keys.length).toBeGreaterThan(0);
    }
  });
});
