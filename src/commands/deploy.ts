// `virtwork-chaos-tui deploy [connection flags] [settings flags] [--yes]
// [--allow-single-node] [--timeout 10m] [--json]`: preflight (its checks
// printed; blocked -> exit 1 with the reason), then the deploy steps with one
// progress line each (src/cluster/deploy.ts). It changes the cluster, so it
// asks first on a terminal and refuses without --yes when there is none
// (exit 2). Also home of what teardown shares: the confirmation, the
// progress lines and the --timeout parser.
import { createInterface } from 'node:readline/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { DeployStep } from '../cluster/deploy-steps.js';
import { parseDuration } from '../cluster/wait-duration.js';
import { type Settings, SettingsError } from '../cloudinit/settings.js';
import { addSettingsOptions, settingsFromOptions } from '../cloudinit/settings-flags.js';
import { FailureError, UsageError } from './errors.js';

/** commander parser for --timeout: 90s, 10m, 1h, or seconds. */
export function durationOption(name: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined) throw new InvalidArgumentError(`${name} must be a duration like 90s, 10m or 1h, got "${value}".`);
    return ms;
  };
}

/**
 * Refuses at once, before the cluster is touched, when there is no --yes and
 * no terminal to ask on (exit 2): a pipeline must say --yes explicitly.
 */
export function requireConfirmable(command: string, yes: boolean): void {
  if (!yes && !process.stdin.isTTY) throw new UsageError(`${command} changes the cluster: pass --yes to confirm (no terminal to ask on)`);
}

/** Asks y/N on the terminal (on stderr, so that --json output stays clean); true when confirmed. */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Words on a pipe or log (grep-able), symbols on a colour terminal. */
function marks(stream: { isTTY?: boolean }): Record<DeployStep['status'], string> {
  const fancy = stream.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  return fancy
    ? { running: '\x1b[2m…\x1b[0m', done: '\x1b[32m✓\x1b[0m', skipped: '\x1b[2m-\x1b[0m', failed: '\x1b[31m✗\x1b[0m' }
    : { running: '...  ', done: 'done ', skipped: 'skip ', failed: 'FAIL ' };
}

/** Steps that wait on the cluster get a line when they start too, so a slow one never looks hung. */
const SLOW = /^(token-filled|vmi-running|heartbeat|delete-vm-|delete-vmi-|delete-migrations)/;

/** A progress printer for onStep: one line per finished step, plus a start line for the slow ones. */
export function stepPrinter(stream: NodeJS.WriteStream): (s: DeployStep) => void {
  const m = marks(stream);
  return (s) => {
    if (s.status === 'running' && !SLOW.test(s.id)) return;
    stream.write(`${m[s.status]} ${s.title}${s.detail && s.status !== 'running' ? `: ${s.detail}` : ''}\n`);
  };
}

function settingsOrUsage(opts: Record<string, unknown>): Settings {
  try {
    return settingsFromOptions(opts, process.env);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
}

/** Runs `fn` with an AbortSignal that Ctrl-C fires (the operation stops where it is and says how to finish). */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerDeploy(program: Command): Command {
  const cmd = program
    .command('deploy')
    .description('preflight, then create or update the controller VM, its RBAC and ConfigMaps, and wait for its first heartbeat')
    .option('--kubeconfig <file>', 'path to the kubeconfig file (wins over KUBECONFIG)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)', false)
    .option('--allow-single-node', 'go on with fewer than two nodes that can run VMs (every migration will fail)', false)
    .option('--timeout <duration>', 'give up (and remove what this deploy created) after this long', durationOption('--timeout'), 10 * 60_000)
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)', false);
  // The settings flags include -n/--namespace, which is also the connection's namespace.
  addSettingsOptions(cmd);
  cmd.showHelpAfterError('(run `virtwork-chaos-tui deploy --help` for the flags)').action(async (opts: Record<string, unknown>) => {
    const json = opts.json === true;
    const yes = opts.yes === true;
    let settings = settingsOrUsage(opts);
    requireConfirmable('deploy', yes);
    const out = json ? process.stderr : process.stdout;

    const { connectFrom } = await import('./connect.js');
    const conn = connectFrom({ kubeconfig: opts.kubeconfig as string | undefined, context: opts.context as string | undefined, namespace: settings.namespace });
    const { ClusterError } = await import('../cluster/errors.js');
    const { withDeployedRunId } = await import('../cluster/deploy-run-id.js');
    const { runPreflight, pinTools } = await import('../cluster/preflight.js');
    const { outputStyle, blockedSentence } = await import('./preflight.js');

    const explicitRunId = opts.runId !== undefined;
    try {
      settings = await withDeployedRunId(conn, settings, explicitRunId);
    } catch (e) {
      // Unreachable or forbidden: preflight explains it below in its own words.
      if (!(e instanceof ClusterError)) throw e;
    }

    const style = outputStyle(out, process.env);
    const report = await runPreflight(conn, settings, {
      allowSingleNode: opts.allowSingleNode === true,
      onCheck: (c) => {
        out.write(`${style.mark(c.status)} ${c.title}: ${c.detail}\n`);
        if (c.fix && c.status !== 'ok') out.write(`      ${style.dim(`fix: ${c.fix}`)}\n`);
      },
    });
    const unreachable = report.checks.length === 1 && report.checks[0]?.id === 'api';
    if (unreachable || report.blocked) {
      const reason = unreachable ? report.checks[0]!.detail : blockedSentence(report);
      if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: reason, preflight: report }, null, 2)}\n`);
      throw new FailureError(reason);
    }
    settings = pinTools(settings, report, {
      virtctlVersion: opts.virtctlVersion !== undefined,
      virtctlUrl: opts.virtctlUrl !== undefined,
      kubectlVersion: opts.kubectlVersion !== undefined,
      kubectlUrl: opts.kubectlUrl !== undefined,
    });

    const existing = report.existingController;
    const runNote =
      existing?.runId === settings.runId ? 'the deployed run, updated in place' : existing?.runId ? `replacing run ${existing.runId}` : 'a new run';
    out.write(`\nDeploying run ${settings.runId} (${runNote}) to namespace ${settings.namespace} on context ${conn.context}.\n`);
    if (!(await confirm(`Deploy the chaos-migration controller to namespace ${settings.namespace} on context ${conn.context}?`, yes))) {
      out.write('Cancelled: nothing was changed.\n');
      return;
    }

    const { deploy, DeployError } = await import('../cluster/deploy.js');
    const timeoutMs = opts.timeout as number;
    try {
      const result = await withInterrupt((signal) => deploy(conn, settings, { onStep: stepPrinter(out), signal, timeoutMs }));
      if (json) {
        process.stdout.write(`${JSON.stringify({ ok: true, ...result, preflight: { checks: report.checks } }, null, 2)}\n`);
      } else {
        const where = result.vmi.node ? ` on ${result.vmi.node}` : '';
        out.write(
          `\nDeployed run ${result.runId} to namespace ${result.namespace}: VM ${result.vmi.name} is Running${where} and the controller reports state ${result.controller.state ?? 'unknown'}.\n`,
        );
      }
    } catch (e) {
      if (e instanceof DeployError) {
        if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: e.message, steps: e.steps, removed: e.removed, leftBehind: e.leftBehind }, null, 2)}\n`);
        throw new FailureError(e.message);
      }
      if (e instanceof ClusterError || (e instanceof Error && e.name === 'AbortedError')) throw new FailureError(e.message);
      throw e;
    }
  });
  return cmd;
}
