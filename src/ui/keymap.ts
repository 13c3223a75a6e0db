// The one keymap: every key the TUI answers, where it works, and what the
// help overlay and footer say about it. Input handling reads this table; the
// footer and help are rendered from it, so the keys shown are the keys that
// work on that screen.
import type { Key } from 'ink';
import type { ActionId } from '../state/actions.js';
import type { Step, WizardState } from '../state/wizard.js';

export type { ActionId };

type NamedKey = 'return' | 'escape' | 'tab' | 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end';

export interface KeySpec {
  /** A printable key ('p', '?', ' '). */
  input?: string;
  key?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

export type Scope = Step | 'global' | 'help' | 'filter' | 'confirm';

export interface Binding {
  action: ActionId;
  keys: KeySpec[];
  /** How the key reads in the footer and help: `p`, `enter`, `↑↓`. */
  label: string;
  /** Footer word(s). */
  hint: string;
  /** One sentence for the help overlay. */
  help: string;
  scope: Scope;
  /** Shown in the footer (others only in help). */
  footer?: boolean;
  /** Only when this holds (e.g. a text field is not being typed into). */
  when?: (s: WizardState) => boolean;
}

/** Letters are for fields while the operator types into one. */
const notTyping = (s: WizardState) => !(s.step === 'targets' && s.targetsFocus === 'selector') && !(s.step === 'schedule' && ['min', 'max', 'timeout'].includes(s.scheduleFocus));

export const KEYMAP: Binding[] = [
  { action: 'force-quit', keys: [{ input: 'c', ctrl: true }], label: 'ctrl+c', hint: 'quit', help: 'Quit at once (the controller, if deployed, keeps running in the cluster).', scope: 'global' },
  { action: 'help', keys: [{ input: '?' }], label: '?', hint: 'help', help: 'Open or close this help.', scope: 'global', footer: true, when: notTyping },
  { action: 'quit', keys: [{ input: 'q' }], label: 'q', hint: 'quit', help: 'Quit; a deployed controller keeps running in the cluster.', scope: 'global', footer: true, when: notTyping },
  { action: 'close', keys: [{ key: 'escape' }, { input: '?' }], label: 'esc', hint: 'close', help: 'Close the help.', scope: 'help', footer: true },
  { action: 'close', keys: [{ key: 'escape' }], label: 'esc', hint: 'cancel', help: 'Cancel the filter (the table shows everything again).', scope: 'filter', footer: true },
  { action: 'next', keys: [{ key: 'return' }], label: 'enter', hint: 'apply', help: 'Keep the filter and return to the table.', scope: 'filter', footer: true },
  { action: 'confirm-yes', keys: [{ input: 'y' }], label: 'y', hint: 'yes', help: 'Confirm.', scope: 'confirm', footer: true },
  { action: 'confirm-no', keys: [{ input: 'n' }, { key: 'escape' }], label: 'n/esc', hint: 'no', help: 'Cancel.', scope: 'confirm', footer: true },

  { action: 'next', keys: [{ key: 'return' }], label: 'enter', hint: 'next', help: 'Go on to choosing targets.', scope: 'connect', footer: true },
  { action: 'recheck', keys: [{ input: 'r' }], label: 'r', hint: 're-check', help: 'Run the preflight checks again.', scope: 'connect', footer: true },
  { action: 'open-dashboard', keys: [{ input: 'd' }], label: 'd', hint: 'dashboard', help: 'A controller already runs here: open its dashboard.', scope: 'connect', footer: true, when: (s) => Boolean(s.preflight.existingController) },

  { action: 'next', keys: [{ key: 'return' }], label: 'enter', hint: 'next', help: 'Go on to the schedule with these targets.', scope: 'targets', footer: true },
  { action: 'back', keys: [{ key: 'escape' }], label: 'esc', hint: 'back', help: 'Back to the preflight checks.', scope: 'targets', footer: true },
  { action: 'focus-next', keys: [{ key: 'tab' }], label: 'tab', hint: 'switch', help: 'Move between the label selector and the exclusions.', scope: 'targets', footer: true },
  { action: 'cursor-up', keys: [{ key: 'upArrow' }], label: '↑↓', hint: 'move', help: 'Move through the components.', scope: 'targets', when: (s) => s.targetsFocus === 'exclusions' },
  { action: 'cursor-down', keys: [{ key: 'downArrow' }], label: '↓', hint: 'move', help: 'Move through the components.', scope: 'targets', when: (s) => s.targetsFocus === 'exclusions' },
  { action: 'toggle', keys: [{ input: ' ' }], label: 'space', hint: 'exclude', help: 'Exclude or include the component under the cursor.', scope: 'targets', footer: true, when: (s) => s.targetsFocus === 'exclusions' },

  { action: 'next', keys: [{ key: 'return' }], label: 'enter', hint: 'preview', help: 'Go on to the dry-run preview.', scope: 'schedule', footer: true },
  { action: 'back', keys: [{ key: 'escape' }], label: 'esc', hint: 'back', help: 'Back to the targets.', scope: 'schedule', footer: true },
  { action: 'focus-next', keys: [{ key: 'tab' }, { key: 'downArrow' }], label: 'tab/↓', hint: 'next field', help: 'Next field.', scope: 'schedule', footer: true },
  { action: 'focus-prev', keys: [{ key: 'tab', shift: true }, { key: 'upArrow' }], label: '↑', hint: 'prev field', help: 'Previous field.', scope: 'schedule' },
  { action: 'toggle', keys: [{ input: ' ' }, { key: 'leftArrow' }, { key: 'rightArrow' }], label: 'space/←→', hint: 'change', help: 'Change the trigger or switch dry-run on and off.', scope: 'schedule', footer: true, when: (s) => s.scheduleFocus === 'trigger' || s.scheduleFocus === 'dryRun' },

  { action: 'next', keys: [{ key: 'return' }], label: 'enter', hint: 'deploy', help: 'Deploy the controller with these settings.', scope: 'preview', footer: true },
  { action: 'deploy-dry-run', keys: [{ input: 'D' }], label: 'D', hint: 'deploy dry-run', help: 'Deploy with migration dry-run on: the controller logs what it would migrate and migrates nothing.', scope: 'preview', footer: true },
  { action: 'save-manifests', keys: [{ input: 'w' }], label: 'w', hint: 'save', help: 'Write the manifests, script, unit and cloud-init to a directory.', scope: 'preview', footer: true },
  { action: 'tab-next', keys: [{ key: 'tab' }], label: 'tab', hint: 'view', help: 'Switch between the objects, the controller script and the sample schedule.', scope: 'preview', footer: true },
  { action: 'cursor-up', keys: [{ key: 'upArrow' }], label: '↑↓', hint: 'scroll', help: 'Scroll.', scope: 'preview', footer: true },
  { action: 'cursor-down', keys: [{ key: 'downArrow' }], label: '↓', hint: 'scroll', help: 'Scroll.', scope: 'preview' },
  { action: 'page-up', keys: [{ key: 'pageUp' }], label: 'pgup', hint: 'page', help: 'Scroll a page up.', scope: 'preview' },
  { action: 'page-down', keys: [{ key: 'pageDown' }, { input: ' ' }], label: 'pgdn', hint: 'page', help: 'Scroll a page down.', scope: 'preview' },
  { action: 'back', keys: [{ key: 'escape' }], label: 'esc', hint: 'back', help: 'Back to the schedule.', scope: 'preview', footer: true },

  { action: 'retry', keys: [{ input: 'r' }], label: 'r', hint: 'retry', help: 'Retry the deploy (what was done is reused).', scope: 'deploy', footer: true, when: (s) => s.deploy.phase === 'failed' },
  { action: 'back', keys: [{ key: 'escape' }], label: 'esc', hint: 'back', help: 'Back to the preview.', scope: 'deploy', footer: true, when: (s) => s.deploy.phase === 'failed' },
  { action: 'next', keys: [{ key: 'return' }], label: 'enter', hint: 'dashboard', help: 'Open the dashboard.', scope: 'deploy', footer: true, when: (s) => s.deploy.phase === 'done' },

  { action: 'cursor-up', keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑↓', hint: 'select', help: 'Select a VMI.', scope: 'dashboard', footer: true },
  { action: 'cursor-down', keys: [{ key: 'downArrow' }, { input: 'j' }], label: '↓', hint: 'select', help: 'Select a VMI.', scope: 'dashboard' },
  { action: 'page-up', keys: [{ key: 'pageUp' }], label: 'pgup', hint: 'page', help: 'A page up.', scope: 'dashboard' },
  { action: 'page-down', keys: [{ key: 'pageDown' }], label: 'pgdn', hint: 'page', help: 'A page down.', scope: 'dashboard' },
  { action: 'home', keys: [{ key: 'home' }, { input: 'g' }], label: 'home', hint: 'top', help: 'First VMI.', scope: 'dashboard' },
  { action: 'end', keys: [{ key: 'end' }, { input: 'G' }], label: 'end', hint: 'bottom', help: 'Last VMI.', scope: 'dashboard' },
  { action: 'pause', keys: [{ input: 'p' }], label: 'p', hint: 'pause/resume', help: 'Pause or resume the controller (it confirms within 5 s).', scope: 'dashboard', footer: true },
  { action: 'dry-run', keys: [{ input: 'd' }], label: 'd', hint: 'dry-run', help: 'Switch the controller\'s migration dry-run on or off.', scope: 'dashboard', footer: true },
  { action: 'migrate', keys: [{ input: 'm' }], label: 'm', hint: 'migrate', help: 'Live-migrate the selected VMI now.', scope: 'dashboard', footer: true },
  { action: 'filter', keys: [{ input: '/' }], label: '/', hint: 'filter', help: 'Filter the table by name, component or node.', scope: 'dashboard', footer: true },
  { action: 'sort', keys: [{ input: 's' }], label: 's', hint: 'sort', help: 'Sort by the next column (name, node, phase, component, migrations).', scope: 'dashboard', footer: true },
  { action: 'sort-reverse', keys: [{ input: 'S' }], label: 'S', hint: 'reverse', help: 'Reverse the sort order.', scope: 'dashboard' },
  { action: 'report', keys: [{ input: 'r' }], label: 'r', hint: 'report', help: 'Write a report of this run (Markdown and JUnit) to the current directory.', scope: 'dashboard', footer: true },
  { action: 'teardown', keys: [{ input: 't' }], label: 't', hint: 'teardown', help: 'Remove the controller and everything deploy created (asks first).', scope: 'dashboard', footer: true },
];

export function matches(spec: KeySpec, input: string, key: Key): boolean {
  if (spec.ctrl && !key.ctrl) return false;
  if (!spec.ctrl && key.ctrl) return false;
  if (spec.key) {
    if (!key[spec.key]) return false;
    return spec.shift === undefined || Boolean(key.shift) === spec.shift;
  }
  return spec.input !== undefined && input === spec.input;
}

/** The scope that has the keyboard: an overlay, else the current step. */
export function activeScope(s: WizardState): Scope {
  if (s.overlay.kind === 'help') return 'help';
  if (s.overlay.kind === 'filter') return 'filter';
  if (s.overlay.kind === 'confirm') return 'confirm';
  return s.step;
}

/** The bindings that work right now, scope first, then global ones. */
export function activeBindings(s: WizardState): Binding[] {
  const scope = activeScope(s);
  const overlay = scope === 'help' || scope === 'filter' || scope === 'confirm';
  return KEYMAP.filter((b) => (b.scope === scope || (b.scope === 'global' && (!overlay || b.action === 'force-quit'))) && (!b.when || b.when(s)));
}

/** The action a key press means now, if any. */
export function resolveKey(s: WizardState, input: string, key: Key): ActionId | undefined {
  for (const b of activeBindings(s)) if (b.keys.some((k) => matches(k, input, key))) return b.action;
  return undefined;
}
