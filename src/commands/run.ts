// `virtwork-chaos-tui run [connection flags] [settings flags]
// (--duration 30m | --migrations N) [--fail-under 0.95] [--report FILE]
// [--format junit|json|md] [--keep]`: what a partner puts in a pipeline.
// Preflight, deploy (a new run unless --run-id), let the controller work for
// the duration or until N of the run's migrations finished, write the report
// (to FILE, else stdout), tear down unless --keep, and exit 1 when the success
// rate is under --fail-under or the controller stopped working, saying which
// in one sentence. Exit 2 for bad input, before the cluster is touched.
// Progress goes to stderr, one line each; nothing is asked (--yes is
// implied). Ctrl+C or SIGTERM during the run stops it: the report of what
// happened is written and the run torn down (unless --keep); a second one
// stops at once.
//
// With --migrations N the report holds the run's first N finished migrations
// (one the controller starts meanwhile is not part of the run's count); with
// --duration, the run's migrations triggered before the end, each waited for
// until it finishes.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Connection } from '../cluster/connection.js';
import type { NamespaceView } from '../cluster/observe.js';
import type { RunEnd, RunGoal } from '../cluster/run.js';
import { SettingsError, type Settings } from '../cloudinit/settings.js';
import { addSettingsOptions, settingsFromOptions } from '../cloudinit/settings-flags.js';
import { durationOption, stepPrinter } from './deploy.js';
import { FailureError, UsageError } from './errors.js';
import { choiceOption, integerOption } from './parse.js';

type RunFormat = 'junit' | 'json' | 'md';
const FORMATS: readonly RunFormat[] = ['junit', 'json', 'md'];

interface RunFlags {
  kubeconfig?: string;
  context?: string;
  duration?: number;
  migrations?: number;
  failUnder: number;
  report?: string;
  format?: RunFormat;
  keep: boolean;
  stallTimeout: number;
  timeout?: number;
  deployTimeout: number;
  allowSingleNode: boolean;
  [key: string]: unknown;
}

/** --fail-under: a share (0.95) or a percentage (95%). */
function shareOption(value: string): number {
  const v = value.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(v);
  const n = pct ? Number(pct[1]) / 100 : Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`--fail-under must be a share from 0 to 1 (0.95) or a percentage (95%), got "${value}".`);
  return n;
}

/** The goal from --duration / --migrations: exactly one of them. */
function goalOf(flags: RunFlags): RunGoal {
  if ((flags.duration === undefined) === (flags.migrations === undefined)) {
    throw new UsageError('run needs exactly one of --duration (e.g. 30m) and --migrations (e.g. 10)');
  }
  if (flags.duration !== undefined) return { kind: 'duration', ms: flags.duration };
  return { kind: 'migrations', count: flags.migrations! };
}

/** junit for a .xml file (and by default), json for .json, md for .md. */
function formatOf(flags: RunFlags): RunFormat {
  if (flags.format) return flags.format;
  const ext = /\.([a-z]+)$/i.exec(flags.report ?? '')?.[1]?.toLowerCase();
  return ext === 'json' ? 'json' : ext === 'md' || ext === 'markdown' ? 'md' : 'junit';
}

function settingsOrUsage(flags: RunFlags): Settings {
  try {
    return settingsFromOptions(flags, process.env);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const say = (line: string) => process.stderr.write(`${line}\n`);

async function run(flags: RunFlags): Promise<void> {
  // Bad input first: nothing is asked of the cluster before the flags are known to be good.
  const goal = goalOf(flags);
  const settings0 = settingsOrUsage(flags);
  if (goal.kind === 'migrations' && settings0.migrationDryRun) {
    throw new UsageError('--migrations cannot be reached in dry-run (nothing is migrated): use --duration');
  }
  const format = formatOf(flags);
  if (flags.report) {
    // Found out now, not after the run: the report could not be written.
    const { existsSync, statSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const dir = dirname(flags.report);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--report ${flags.report}: the directory ${dir} does not exist`);
  }

  const { connectFrom } = await import('./connect.js');
  const conn = connectFrom({ kubeconfig: flags.kubeconfig, context: flags.context, namespace: settings0.namespace });
  const { runPreflight, pinTools } = await import('../cluster/preflight.js');
  const { outputStyle, blockedSentence } = await import('./preflight.js');

  const style = outputStyle(process.stderr, process.env);
  const pre = await runPreflight(conn, settings0, {
    allowSingleNode: flags.allowSingleNode,
    onCheck: (c) => {
      say(`${style.mark(c.status)} ${c.title}: ${c.detail}`);
      if (c.fix && c.status !== 'ok') say(`      ${style.dim(`fix: ${c.fix}`)}`);
    },
  });
  const unreachable = pre.checks.length === 1 && pre.checks[0]?.id === 'api';
  if (unreachable || pre.blocked) throw new FailureError(unreachable ? pre.checks[0]!.detail : blockedSentence(pre));
  const settings = pinTools(settings0, pre, {
    virtctlVersion: flags.virtctlVersion !== undefined,
    virtctlUrl: flags.virtctlUrl !== undefined,
    kubectlVersion: flags.kubectlVersion !== undefined,
    kubectlUrl: flags.kubectlUrl !== undefined,
  });

  // From here on a signal ends the run in order: report, then teardown. A second one stops at once.
  const ac = new AbortController();
  let interruptedBy: string | undefined;
  const onSignal = (sig: string) => () => {
    if (interruptedBy) return;
    interruptedBy = sig;
    say(`\n${sig}: stopping the run: its report is written${flags.keep ? '' : ' and the run torn down'} (${sig === 'SIGINT' ? 'Ctrl+C' : sig} again stops at once)`);
    ac.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    await runDeployed(flags, conn, settings, goal, format, ac, () => interruptedBy, pre.existingController?.runId);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

async function runDeployed(
  flags: RunFlags,
  conn: Connection,
  settings: Settings,
  goal: RunGoal,
  format: RunFormat,
  ac: AbortController,
  interrupted: () => string | undefined,
  existing: string | undefined,
): Promise<void> {
  const runId = settings.runId;
  const ns = settings.namespace;
  const { ClusterError } = await import('../cluster/errors.js');

  const { observe } = await import('../cluster/observe.js');
  const { deploy, DeployError } = await import('../cluster/deploy.js');
  const { followRun, waitForInFlight, runVerdict } = await import('../cluster/run.js');
  const { runReport } = await import('../cluster/run-report.js');
  const { formatReport } = await import('../state/report/index.js');
  const { formatDuration } = await import('../cluster/wait-duration.js');
  const { formatDuration: shortDuration } = await import('../state/time.js');

  let view: NamespaceView | undefined;
  let failure: string | undefined;
  try {
    // Watching starts before the deploy, so that the first migration is seen from its start (and its VMI's IPs before it).
    view = observe(conn, { runId, onHistoryError: (m) => say(`warning: ${m}`) });
    say(`\nDeploying run ${runId}${existing && existing !== runId ? ` (replacing run ${existing})` : ''} to namespace ${ns} on context ${conn.context}.`);
    let end: RunEnd;
    let startedAt = Date.now();
    let endedAt = startedAt;
    try {
      await deploy(conn, settings, { onStep: stepPrinter(process.stderr), signal: ac.signal, timeoutMs: flags.deployTimeout });
      const timeoutMs =
        goal.kind === 'migrations' ? (flags.timeout ?? goal.count * (settings.migrationIntervalMax + settings.migrationTimeout) * 1000 + 10 * 60_000) : undefined;
      say(
        `\nRun ${runId} is deployed; ${goal.kind === 'duration' ? `running for ${formatDuration(goal.ms)}` : `running until ${plural(goal.count, 'migration')} finished (at most ${formatDuration(timeoutMs!)})`}; no heartbeat for ${formatDuration(flags.stallTimeout)} fails it.`,
      );
      const followed = await followRun(view, {
        goal,
        runId,
        stallMs: flags.stallTimeout,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        signal: ac.signal,
        onMigration: (m, n) => {
          const of = goal.kind === 'migrations' ? `${n}/${goal.count}` : `${n}`;
          const dur = m.ended && m.created ? ` in ${shortDuration((Date.parse(m.ended) - Date.parse(m.created)) / 1000)}` : '';
          const why = m.outcome === 'succeeded' || !m.failureReason ? '' : `: ${m.failureReason}`;
          say(`migration ${of}: ${m.vmi} ${m.sourceNode ?? '?'} -> ${m.targetNode ?? '?'} ${m.outcome}${dur}${why}`);
        },
      });
      end = followed.end;
      startedAt = followed.startedAt;
      endedAt = followed.endedAt;
      if (end.kind === 'done' && goal.kind === 'duration') {
        // The migrations triggered before the end are part of the run: wait for them to finish.
        const graceMs = (settings.migrationTimeout + 30) * 1000;
        say(`Duration reached; waiting (at most ${formatDuration(graceMs)}) for the run's migrations in flight to finish.`);
        await waitForInFlight(view, runId, endedAt, graceMs, ac.signal);
        if (ac.signal.aborted) end = { kind: 'interrupted' };
      }
    } catch (e) {
      if (e instanceof DeployError) {
        // Deploy removed what it had created: there is nothing to report or tear down.
        throw new FailureError(e.message);
      }
      if (!(e instanceof Error && e.name === 'AbortedError')) throw e;
      end = { kind: 'interrupted' };
      endedAt = Date.now();
    }

    view.persist();
    const state = view.store.getState();
    const report = runReport(state, {
      runId,
      context: conn.context,
      now: Date.now(),
      live: false,
      ...(goal.kind === 'migrations' && end.kind === 'done' ? { firstFinished: goal.count } : {}),
      ...(goal.kind === 'duration' ? { triggeredBy: endedAt } : {}),
    });
    const verdict = runVerdict(report, end, { failUnder: flags.failUnder, dryRun: settings.migrationDryRun, elapsedMs: endedAt - startedAt, interruptedBy: interrupted() });
    const text = formatReport(report, format);
    if (flags.report) {
      const { writeFileSync } = await import('node:fs');
      try {
        writeFileSync(flags.report, text);
        say(`Report (${format}, ${plural(report.totals.total, 'migration')}) written to ${flags.report}.`);
      } catch (e) {
        failure = `cannot write the report to ${flags.report}: ${(e as Error).message.split('\n')[0]}`;
      }
    } else {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
    const t = report.totals;
    const rate = t.successRate === undefined ? 'no success rate' : `success rate ${(Math.round(t.successRate * 1000) / 10).toFixed(1)}%`;
    say(
      `Run ${runId}: ${plural(t.total, 'migration')} (${t.succeeded} succeeded, ${t.failed + t.timeouts + t.aborted} not${t.inFlight ? `, ${t.inFlight} in flight` : ''}), ${rate} (--fail-under ${Math.round(flags.failUnder * 1000) / 10}%), over ${formatDuration(Math.max(1000, endedAt - startedAt))}.`,
    );
    if (!verdict.ok) failure = verdict.reason;
  } finally {
    await view?.stop();
  }

  if (flags.keep) {
    say(`Kept run ${runId} deployed in namespace ${ns} (--keep): \`teardown --run-id ${runId} --yes\` removes it.`);
  } else {
    const { NoSuchRunError, teardown } = await import('../cluster/teardown.js');
    say(`\nTearing down run ${runId}.`);
    try {
      const r = await teardown(conn, { namespace: ns, runId, onStep: stepPrinter(process.stderr) });
      say(`Removed ${plural(r.removed.length, 'object')} of run ${runId}; kept ${plural(r.migrationsKept, 'migration')} for history.`);
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      // Interrupted before the deploy created anything: teardown finds no object of the run.
      if (e instanceof NoSuchRunError) {
        say(`Nothing of run ${runId} is deployed: nothing to tear down.`);
        if (failure) throw new FailureError(failure);
        return;
      }
      const why = `teardown of run ${runId} failed: ${e.message}`;
      if (failure) say(`error: ${why}`);
      else failure = why;
    }
  }
  if (failure) throw new FailureError(failure);
}

export function registerRun(program: Command): Command {
  const cmd = program
    .command('run')
    .description('for CI: deploy, let the controller migrate for a duration or a number of migrations, write the report, tear down; exit 1 under --fail-under')
    .option('--kubeconfig <file>', 'path to the kubeconfig file (wins over KUBECONFIG)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--duration <duration>', 'let the controller work this long (90s, 30m, 1h)', durationOption('--duration'))
    .option('--migrations <n>', 'let the controller work until this many of the run\'s migrations finished', integerOption('--migrations', { min: 1 }))
    .option('--fail-under <share>', 'exit 1 when the success rate is under this (0.95 or 95%)', shareOption, 0.95)
    .option('--report <file>', 'write the report here (default: stdout)')
    .option('--format <format>', `report format: ${FORMATS.join(', ')} (default: from the --report file's extension, else junit)`, choiceOption('--format', FORMATS))
    .option('--keep', 'leave the run deployed afterwards (default: tear it down)', false)
    .option('--stall-timeout <duration>', 'the controller stopped working when it writes no heartbeat for this long', durationOption('--stall-timeout'), 60_000)
    .option('--timeout <duration>', 'with --migrations: give up after this long (default: N x (interval max + migration timeout) + 10m)', durationOption('--timeout'))
    .option('--deploy-timeout <duration>', 'give up on the deploy (and remove what it created) after this long', durationOption('--deploy-timeout'), 10 * 60_000)
    .option('--allow-single-node', 'go on with fewer than two nodes that can run VMs (every migration will fail)', false)
    .option('-y, --yes', 'accepted for symmetry with deploy: run never asks', false);
  // The settings flags include -n/--namespace, which is also the connection's namespace.
  addSettingsOptions(cmd);
  cmd.action((flags: RunFlags) => run(flags));
  return cmd;
}
