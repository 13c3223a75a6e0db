// The frame is never taller than the terminal, at 80x24 and at 120x40, on
// every screen and overlay, with the worst content each one can hold (every
// check failing with a fix, a long deploy with a wrapped error, thousands of
// VMIs); the header stays on the first line and the footer on the last.
import { afterEach, describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/state/wizard.js';
import { KEYMAP } from '../../src/ui/keymap.js';
import { plain, renderApp, type Rendered } from './helpers/render.js';
import { clusterWith, clusterWithFixtures, manyVmis, wizardAt } from './helpers/stores.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const LONG = 'the API server answered 403 Forbidden: virtualmachines.kubevirt.io is forbidden: User "alice" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "virtwork"';

const checks = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, title: `Check ${i}`, status: (i % 2 ? 'warn' : 'block') as 'warn' | 'block', detail: LONG, fix: `fix number ${i}: ${LONG}` }));
const steps = Array.from({ length: 14 }, (_, i) => ({ id: `s${i}`, title: `Step ${i} ${LONG}`, status: 'done' as const, detail: LONG }));

type Patch = Partial<WizardState> & { step: WizardState['step'] };

/** Each state, and lines that must be on screen whole (not squashed away by what overflows). */
const STATES: [string, Patch, RegExp[]][] = [
  [
    'connect, every check failing with a fix',
    { step: 'connect', preflight: { phase: 'done', blocked: true, checks, facts: Array.from({ length: 8 }, (_, i) => ({ label: `fact ${i}`, value: LONG })), existingController: { runId: 'r', state: 'idle' } }, status: { text: LONG, tone: 'error' } },
    [/^Preflight$/, /^✗ Check 0 /, /^ {2}fix: fix number 0/, /^(… and \d+ more checks| {2}fix: fix number 11)/, /d opens its dashb/],
  ],
  ['connect, preflight failed', { step: 'connect', preflight: { phase: 'error', blocked: true, checks: [], error: `${LONG} ${LONG}` } }, [/^Preflight$/, /^the API server answered/]],
  ['targets, many components', { step: 'targets', components: Array.from({ length: 30 }, (_, i) => `component-${i}`) }, [/^Targets$/, /^extra label selector/, /VMIs match/]],
  ['targets, a selector error', { step: 'targets', selector: 'a in (', selectorError: LONG }, [/^Targets$/, /^the API server answered/]],
  ['schedule, every field wrong', { step: 'schedule', schedule: { min: '', max: '0', timeout: '9999999', trigger: 'vmim', dryRun: true }, scheduleErrors: { min: LONG, max: LONG, timeout: LONG } }, [/^Schedule$/, /migration dry-run/]],
  ['preview', { step: 'preview' }, [/^Dry-run preview/, /^object line 1$/]],
  ['deploy, long and failed', { step: 'deploy', deploy: { phase: 'failed', steps, dryRun: true, error: `${LONG} ${LONG} ${LONG}` } }, [/^Deploy \(migration dry-run/, /^✓ Step 13 /, /^r retries/]],
  ['dashboard', { step: 'dashboard' }, [/^controller /, /^NAME\s+NODE/, /^migrations \(newest first\)/]],
  ['dashboard, help', { step: 'dashboard', overlay: { kind: 'help' } }, [/Keys on this screen/, /^│?t\s+Remove the controller/, /^│?p\s+Pause or resume/]],
  ['dashboard, filter', { step: 'dashboard', overlay: { kind: 'filter', text: 'virtwork' }, dashboard: { cursor: 0, sort: 'name', sortDesc: false, filter: 'virtwork' } }, [/^NAME\s+NODE/, /^\/virtwork/]],
  ['dashboard, confirm', { step: 'dashboard', overlay: { kind: 'confirm', action: 'teardown', message: `${LONG} ${LONG}` } }, [/y yes · n no/]],
  ['preview, help', { step: 'preview', overlay: { kind: 'help' } }, [/Keys on this screen/, /^│?enter\s+Deploy the controller/]],
];

const SIZES: [number, number][] = [
  [80, 24],
  [120, 40],
];

function checkFrame(frame: string, columns: number, rows: number) {
  const lines = frame.split('\n');
  expect(lines.length, `frame of ${lines.length} lines at ${columns}x${rows}:\n${frame}`).toBeLessThanOrEqual(rows);
  for (const l of lines) expect(plain(l).length, `line wider than ${columns}: ${plain(l)}`).toBeLessThanOrEqual(columns);
  expect(plain(lines[0]!)).toMatch(/^virtwork-chaos-tui/);
  // The footer is the last line with text: the keys, starting with help or a key of the screen.
  const footer = plain(lines.filter((l) => plain(l).trim() !== '').at(-1)!);
  const labels = new Set(KEYMAP.map((b) => b.label));
  expect(labels.has(footer.split(' ')[0]!), `last line is not the footer: ${footer}`).toBe(true);
}

describe('the frame fits the terminal', () => {
  for (const [columns, rows] of SIZES) {
    for (const [name, patch, must] of STATES) {
      it(`${columns}x${rows}: ${name}`, async () => {
        const big = patch.step === 'dashboard';
        r = await renderApp(wizardAt(patch.step, patch), big ? clusterWith(manyVmis(500, 20)) : clusterWithFixtures(), { columns, rows, demo: true });
        await r.waitFor((f) => f.split('\n').length > 3, 'a frame');
        checkFrame(r.frame(), columns, rows);
        const lines = plain(r.frame()).split('\n');
        for (const re of must) expect(lines.some((l) => re.test(l)), `no line matches ${re}:\n${plain(r.frame())}`).toBe(true);
      });
    }
  }

  it('follows a resize: 120x40 down to 80x24 and back, still inside the terminal', async () => {
    r = await renderApp(wizardAt('dashboard'), clusterWith(manyVmis(500, 20)), { columns: 120, rows: 40, demo: true });
    await r.waitFor((f) => f.split('\n').length > 30, 'the tall frame');
    checkFrame(r.frame(), 120, 40);
    await r.resize(80, 24);
    await r.waitFor((f) => f.split('\n').length <= 24, 'the frame to shrink');
    checkFrame(r.frame(), 80, 24);
    await r.resize(120, 40);
    await r.waitFor((f) => f.split('\n').length > 30, 'the frame to grow');
    checkFrame(r.frame(), 120, 40);
  });
});
