// `virtwork-chaos-tui status [connection flags] [--json] [--watch]`: the
// controller (its state word, `paused` when paused, heartbeat age, next
// migration, run id, counters), the fleet (per phase, migratable, per node)
// and the migrations in flight, read once from the cluster and the local
// history (src/cluster/observe.ts). --watch keeps a live view open and prints
// a new block (with --json: a new JSON line) whenever something changes,
// until Ctrl+C or SIGTERM, which end it with exit 0. No controller deployed
// is a fact to report, not an error; a cluster that cannot be read is exit 1
// with one sentence.
import type { Command } from 'commander';
import type { StatusView } from '../cluster/status-view.js';
import { addConnectionOptions, type ConnectionFlags } from './connection-options.js';
import { FailureError } from './errors.js';

interface StatusFlags extends ConnectionFlags {
  json: boolean;
  watch: boolean;
}

/** Seconds as "45s", "3m05s", "2h04m". */
function ago(sec: number | undefined): string {
  if (sec === undefined) return '';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The human block: one labelled line per topic, then the migrations in flight. */
export function formatStatus(v: StatusView): string {
  const c = v.controller;
  const out: string[] = [];
  const row = (label: string, text: string) => out.push(`${`${label}:`.padEnd(12)}${text}`);
  row('Controller', c.text);
  if (c.present) {
    row('Run', `${v.runId ?? 'unknown'} (namespace ${v.namespace}, context ${v.context})`);
    const k = c.counters;
    row(
      'Counters',
      `${k.succeeded} succeeded, ${k.failed} failed, ${k.timeouts} timed out, ${k.skipped} skipped${k.consecutiveFailures ? `, ${k.consecutiveFailures} failures in a row` : ''}`,
    );
  } else {
    row('Namespace', `${v.namespace} (context ${v.context})`);
  }
  const m = v.migrations;
  if (m.total > 0) {
    const rate = m.successRate === undefined ? '' : `, success rate ${(Math.round(m.successRate * 1000) / 10).toFixed(1)}%`;
    const p = m.p50 === undefined ? '' : `, duration p50 ${ago(m.p50)} p95 ${ago(m.p95)} p99 ${ago(m.p99)}`;
    row('Migrations', `${plural(m.total, 'seen', 'seen')}: ${m.succeeded} succeeded, ${m.failed + m.timeouts + m.aborted} not, ${m.inFlight} in flight${rate}${p}`);
  }
  const f = v.fleet;
  const phases = Object.entries(f.byPhase)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([phase, n]) => `${phase} ${n}`)
    .join(', ');
  const migratable = `migratable ${f.migratable}, not migratable ${f.notMigratable}${f.migratableUnknown ? `, unknown ${f.migratableUnknown}` : ''}`;
  row('Fleet', f.total === 0 ? 'no VMIs' : `${plural(f.total, 'VMI')} (${phases}); ${migratable}; ${f.inFlight} migrating`);
  if (f.perNode.length > 0 || f.unplaced > 0) {
    row('Nodes', [...f.perNode.map((n) => `${n.node} ${n.vmis}`), ...(f.unplaced ? [`no node ${f.unplaced}`] : [])].join(', '));
  } else if (!f.nodesListed && f.total > 0) {
    row('Nodes', 'not listed (no permission to list nodes)');
  }
  if (v.inFlight.length === 0) row('In flight', 'none');
  else {
    row('In flight', plural(v.inFlight.length, 'migration'));
    for (const i of v.inFlight) {
      out.push(`  ${i.vmi}  ${i.name}  ${i.cause}  ${i.phase}  ${i.sourceNode ?? '?'} -> ${i.targetNode ?? '?'}${i.ageSec === undefined ? '' : `  ${ago(i.ageSec)}`}`);
    }
  }
  for (const p of v.problems) row('Watch', p);
  return `${out.join('\n')}\n`;
}

async function once(flags: StatusFlags): Promise<void> {
  const { connectFrom } = await import('./connect.js');
  const conn = connectFrom(flags);
  const { ClusterError } = await import('../cluster/errors.js');
  const { readNamespace } = await import('../cluster/observe.js');
  const { statusView } = await import('../cluster/status-view.js');
  try {
    const snap = await readNamespace(conn, { onHistoryError: (m) => process.stderr.write(`warning: ${m}\n`) });
    const v = statusView(snap.store.getState(), { context: conn.context, now: Date.now(), nodesListed: snap.nodesListed });
    process.stdout.write(flags.json ? `${JSON.stringify(v, null, 2)}\n` : formatStatus(v));
  } catch (e) {
    if (e instanceof ClusterError) throw new FailureError(e.message);
    throw e;
  }
}

/** Resolves on Ctrl+C or SIGTERM: the normal end of a watch. */
function untilSignal(): { done: Promise<string>; off: () => void } {
  let off = () => {};
  const done = new Promise<string>((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
    off = () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    };
  });
  return { done, off };
}

async function watch(flags: StatusFlags): Promise<void> {
  const { connectFrom } = await import('./connect.js');
  const conn = connectFrom(flags);
  const { ClusterError } = await import('../cluster/errors.js');
  const { observe } = await import('../cluster/observe.js');
  const { statusView, statusKey } = await import('../cluster/status-view.js');
  const signal = untilSignal();
  const view = observe(conn, { onHistoryError: (m) => process.stderr.write(`warning: ${m}\n`) });
  try {
    // An API server that cannot be reached, or refuses us, ends the command at once.
    const synced = view.waitForSync({ failFast: true, timeoutMs: 60_000 }).then(() => 'synced');
    // Interrupted before the first list: its later failure is nobody's business.
    synced.catch(() => undefined);
    const first = await Promise.race([synced, signal.done]);
    if (first !== 'synced') return;
    let lastKey = '';
    let blocks = 0;
    const print = () => {
      const informers = view.informers();
      const nodes = informers.find((i) => i.resource === 'nodes');
      const problems = informers.filter((i) => i.error && !i.unavailable).map((i) => `${i.resource}: ${i.error}; retrying`);
      const v = statusView(view.store.getState(), { context: conn.context, now: Date.now(), nodesListed: nodes !== undefined && !nodes.unavailable, problems });
      const key = statusKey(v);
      if (key === lastKey) return;
      lastKey = key;
      if (flags.json) process.stdout.write(`${JSON.stringify(v)}\n`);
      else process.stdout.write(`${blocks++ > 0 ? '\n' : ''}--- ${v.generatedAt}\n${formatStatus(v)}`);
    };
    print();
    // A burst of changes (many migrations moving at once) becomes one block.
    let soon: NodeJS.Timeout | undefined;
    const offStore = view.store.subscribe(() => {
      soon ??= setTimeout(() => {
        soon = undefined;
        print();
      }, 200);
    });
    // Staleness and watch health change without a store update: look every second.
    const ticker = setInterval(print, 1000);
    try {
      await signal.done;
    } finally {
      offStore();
      clearInterval(ticker);
      if (soon) clearTimeout(soon);
    }
  } catch (e) {
    if (e instanceof ClusterError) throw new FailureError(e.message);
    throw e;
  } finally {
    signal.off();
    await view.stop();
  }
}

export function registerStatus(program: Command): Command {
  const cmd = program
    .command('status')
    .description('show the controller (state, heartbeat, next migration, counters), the fleet and the migrations in flight')
    .option('--json', 'print the status as JSON (with --watch: one JSON document per line, per change)', false)
    .option('-w, --watch', 'keep watching and print the status again whenever it changes, until Ctrl+C', false);
  addConnectionOptions(cmd);
  cmd.action((flags: StatusFlags) => (flags.watch ? watch(flags) : once(flags)));
  return cmd;
}
