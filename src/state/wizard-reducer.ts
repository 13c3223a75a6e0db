// What each key action does to the wizard, as a pure function: the new state,
// and at most one effect for the session to carry out (preflight, deploy,
// pause, ...). The UI calls this and hands the effect on; it does no I/O.
import {
  PREVIEW_TABS,
  SCHEDULE_FIELDS,
  SORT_KEYS,
  type WizardState,
  canAdvance,
  nextStep,
  previousStep,
  scheduleErrors,
  selectorProblem,
} from './wizard.js';
import type { ActionId } from './actions.js';

export type Effect =
  | { kind: 'preflight' }
  | { kind: 'deploy'; dryRun: boolean }
  | { kind: 'save-manifests' }
  | { kind: 'open-dashboard' }
  | { kind: 'pause'; paused: boolean }
  | { kind: 'dry-run'; dryRun: boolean }
  | { kind: 'migrate'; vmi: string }
  | { kind: 'report' }
  | { kind: 'teardown' }
  | { kind: 'quit' };

/** What the reducer needs to know about the screen beyond the wizard's own state. */
export interface ReduceContext {
  /** Rows in the dashboard table (after the filter). */
  rows: number;
  /** Table rows visible at once. */
  pageSize: number;
  /** The VMI under the cursor. */
  selectedVmi?: string;
  /** Whether the controller is paused / in dry-run now (what p and d toggle). */
  paused: boolean;
  dryRun: boolean;
  /** Lines of the preview's current view, for scrolling. */
  previewLines: number;
}

export interface Reduced {
  state: WizardState;
  effect?: Effect;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

function say(state: WizardState, text: string, tone: 'info' | 'ok' | 'warn' | 'error' = 'info'): WizardState {
  return { ...state, status: { text, tone } };
}

function advance(s: WizardState): Reduced {
  const check = canAdvance(s);
  if (!check.ok) return { state: say(s, check.why ?? 'not yet', 'warn') };
  if (s.step === 'preview') return { state: { ...s, step: 'deploy', status: undefined, deploy: { phase: 'running', steps: [], dryRun: s.schedule.dryRun } }, effect: { kind: 'deploy', dryRun: s.schedule.dryRun } };
  return { state: { ...s, step: nextStep(s.step), status: undefined } };
}

function moveCursor(s: WizardState, ctx: ReduceContext, to: number): WizardState {
  return { ...s, dashboard: { ...s.dashboard, cursor: clamp(to, 0, Math.max(0, ctx.rows - 1)) } };
}

function scrollPreview(s: WizardState, ctx: ReduceContext, by: number): WizardState {
  return { ...s, preview: { ...s.preview, scroll: clamp(s.preview.scroll + by, 0, Math.max(0, ctx.previewLines - ctx.pageSize)) } };
}

export function reduceAction(s: WizardState, action: ActionId, ctx: ReduceContext): Reduced {
  // Overlays first: they take the keyboard until closed.
  if (s.overlay.kind === 'help' && action === 'close') return { state: { ...s, overlay: { kind: 'none' } } };
  if (s.overlay.kind === 'filter') {
    if (action === 'close') return { state: { ...s, overlay: { kind: 'none' }, dashboard: { ...s.dashboard, filter: '', cursor: 0 } } };
    if (action === 'next') return { state: { ...s, overlay: { kind: 'none' } } };
  }
  if (s.overlay.kind === 'confirm') {
    const closed = { ...s, overlay: { kind: 'none' } as const };
    if (action === 'confirm-no') return { state: closed };
    if (action === 'confirm-yes') return { state: s.overlay.action === 'teardown' ? say(closed, 'tearing down…') : closed, effect: { kind: s.overlay.action } };
  }
  switch (action) {
    case 'force-quit':
      return { state: s, effect: { kind: 'quit' } };
    case 'quit':
      return { state: s, effect: { kind: 'quit' } };
    case 'help':
      return { state: { ...s, overlay: s.overlay.kind === 'help' ? { kind: 'none' } : { kind: 'help' } } };
    case 'next':
      return advance(s);
    case 'back':
      return { state: { ...s, step: previousStep(s), status: undefined } };
    case 'recheck':
      return { state: { ...s, preflight: { phase: 'running', checks: [], blocked: false } }, effect: { kind: 'preflight' } };
    case 'open-dashboard':
      return { state: { ...s, step: 'dashboard' }, effect: { kind: 'open-dashboard' } };
    case 'focus-next':
    case 'focus-prev': {
      if (s.step === 'targets') return { state: { ...s, targetsFocus: s.targetsFocus === 'selector' ? 'exclusions' : 'selector' } };
      const i = SCHEDULE_FIELDS.indexOf(s.scheduleFocus);
      const j = (i + (action === 'focus-next' ? 1 : SCHEDULE_FIELDS.length - 1)) % SCHEDULE_FIELDS.length;
      return { state: { ...s, scheduleFocus: SCHEDULE_FIELDS[j]! } };
    }
    case 'toggle':
      if (s.step === 'targets') {
        const c = s.components[s.exclusionCursor];
        if (!c || c === 'chaos-migration') return { state: s };
        const exclusions = s.exclusions.includes(c) ? s.exclusions.filter((x) => x !== c) : [...s.exclusions, c];
        return { state: { ...s, exclusions } };
      }
      if (s.scheduleFocus === 'trigger') return { state: { ...s, schedule: { ...s.schedule, trigger: s.schedule.trigger === 'virtctl' ? 'vmim' : 'virtctl' } } };
      return { state: { ...s, schedule: { ...s.schedule, dryRun: !s.schedule.dryRun } } };
    case 'cursor-up':
    case 'cursor-down': {
      const d = action === 'cursor-up' ? -1 : 1;
      if (s.step === 'targets') return { state: { ...s, exclusionCursor: clamp(s.exclusionCursor + d, 0, Math.max(0, s.components.length - 1)) } };
      if (s.step === 'preview') return { state: scrollPreview(s, ctx, d) };
      return { state: moveCursor(s, ctx, s.dashboard.cursor + d) };
    }
    case 'page-up':
    case 'page-down': {
      const d = (action === 'page-up' ? -1 : 1) * Math.max(1, ctx.pageSize - 1);
      if (s.step === 'preview') return { state: scrollPreview(s, ctx, d) };
      return { state: moveCursor(s, ctx, s.dashboard.cursor + d) };
    }
    case 'home':
      return { state: moveCursor(s, ctx, 0) };
    case 'end':
      return { state: moveCursor(s, ctx, ctx.rows - 1) };
    case 'tab-next':
      return { state: { ...s, preview: { tab: PREVIEW_TABS[(PREVIEW_TABS.indexOf(s.preview.tab) + 1) % PREVIEW_TABS.length]!, scroll: 0 } } };
    case 'deploy-dry-run': {
      const withDry = { ...s, schedule: { ...s.schedule, dryRun: true } };
      return { state: { ...withDry, step: 'deploy', deploy: { phase: 'running', steps: [], dryRun: true } }, effect: { kind: 'deploy', dryRun: true } };
    }
    case 'save-manifests':
      return { state: say(s, 'writing the manifests…'), effect: { kind: 'save-manifests' } };
    case 'retry':
      return { state: { ...s, deploy: { ...s.deploy, phase: 'running', error: undefined } }, effect: { kind: 'deploy', dryRun: s.deploy.dryRun } };
    case 'pause':
      return { state: say({ ...s, dashboard: { ...s.dashboard, busy: ctx.paused ? 'resuming' : 'pausing' } }, ctx.paused ? 'resuming the controller…' : 'pausing the controller…'), effect: { kind: 'pause', paused: !ctx.paused } };
    case 'dry-run':
      return { state: say(s, `switching migration dry-run ${ctx.dryRun ? 'off' : 'on'}…`), effect: { kind: 'dry-run', dryRun: !ctx.dryRun } };
    case 'migrate':
      if (!ctx.selectedVmi) return { state: say(s, 'no VMI selected', 'warn') };
      return { state: say(s, `migrating ${ctx.selectedVmi}…`), effect: { kind: 'migrate', vmi: ctx.selectedVmi } };
    case 'filter':
      return { state: { ...s, overlay: { kind: 'filter', text: s.dashboard.filter } } };
    case 'sort':
      return { state: { ...s, dashboard: { ...s.dashboard, sort: SORT_KEYS[(SORT_KEYS.indexOf(s.dashboard.sort) + 1) % SORT_KEYS.length]!, cursor: 0 } } };
    case 'sort-reverse':
      return { state: { ...s, dashboard: { ...s.dashboard, sortDesc: !s.dashboard.sortDesc, cursor: 0 } } };
    case 'report':
      return { state: say(s, 'writing the report…'), effect: { kind: 'report' } };
    case 'teardown':
      return { state: { ...s, overlay: { kind: 'confirm', action: 'teardown', message: 'Remove the controller VM, its RBAC and ConfigMaps from the cluster? Migration history stays.' } } };
    default:
      return { state: s };
  }
}

/** Typing into the focused text field (not a keymap action): printable input or backspace. */
export function typeInto(state: WizardState, input: string, backspace: boolean): WizardState {
  // A refusal ("interval max must not be less than ...") is about the value
  // before this edit: keeping it on screen after the fix reads as still wrong.
  const s = state.status?.tone === 'warn' ? { ...state, status: undefined } : state;
  const edit = (v: string) => (backspace ? v.slice(0, -1) : v + input);
  if (s.overlay.kind === 'filter') {
    const text = edit(s.overlay.text);
    return { ...s, overlay: { kind: 'filter', text }, dashboard: { ...s.dashboard, filter: text, cursor: 0 } };
  }
  if (s.step === 'targets' && s.targetsFocus === 'selector') {
    const selector = edit(s.selector);
    return { ...s, selector, selectorError: selectorProblem(selector) };
  }
  if (s.step === 'schedule' && (s.scheduleFocus === 'min' || s.scheduleFocus === 'max' || s.scheduleFocus === 'timeout')) {
    if (!backspace && !/^\d$/.test(input)) return state;
    const schedule = { ...s.schedule, [s.scheduleFocus]: edit(s.schedule[s.scheduleFocus]) };
    return { ...s, schedule, scheduleErrors: scheduleErrors(schedule) };
  }
  return state;
}

/** Whether a text field has the keyboard (so printable keys go to it). */
export function typing(s: WizardState): boolean {
  if (s.overlay.kind === 'filter') return true;
  if (s.overlay.kind !== 'none') return false;
  return (s.step === 'targets' && s.targetsFocus === 'selector') || (s.step === 'schedule' && ['min', 'max', 'timeout'].includes(s.scheduleFocus));
}
