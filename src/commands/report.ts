// `virtwork-chaos-tui report [connection flags] [--run-id ID]
// [--format md|json|csv|junit] [--output FILE]`: the report of the run
// deployed in the namespace (or of --run-id), from the cluster (its VMIMs and
// the controller's status records) and the local history merged, so it works
// without the TUI ever having run and after KubeVirt garbage-collected old
// VMIMs. To stdout unless --output. A run id nothing knows of (no object, no
// migration, no local history) is exit 1 with the runs that do exist.
import type { Command } from 'commander';
import type { ReportFormat } from '../state/report/index.js';
import { addConnectionOptions, type ConnectionFlags } from './connection-options.js';
import { FailureError } from './errors.js';
import { choiceOption } from './parse.js';

const FORMATS: readonly ReportFormat[] = ['md', 'json', 'csv', 'junit'];

interface ReportFlags extends ConnectionFlags {
  runId?: string;
  format: ReportFormat;
  output?: string;
}

async function report(flags: ReportFlags): Promise<void> {
  const { connectFrom } = await import('./connect.js');
  const conn = connectFrom(flags);
  const ns = conn.namespace;
  const { ClusterError } = await import('../cluster/errors.js');
  const { readNamespace } = await import('../cluster/observe.js');
  const { knownRuns, runReport } = await import('../cluster/run-report.js');
  const { deployedRunId } = await import('../cluster/deploy-run-id.js');
  const { readStatusMap } = await import('../cluster/control-status.js');
  const { formatReport } = await import('../state/report/index.js');
  const warn = (m: string) => process.stderr.write(`warning: ${m}\n`);
  try {
    let runId = flags.runId;
    if (runId === undefined) {
      // The run whose controller reports its status, else the one whose objects are deployed.
      runId = (await readStatusMap(conn, ns))?.status.runId || (await deployedRunId(conn, ns));
      if (!runId) {
        const runs = await knownRuns(conn, (await readNamespace(conn, { nodes: false, history: false })).store.getState());
        throw new FailureError(
          `no chaos-migration run is deployed in namespace ${ns} on context ${conn.context}: pass --run-id${runs.length ? ` (runs known here: ${runs.join(', ')})` : ''}`,
        );
      }
    }
    // History is only read until the run is known to exist: a mistyped run id must not leave a file behind.
    const snap = await readNamespace(conn, { runId, nodes: false, history: 'read', onHistoryError: warn });
    const state = snap.store.getState();
    const runs = await knownRuns(conn, state);
    if (!runs.includes(runId)) {
      const others = runs.filter((r) => r !== runId);
      throw new FailureError(
        `there is no chaos-migration run ${runId} in namespace ${ns} on context ${conn.context}: no deployed object, migration or local history carries it${others.length ? ` (runs known here: ${others.join(', ')})` : ''}`,
      );
    }
    // What the cluster showed goes into the run's history, so the next report still has it after KubeVirt's garbage collection.
    snap.persist();
    const r = runReport(state, { runId, context: conn.context, now: Date.now() });
    const text = formatReport(r, flags.format);
    if (flags.output) {
      const { writeFileSync } = await import('node:fs');
      try {
        writeFileSync(flags.output, text);
      } catch (e) {
        throw new FailureError(`cannot write the report to ${flags.output}: ${(e as Error).message.split('\n')[0]}`);
      }
      process.stderr.write(`Report of run ${runId} (${r.totals.total} migration${r.totals.total === 1 ? '' : 's'}, ${flags.format}) written to ${flags.output}.\n`);
    } else {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  } catch (e) {
    if (e instanceof ClusterError) throw new FailureError(e.message);
    throw e;
  }
}

export function registerReport(program: Command): Command {
  const cmd = program
    .command('report')
    .description("write the report of a run's migrations (from the cluster and the local history): per migration and totals")
    .option('--run-id <id>', 'the run to report on (default: the run deployed in the namespace)')
    .option('--format <format>', `${FORMATS.join(', ')}`, choiceOption('--format', FORMATS), 'md')
    .option('-o, --output <file>', 'write the report to this file (default: stdout)');
  addConnectionOptions(cmd);
  cmd.action((flags: ReportFlags) => report(flags));
  return cmd;
}
