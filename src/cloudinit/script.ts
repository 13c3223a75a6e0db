// The controller's shell scripts as text, for cloud-init and `render --output-dir`.
// The scripts are static: every setting reaches them through the unit's
// environment, so the same text runs in the VM, in the simulator and in tests,
// and "is this our controller" is a plain text comparison.

import { FETCH_SCRIPT_PATH, KUBECONFIG_SCRIPT_PATH, SCRIPT_PATH } from './names.js';
import { CONTROLLER_SCRIPT, FETCH_SCRIPT, KUBECONFIG_SCRIPT } from './script-text.js';

export interface ScriptFile {
  /** Path inside the controller VM. */
  path: string;
  content: string;
}

/** The controller loop (bash): /usr/local/bin/virtwork-chaos-migration.sh. */
export function controllerScript(): string {
  return CONTROLLER_SCRIPT;
}

/** The boot step that writes KUBECONFIG from the token disk (the unit's ExecStartPre). */
export function kubeconfigScript(): string {
  return KUBECONFIG_SCRIPT;
}

/** Downloads and checks one pinned tool (run by cloud-init's runcmd). */
export function fetchScript(): string {
  return FETCH_SCRIPT;
}

/** Every script cloud-init writes, all mode 0755. */
export function scriptFiles(): ScriptFile[] {
  return [
    { path: SCRIPT_PATH, content: CONTROLLER_SCRIPT },
    { path: KUBECONFIG_SCRIPT_PATH, content: KUBECONFIG_SCRIPT },
    { path: FETCH_SCRIPT_PATH, content: FETCH_SCRIPT },
  ];
}

/** True when `text` is exactly the generated controller script (how the simulator recognises it). */
export function isControllerScript(text: string): boolean {
  return text === CONTROLLER_SCRIPT;
}
