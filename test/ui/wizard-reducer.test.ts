// reduceAction and typeInto as pure functions: every action's new state and
// effect, overlays taking the keyboard first, and edits validated as typed.
import { describe, expect, it } from 'vitest';
import { type ReduceContext, reduceAction, typeInto, typing } from '../../src/state/wizard-reducer.js';
import { canAdvance, initialWizard, previousStep, type WizardState } from '../../src/state/wizard.js';

const CTX: ReduceContext = { rows: 50, pageSize: 10, selectedVmi: 'virtwork-cpu-0', paused: false, dryRun: false, previewLines: 100 };

function at(step: WizardState['step'], patch: Partial<WizardState> = {}): WizardState {
  const s = initialWizard({ min: 5, max: 15, timeout: 120 });
  return { ...s, step, preflight: { phase: 'done', checks: [], blocked: false }, components: ['chaos-migration', 'cpu', 'memory'], ...patch };
}

describe('advancing and going back', () => {
  it('next moves one step on; on the preview it starts the deploy', () => {
    expect(reduceAction(at('connect'), 'next', CTX).state.step).toBe('targets');
    expect(reduceAction(at('targets'), 'next', CTX).state.step).toBe('schedule');
    expect(reduceAction(at('schedule'), 'next', CTX).state.step).toBe('preview');
    const r = reduceAction(at('preview'), 'next', CTX);
    expect(r.state.step).toBe('deploy');
    expect(r.state.deploy).toEqual({ phase: 'running', steps: [], dryRun: false });
    expect(r.effect).toEqual({ kind: 'deploy', dryRun: false });
  });

  it('next honours a schedule with dry-run on', () => {
    const s = at('preview', { schedule: { min: '5', max: '15', timeout: '120', trigger: 'virtctl', dryRun: true } });
    expect(reduceAction(s, 'next', CTX).effect).toEqual({ kind: 'deploy', dryRun: true });
  });

  it('refuses with the reason while a step is not ready, and has no effect', () => {
    const cases: [WizardState, RegExp][] = [
      [at('connect', { preflight: { phase: 'running', checks: [], blocked: false } }), /still running/],
      [at('connect', { preflight: { phase: 'done', checks: [], blocked: true } }), /blocking check/],
      [at('connect', { preflight: { phase: 'error', checks: [], blocked: true, error: 'no route to host' } }), /no route to host/],
      [at('targets', { selectorError: 'bad' }), /target labels: bad/],
      [at('schedule', { schedule: { min: '20', max: '10', timeout: '120', trigger: 'virtctl', dryRun: false } }), /must not be less than/],
      [at('deploy', { deploy: { phase: 'running', steps: [], dryRun: false } }), /running/],
    ];
    for (const [s, why] of cases) {
      const r = reduceAction(s, 'next', CTX);
      expect(r.state.step).toBe(s.step);
      expect(r.state.status?.tone).toBe('warn');
      expect(r.state.status?.text).toMatch(why);
      expect(r.effect).toBeUndefined();
    }
  });

  it('back goes one step back but never leaves the dashboard, the start or a running deploy', () => {
    expect(reduceAction(at('preview'), 'back', CTX).state.step).toBe('schedule');
    expect(reduceAction(at('targets'), 'back', CTX).state.step).toBe('connect');
    expect(reduceAction(at('connect'), 'back', CTX).state.step).toBe('connect');
    expect(reduceAction(at('dashboard'), 'back', CTX).state.step).toBe('dashboard');
    expect(previousStep(at('deploy', { deploy: { phase: 'running', steps: [], dryRun: false } }))).toBe('deploy');
    expect(previousStep(at('deploy', { deploy: { phase: 'failed', steps: [], dryRun: false } }))).toBe('preview');
  });

  it('canAdvance: the dashboard is the last step', () => {
    expect(canAdvance(at('dashboard')).ok).toBe(false);
  });
});

describe('overlays take the keyboard first', () => {
  it('help toggles; close closes it without going back', () => {
    const open = reduceAction(at('preview'), 'help', CTX).state;
    expect(open.overlay).toEqual({ kind: 'help' });
    expect(reduceAction(open, 'help', CTX).state.overlay).toEqual({ kind: 'none' });
    const closed = reduceAction(open, 'close', CTX).state;
    expect(closed.overlay).toEqual({ kind: 'none' });
    expect(closed.step).toBe('preview');
  });

  it('the filter: close clears it, next keeps it', () => {
    let s = reduceAction(at('dashboard'), 'filter', CTX).state;
    expect(s.overlay).toEqual({ kind: 'filter', text: '' });
    s = typeInto(typeInto(s, 'c', false), 'p', false);
    expect(s.dashboard.filter).toBe('cp');
    expect(reduceAction(s, 'close', CTX).state.dashboard.filter).toBe('');
    const kept = reduceAction(s, 'next', CTX).state;
    expect(kept.overlay.kind).toBe('none');
    expect(kept.dashboard.filter).toBe('cp');
  });

  it('teardown asks; yes dispatches it, no does nothing', () => {
    const asking = reduceAction(at('dashboard'), 'teardown', CTX);
    expect(asking.effect).toBeUndefined();
    expect(asking.state.overlay.kind).toBe('confirm');
    expect(reduceAction(asking.state, 'confirm-no', CTX)).toEqual({ state: { ...asking.state, overlay: { kind: 'none' } } });
    const yes = reduceAction(asking.state, 'confirm-yes', CTX);
    expect(yes.effect).toEqual({ kind: 'teardown' });
    expect(yes.state.overlay.kind).toBe('none');
  });
});

describe('dashboard actions', () => {
  it('pause and dry-run toggle what the controller is now, and say so', () => {
    const p = reduceAction(at('dashboard'), 'pause', CTX);
    expect(p.effect).toEqual({ kind: 'pause', paused: true });
    expect(p.state.dashboard.busy).toBe('pausing');
    const resume = reduceAction(at('dashboard'), 'pause', { ...CTX, paused: true });
    expect(resume.effect).toEqual({ kind: 'pause', paused: false });
    expect(resume.state.dashboard.busy).toBe('resuming');
    expect(reduceAction(at('dashboard'), 'dry-run', { ...CTX, dryRun: true }).effect).toEqual({ kind: 'dry-run', dryRun: false });
  });

  it('migrate takes the selected VMI; without one it warns', () => {
    expect(reduceAction(at('dashboard'), 'migrate', CTX).effect).toEqual({ kind: 'migrate', vmi: 'virtwork-cpu-0' });
    const none = reduceAction(at('dashboard'), 'migrate', { ...CTX, selectedVmi: undefined });
    expect(none.effect).toBeUndefined();
    expect(none.state.status).toEqual({ text: 'no VMI selected', tone: 'warn' });
  });

  it('the cursor stays within the rows: up, down, pages, home, end', () => {
    const s = at('dashboard');
    const cursor = (x: WizardState) => x.dashboard.cursor;
    expect(cursor(reduceAction(s, 'cursor-up', CTX).state)).toBe(0);
    expect(cursor(reduceAction(s, 'cursor-down', CTX).state)).toBe(1);
    expect(cursor(reduceAction(s, 'page-down', CTX).state)).toBe(9);
    expect(cursor(reduceAction(s, 'end', CTX).state)).toBe(49);
    const atEnd = reduceAction(s, 'end', CTX).state;
    expect(cursor(reduceAction(atEnd, 'page-down', CTX).state)).toBe(49);
    expect(cursor(reduceAction(atEnd, 'home', CTX).state)).toBe(0);
    expect(cursor(reduceAction(s, 'end', { ...CTX, rows: 0 }).state)).toBe(0);
  });

  it('sort cycles the column and goes back to the top; S reverses', () => {
    const s = at('dashboard', { dashboard: { cursor: 7, sort: 'name', sortDesc: false, filter: '' } });
    const sorted = reduceAction(s, 'sort', CTX).state.dashboard;
    expect(sorted).toMatchObject({ sort: 'node', cursor: 0 });
    let x = s;
    for (let i = 0; i < 5; i++) x = reduceAction(x, 'sort', CTX).state;
    expect(x.dashboard.sort).toBe('name');
    expect(reduceAction(s, 'sort-reverse', CTX).state.dashboard.sortDesc).toBe(true);
  });

  it('report, quit and force-quit are effects only', () => {
    const s = at('dashboard');
    expect(reduceAction(s, 'report', CTX).effect).toEqual({ kind: 'report' });
    expect(reduceAction(s, 'quit', CTX)).toEqual({ state: s, effect: { kind: 'quit' } });
    expect(reduceAction(s, 'force-quit', CTX)).toEqual({ state: s, effect: { kind: 'quit' } });
  });
});

describe('other steps', () => {
  it('recheck restarts preflight; open-dashboard jumps there', () => {
    const r = reduceAction(at('connect'), 'recheck', CTX);
    expect(r.effect).toEqual({ kind: 'preflight' });
    expect(r.state.preflight.phase).toBe('running');
    const d = reduceAction(at('connect'), 'open-dashboard', CTX);
    expect(d.state.step).toBe('dashboard');
    expect(d.effect).toEqual({ kind: 'open-dashboard' });
  });

  it('targets: tab switches focus; toggle excludes a component but never un-excludes chaos-migration', () => {
    let s = reduceAction(at('targets'), 'focus-next', CTX).state;
    expect(s.targetsFocus).toBe('exclusions');
    expect(reduceAction(s, 'toggle', CTX).state.exclusions).toEqual([]);
    s = reduceAction(s, 'cursor-down', CTX).state;
    s = reduceAction(s, 'toggle', CTX).state;
    expect(s.exclusions).toEqual(['cpu']);
    expect(reduceAction(s, 'toggle', CTX).state.exclusions).toEqual([]);
    for (let i = 0; i < 5; i++) s = reduceAction(s, 'cursor-down', CTX).state;
    expect(s.exclusionCursor).toBe(2);
  });

  it('schedule: focus cycles both ways; toggle flips the trigger or dry-run', () => {
    let s = at('schedule');
    s = reduceAction(s, 'focus-prev', CTX).state;
    expect(s.scheduleFocus).toBe('dryRun');
    expect(reduceAction(s, 'toggle', CTX).state.schedule.dryRun).toBe(true);
    s = reduceAction(s, 'focus-prev', CTX).state;
    expect(s.scheduleFocus).toBe('trigger');
    expect(reduceAction(s, 'toggle', CTX).state.schedule.trigger).toBe('vmim');
    // trigger -> dryRun -> back round to min.
    for (let i = 0; i < 2; i++) s = reduceAction(s, 'focus-next', CTX).state;
    expect(s.scheduleFocus).toBe('min');
  });

  it('preview: tabs cycle and reset the scroll; scrolling stays within the text', () => {
    let s = at('preview', { preview: { tab: 'objects', scroll: 30 } });
    expect(reduceAction(s, 'tab-next', CTX).state.preview).toEqual({ tab: 'script', scroll: 0 });
    s = reduceAction(s, 'page-down', CTX).state;
    expect(s.preview.scroll).toBe(39);
    for (let i = 0; i < 20; i++) s = reduceAction(s, 'page-down', CTX).state;
    expect(s.preview.scroll).toBe(90);
    for (let i = 0; i < 20; i++) s = reduceAction(s, 'cursor-up', CTX).state;
    expect(s.preview.scroll).toBe(70);
  });

  it('deploy dry-run, save and retry', () => {
    const d = reduceAction(at('preview'), 'deploy-dry-run', CTX);
    expect(d.effect).toEqual({ kind: 'deploy', dryRun: true });
    expect(d.state.schedule.dryRun).toBe(true);
    expect(reduceAction(at('preview'), 'save-manifests', CTX).effect).toEqual({ kind: 'save-manifests' });
    const failed = at('deploy', { deploy: { phase: 'failed', steps: [], dryRun: true, error: 'x' } });
    const retry = reduceAction(failed, 'retry', CTX);
    expect(retry.effect).toEqual({ kind: 'deploy', dryRun: true });
    expect(retry.state.deploy).toEqual({ phase: 'running', steps: [], dryRun: true, error: undefined });
  });
});

describe('typeInto', () => {
  it('validates the selector as it is typed', () => {
    let s = at('targets');
    expect(typing(s)).toBe(true);
    for (const ch of 'tier in (a') s = typeInto(s, ch, false);
    expect(s.selectorError).toBeDefined();
    s = typeInto(s, ')', false);
    expect(s.selector).toBe('tier in (a)');
    expect(s.selectorError).toBeUndefined();
    s = typeInto(s, '', true);
    expect(s.selector).toBe('tier in (a');
    expect(s.selectorError).toBeDefined();
  });

  it('takes digits only in the schedule fields, and validates them', () => {
    let s = at('schedule');
    s = typeInto(s, 'x', false);
    expect(s.schedule.min).toBe('5');
    s = typeInto(s, '0', false);
    expect(s.schedule.min).toBe('50');
    expect(s.scheduleErrors.max).toMatch(/must not be less than interval min \(50\)/);
    s = typeInto(typeInto(s, '', true), '', true);
    expect(s.scheduleErrors.min).toMatch(/whole number/);
  });

  it('drops a refusal once the field changes (it spoke of the old value), but keeps other news', () => {
    const refused = reduceAction(at('schedule', { schedule: { min: '20', max: '10', timeout: '1', trigger: 'virtctl', dryRun: false } }), 'next', CTX).state;
    expect(refused.status?.tone).toBe('warn');
    expect(typeInto(refused, '', true).status).toBeUndefined();
    const news = { ...at('schedule'), status: { text: 'manifests written', tone: 'ok' as const } };
    expect(typeInto(news, '1', false).status).toEqual({ text: 'manifests written', tone: 'ok' });
  });

  it('is not typing on the trigger, the dry-run switch, the exclusions or the dashboard', () => {
    expect(typing(at('schedule', { scheduleFocus: 'trigger' }))).toBe(false);
    expect(typing(at('targets', { targetsFocus: 'exclusions' }))).toBe(false);
    expect(typing(at('dashboard'))).toBe(false);
    expect(typing(at('dashboard', { overlay: { kind: 'filter', text: '' } }))).toBe(true);
    expect(typing(at('targets', { overlay: { kind: 'help' } }))).toBe(false);
    const s = at('schedule', { scheduleFocus: 'trigger' });
    expect(typeInto(s, '1', false)).toBe(s);
  });
});
