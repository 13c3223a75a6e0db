// `virtwork-chaos-tui [flags]` (and `--demo`): the operator TUI. The first
// frame is drawn before the Kubernetes client (and, in demo mode, the
// simulated cluster) is loaded, so the screen answers at once.
import type { Command } from 'commander';
import type { Settings } from '../cloudinit/settings.js';
import { addSettingsOptions, settingsFromOptions } from '../cloudinit/settings-flags.js';
import { SettingsError } from '../cloudinit/settings.js';
import { UsageError } from './errors.js';

export interface TuiFlags extends Record<string, unknown> {
  demo?: boolean;
  kubeconfig?: string;
  context?: string;
  kubeconfigOut?: string;
  log?: string;
  allowSingleNode?: boolean;
}

/** Demo defaults: short intervals so migrations show within a minute. */
export const DEMO_SETTINGS = { migrationIntervalMin: 5, migrationIntervalMax: 15, migrationTimeout: 120 };

export function registerTui(program: Command): void {
  program
    .option('--demo', 'start an embedded simulated cluster (3 nodes, a dozen virtwork VMs) and run the whole flow against it')
    .option('--kubeconfig <file>', 'path to the kubeconfig file (wins over KUBECONFIG)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--kubeconfig-out <file>', "with --demo: also write the simulated cluster's admin kubeconfig here (for kubectl beside the TUI)")
    .option('--log <file>', "with --demo: where the simulator's and the controller's logs go (default: a file in the temp dir)")
    .option('--allow-single-node', 'go on although live migration needs two schedulable nodes');
  addSettingsOptions(program);
  program.action(async (flags: TuiFlags) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UsageError(
        'the interactive screens need a terminal; without one use the headless commands: preflight, deploy, status, pause, resume, set, report, run, teardown (see --help)',
      );
    }
    if (flags.kubeconfigOut && !flags.demo) throw new UsageError('--kubeconfig-out goes with --demo (it writes the simulated cluster\'s kubeconfig)');
    let settings: Settings;
    try {
      settings = settingsFromOptions(flags.demo ? { ...DEMO_SETTINGS, ...flags } : flags, process.env);
    } catch (e) {
      if (e instanceof SettingsError) throw new UsageError(e.message);
      throw e;
    }
    // NO_COLOR is honoured by the UI's theme (src/ui/theme.ts), which drops
    // colours and keeps bold and inverse: the selected row, the focused field
    // and a moved VMI's node are shown by inverse alone. Switching the colour
    // library off (FORCE_COLOR=0) would take those away too.
    const { runTui } = await loadRuntime();
    await runTui(flags, settings, explicitTools(program));
  });
}

/**
 * The runtime (Ink, React, the screens). Ink's layout engine (yoga-layout)
 * instantiates its inlined WebAssembly through fetch() of a data: URL when
 * fetch exists, which loads Node's whole fetch stack before the first frame
 * (some 50 ms of a 600 ms budget on a busy 2-core machine); without fetch it
 * decodes the same bytes itself. fetch is hidden only while the module loads.
 *
 * CI and CONTINUOUS_INTEGRATION are hidden too, for the same moment: Ink (via
 * is-in-ci) and chalk (via supports-color) read them once, at import, and then
 * draw nothing until exit and drop every style. We only get here with a
 * terminal on both ends, so somebody is watching it: a CI job that gives the
 * TUI a pty (as ours does, through tmux) or a dev container that exports CI
 * must still see live frames.
 */
async function loadRuntime(): Promise<typeof import('./tui-runtime.js')> {
  const g = globalThis as { fetch?: typeof fetch };
  const savedFetch = g.fetch;
  const ciKeys = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const savedEnv = ciKeys.map((k) => [k, process.env[k]] as const);
  g.fetch = undefined;
  for (const k of ciKeys) delete process.env[k];
  try {
    return await import('./tui-runtime.js');
  } finally {
    g.fetch = savedFetch;
    for (const [k, v] of savedEnv) if (v !== undefined) process.env[k] = v;
  }
}

function explicitTools(program: Command) {
  const cli = (k: string) => program.getOptionValueSource(k) === 'cli';
  return { virtctlVersion: cli('virtctlVersion'), virtctlUrl: cli('virtctlUrl'), kubectlVersion: cli('kubectlVersion'), kubectlUrl: cli('kubectlUrl') };
}
