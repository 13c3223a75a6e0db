// The operator's path through the TUI: connect and preflight, targets,
// schedule, dry-run preview, deploy, dashboard; with the form values, their
// validation, and the overlay on top. Pure reducers in a vanilla store; the
// session (src/cluster) feeds results in, the UI dispatches intents.
import { createStore } from 'zustand/vanilla';
import { SelectorError, parseLabelSelector } from '../k8s/selectors.js';

export const STEPS = ['connect', 'targets', 'schedule', 'preview', 'deploy', 'dashboard'] as const;
export type Step = (typeof STEPS)[number];

export type CheckStatus = 'pending' | 'ok' | 'warn' | 'block';
/** A preflight check as the connect screen shows it. */
export interface CheckView {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** A deploy step as the deploy screen shows it. */
export interface StepView {
  id: string;
  title: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
}

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'filter'; text: string }
  | { kind: 'confirm'; action: 'teardown' | 'quit'; message: string };

export type Tone = 'info' | 'ok' | 'warn' | 'error';
export type ScheduleField = 'min' | 'max' | 'timeout' | 'trigger' | 'dryRun';
export const SCHEDULE_FIELDS: ScheduleField[] = ['min', 'max', 'timeout', 'trigger', 'dryRun'];
export type PreviewTab = 'objects' | 'script' | 'sample';
export const PREVIEW_TABS: PreviewTab[] = ['objects', 'script', 'sample'];
export type SortKey = 'name' | 'node' | 'phase' | 'component' | 'migrations';
export const SORT_KEYS: SortKey[] = ['name', 'node', 'phase', 'component', 'migrations'];

export interface WizardState {
  step: Step;
  overlay: Overlay;
  /** One line of feedback at the bottom (what just happened, what failed). */
  status?: { text: string; tone: Tone };
  connection?: { context: string; server: string; namespace: string };
  /** In demo mode: where the simulator's logs and kubeconfig are, and what runs instead when something cannot. */
  demo?: { logPath: string; kubeconfigOut?: string; note?: string };
  preflight: {
    phase: 'idle' | 'running' | 'done' | 'error';
    checks: CheckView[];
    blocked: boolean;
    error?: string;
    existingController?: { runId?: string; state?: string };
    /** What preflight found, as label/value lines (KubeVirt, virtctl to pin, nodes, limits). */
    facts?: { label: string; value: string }[];
  };
  /** Components found in the namespace, for the exclusion list. */
  components: string[];
  selector: string;
  selectorError?: string;
  exclusions: string[];
  /** Which part of the targets screen has the keyboard. */
  targetsFocus: 'selector' | 'exclusions';
  exclusionCursor: number;
  schedule: { min: string; max: string; timeout: string; trigger: 'virtctl' | 'vmim'; dryRun: boolean };
  scheduleFocus: ScheduleField;
  scheduleErrors: Partial<Record<ScheduleField, string>>;
  preview: { tab: PreviewTab; scroll: number };
  deploy: { phase: 'idle' | 'running' | 'done' | 'failed'; steps: StepView[]; error?: string; dryRun: boolean };
  dashboard: { cursor: number; sort: SortKey; sortDesc: boolean; filter: string; busy?: string };
}

export function initialWizard(defaults: { min: number; max: number; timeout: number; trigger?: 'virtctl' | 'vmim'; dryRun?: boolean; selector?: string; exclusions?: string[] }): WizardState {
  return {
    step: 'connect',
    overlay: { kind: 'none' },
    preflight: { phase: 'idle', checks: [], blocked: false },
    components: [],
    selector: defaults.selector ?? '',
    exclusions: defaults.exclusions ?? [],
    targetsFocus: 'selector',
    exclusionCursor: 0,
    schedule: { min: String(defaults.min), max: String(defaults.max), timeout: String(defaults.timeout), trigger: defaults.trigger ?? 'virtctl', dryRun: defaults.dryRun ?? false },
    scheduleFocus: 'min',
    scheduleErrors: {},
    preview: { tab: 'objects', scroll: 0 },
    deploy: { phase: 'idle', steps: [], dryRun: false },
    dashboard: { cursor: 0, sort: 'name', sortDesc: false, filter: '' },
  };
}

/** The selector's problem in the API server's words, or undefined when it parses. */
export function selectorProblem(text: string): string | undefined {
  try {
    parseLabelSelector(text);
    return undefined;
  } catch (e) {
    if (e instanceof SelectorError) return e.message;
    throw e;
  }
}

function seconds(text: string, name: string): { value?: number; error?: string } {
  if (!/^\d+$/.test(text.trim())) return { error: `${name} must be a whole number of seconds` };
  const n = Number(text);
  if (n < 1) return { error: `${name} must be at least 1 second` };
  if (n > 604_800) return { error: `${name} must be at most a week (604800 s)` };
  return { value: n };
}

/** The schedule's problems, field by field, with the same rules as the flags. */
export function scheduleErrors(s: WizardState['schedule']): Partial<Record<ScheduleField, string>> {
  const out: Partial<Record<ScheduleField, string>> = {};
  const min = seconds(s.min, 'interval min');
  const max = seconds(s.max, 'interval max');
  const timeout = seconds(s.timeout, 'timeout');
  if (min.error) out.min = min.error;
  if (max.error) out.max = max.error;
  if (timeout.error) out.timeout = timeout.error;
  if (min.value !== undefined && max.value !== undefined && min.value > max.value) out.max = `interval max (${max.value}) must not be less than interval min (${min.value})`;
  return out;
}

/** Whether the current step lets Enter go on, and why not. */
export function canAdvance(s: WizardState): { ok: boolean; why?: string } {
  switch (s.step) {
    case 'connect':
      if (s.preflight.phase === 'running' || s.preflight.phase === 'idle') return { ok: false, why: 'preflight is still running' };
      if (s.preflight.phase === 'error') return { ok: false, why: s.preflight.error ?? 'preflight failed: press r to retry' };
      if (s.preflight.blocked) return { ok: false, why: 'a blocking check failed (see its fix); press r to re-check' };
      return { ok: true };
    case 'targets':
      return s.selectorError ? { ok: false, why: `target labels: ${s.selectorError}` } : { ok: true };
    case 'schedule': {
      const errs = Object.values(scheduleErrors(s.schedule));
      return errs.length ? { ok: false, why: errs[0] } : { ok: true };
    }
    case 'preview':
      return { ok: true };
    case 'deploy':
      return s.deploy.phase === 'done' ? { ok: true } : { ok: false, why: s.deploy.phase === 'failed' ? 'deploy failed: r retries, Esc goes back' : 'deploy is running' };
    default:
      return { ok: false };
  }
}

export function nextStep(step: Step): Step {
  return STEPS[Math.min(STEPS.indexOf(step) + 1, STEPS.length - 1)]!;
}

/** Esc: back one step; the dashboard and a running deploy are never left this way. */
export function previousStep(s: WizardState): Step {
  if (s.step === 'dashboard' || s.step === 'connect') return s.step;
  if (s.step === 'deploy' && s.deploy.phase !== 'failed') return s.step;
  return STEPS[STEPS.indexOf(s.step) - 1]!;
}

export type WizardStore = ReturnType<typeof createWizardStore>;

export function createWizardStore(initial: WizardState) {
  return createStore<WizardState>()(() => initial);
}
