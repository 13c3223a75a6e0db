// `virtwork-chaos-tui preflight [connection flags] [settings flags]
// [--allow-single-node] [--json]`: asks the cluster whether deploy can go
// ahead. Exit 0 when it can, 1 when something blocks it (the reason in one
// sentence on stderr), 2 for bad input. The cluster code is imported inside
// the action so that the CLI starts fast.
import type { Command } from 'commander';
import type { PreflightCheck, PreflightReport } from '../cluster/preflight.js';
import { type Settings, SettingsError } from '../cloudinit/settings.js';
import { addSettingsOptions, settingsFromOptions } from '../cloudinit/settings-flags.js';
import { FailureError, UsageError } from './errors.js';

/** What the controller VM will download, after pinning (flags win over the cluster's answer). */
export interface PinnedTools {
  virtctl?: { version: string; url: string; source: 'github' | 'cluster' | 'flag'; used: boolean };
  kubectl: { version: string; url: string };
}

interface Style {
  mark(status: PreflightCheck['status']): string;
  /** Visible width of a mark. */
  markWidth: number;
  dim(s: string): string;
}

/** Symbols and colour on a terminal; words a script or a log can grep otherwise (and whenever NO_COLOR is set). */
export function outputStyle(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Style {
  const fancy = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  if (!fancy) {
    const words = { ok: 'ok   ', warn: 'warn ', block: 'BLOCK' } as const;
    return { mark: (s) => words[s], markWidth: 5, dim: (s) => s };
  }
  const marks = { ok: '\x1b[32m✓\x1b[0m', warn: '\x1b[33m!\x1b[0m', block: '\x1b[31m✗\x1b[0m' } as const;
  return { mark: (s) => marks[s], markWidth: 1, dim: (s) => `\x1b[2m${s}\x1b[0m` };
}

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

/** The human report: one line per check (and its fix), then the pinned tools, nodes, limits and targets. */
export function formatReport(report: PreflightReport, tools: PinnedTools | undefined, style: Style): string {
  const lines: string[] = [];
  const titleWidth = Math.max(...report.checks.map((c) => c.title.length));
  for (const c of report.checks) {
    lines.push(`${style.mark(c.status)} ${c.title.padEnd(titleWidth)}  ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(style.markWidth + 1 + titleWidth + 2)}${style.dim(`fix: ${c.fix}`)}`);
  }
  if (report.checks.length === 1 && report.checks[0]?.id === 'api') return `${lines.join('\n')}\n`;
  if (tools) {
    lines.push('', 'Tools for the controller VM ({arch} = amd64, arm64 or s390x):');
    const rows: string[][] = [];
    const v = tools.virtctl;
    if (v) rows.push(['virtctl', v.version, v.url, `(${v.source}${v.used ? '' : '; the vmim trigger does not use it'})`]);
    rows.push(['kubectl', tools.kubectl.version, tools.kubectl.url, '']);
    lines.push(...table(rows).map((l) => l.trimEnd()));
  }
  const { schedulable, unschedulable } = report.nodes;
  if (schedulable.length || unschedulable.length) {
    lines.push('', 'Nodes:');
    lines.push(...table([...schedulable.map((n) => [n, 'can run VMs']), ...unschedulable.map((u) => [u.name, u.reason])]));
  }
  if (report.kubevirt) {
    lines.push('', `Migration limits (KubeVirt CR ${report.kubevirt.namespace}/${report.kubevirt.crName}, defaults filled in):`);
    lines.push(...table(Object.entries(report.kubevirt.limits).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
  }
  if (report.permissions.missing.length) {
    lines.push('', 'Missing permissions:');
    for (const m of report.permissions.missing) lines.push(`  ${m.what}`, `    fix: ${m.fix}`);
  }
  if (report.targets.length) {
    lines.push('', 'Targets:');
    lines.push(...table([['NAME', 'COMPONENT', 'ELIGIBLE', 'REASON'], ...report.targets.map((t) => [t.name, t.component ?? '-', t.eligible ? 'yes' : 'no', t.reason])]));
  }
  return `${lines.join('\n')}\n`;
}

async function pinnedTools(report: PreflightReport, pinned: Settings): Promise<PinnedTools> {
  const { kubectlUrl, virtctlUrl } = await import('../cloudinit/cloud-config.js');
  const url = virtctlUrl(pinned);
  const source = pinned.virtctlUrl === undefined ? 'github' : report.virtctl?.source === 'cluster' && report.virtctl.url === url ? 'cluster' : 'flag';
  return {
    ...(report.virtctl || pinned.virtctlUrl ? { virtctl: { version: pinned.virtctlVersion, url, source, used: pinned.trigger === 'virtctl' } } : {}),
    kubectl: { version: pinned.kubectlVersion, url: kubectlUrl(pinned) },
  };
}

/** The one sentence a blocked preflight ends with. */
export function blockedSentence(report: PreflightReport): string {
  const blocks = report.checks.filter((c) => c.status === 'block');
  const first = blocks[0];
  if (!first) return '';
  const more = blocks.length > 1 ? ` (and ${blocks.length - 1} more blocking problem${blocks.length > 2 ? 's' : ''}: ${blocks.slice(1).map((b) => b.title).join(', ')})` : '';
  return `deploy cannot go ahead: ${first.detail}${more}`;
}

export function registerPreflight(program: Command): Command {
  const cmd = program
    .command('preflight')
    .description('check that the cluster is ready for the chaos-migration controller: KubeVirt, nodes, permissions, targets (exit 1 when something blocks deploy)')
    .option('--kubeconfig <file>', 'path to the kubeconfig file (wins over KUBECONFIG)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--allow-single-node', 'go on with fewer than two nodes that can run VMs (every migration will fail)', false)
    .option('--json', 'print the report as JSON', false);
  // The settings flags include -n/--namespace, which is also the connection's namespace.
  addSettingsOptions(cmd);
  cmd.showHelpAfterError('(run `virtwork-chaos-tui preflight --help` for the flags)').action(async (opts: Record<string, unknown>) => {
    let settings: Settings;
    try {
      settings = settingsFromOptions(opts, process.env);
    } catch (e) {
      if (e instanceof SettingsError) throw new UsageError(e.message);
      throw e;
    }
    const { connectFrom } = await import('./connect.js');
    const conn = connectFrom({ kubeconfig: opts.kubeconfig as string | undefined, context: opts.context as string | undefined, namespace: settings.namespace });
    const { runPreflight, pinTools } = await import('../cluster/preflight.js');
    const report = await runPreflight(conn, settings, { allowSingleNode: opts.allowSingleNode === true });
    const reachable = !(report.checks.length === 1 && report.checks[0]?.id === 'api');
    const pinned = reachable
      ? pinTools(settings, report, {
          virtctlVersion: opts.virtctlVersion !== undefined,
          virtctlUrl: opts.virtctlUrl !== undefined,
          kubectlVersion: opts.kubectlVersion !== undefined,
          kubectlUrl: opts.kubectlUrl !== undefined,
        })
      : undefined;
    const tools = pinned ? await pinnedTools(report, pinned) : undefined;
    if (opts.json === true) {
      process.stdout.write(`${JSON.stringify({ ...report, pinned: tools ?? null }, null, 2)}\n`);
    } else if (reachable) {
      process.stdout.write(formatReport(report, tools, outputStyle(process.stdout, process.env)));
    }
    if (!reachable) throw new FailureError(report.checks[0]!.detail);
    if (report.blocked) throw new FailureError(blockedSentence(report));
    if (opts.json !== true) process.stdout.write('\nDeploy can go ahead.\n');
  });
  return cmd;
}
