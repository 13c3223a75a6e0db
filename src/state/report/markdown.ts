// The report as Markdown, for people (and PR comments): summary, per node,
// per hour, per phase, then one table row per migration.
import { formatDuration } from '../time.js';
import { percent, rate, seconds } from './format-util.js';
import type { Report } from './model.js';

/** A table cell: pipes escaped, line breaks flattened, HTML-looking text kept literal. */
export function mdCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n|\r/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.map(mdCell).join(' | ')} |`, `|${header.map(() => ' --- |').join('')}`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
}

export function toMarkdown(report: Report): string {
  const t = report.totals;
  const out: string[] = [`# ${mdCell(report.title)}`, ''];
  out.push(`- Namespace: \`${report.namespace}\`, context: \`${report.context}\``);
  if (report.runId) out.push(`- Run: \`${report.runId}\``);
  out.push(`- Generated: ${report.generatedAt}${report.from ? `; migrations from ${report.from} to ${report.to ?? report.from}` : ''}`);
  out.push('');
  out.push('## Summary', '');
  out.push(
    ...table(
      ['Migrations', 'Succeeded', 'Failed', 'Timed out', 'Aborted', 'In flight', 'Success rate', 'Per hour', 'p50', 'p95', 'p99'],
      [
        [
          String(t.total),
          String(t.succeeded),
          String(t.failed),
          String(t.timeouts),
          String(t.aborted),
          String(t.inFlight),
          percent(t.successRate) || 'n/a',
          rate(t.perHour) || 'n/a',
          formatDuration(t.duration.p50) || 'n/a',
          formatDuration(t.duration.p95) || 'n/a',
          formatDuration(t.duration.p99) || 'n/a',
        ],
      ],
    ),
  );
  out.push('', 'Durations are trigger to end of succeeded migrations.', '');
  if (report.byCause.length > 0) {
    out.push('## By cause', '', ...table(['Cause', 'Migrations', 'Succeeded', 'Not succeeded', 'In flight'], report.byCause.map((c) => [c.cause, String(c.total), String(c.succeeded), String(c.notSucceeded), String(c.inFlight)])), '');
  }
  if (report.perNode.length > 0) {
    out.push('## Per node', '', ...table(['Node', 'Outbound', 'Inbound'], report.perNode.map((n) => [n.node, String(n.outbound), String(n.inbound)])), '');
  }
  if (report.perHour.length > 0) {
    out.push('## Per hour (UTC)', '', ...table(['Hour', 'Migrations', 'Succeeded'], report.perHour.map((h) => [h.hour, String(h.migrations), String(h.succeeded)])), '');
  }
  if (report.perPhase.length > 0) {
    out.push('## Time per phase (seconds)', '', ...table(['Phase', 'Count', 'p50', 'p95', 'p99'], report.perPhase.map((p) => [p.phase, String(p.count), seconds(p.p50), seconds(p.p95), seconds(p.p99)])), '');
  }
  out.push('## Migrations', '');
  if (report.migrations.length === 0) out.push('No migrations.', '');
  else {
    out.push(
      ...table(
        ['Trigger', 'VMI', 'Migration', 'Cause', 'Source -> target', 'Duration', 'Phases', 'Result', 'Reason', 'IPs before', 'IPs after'],
        report.migrations.map((m) => [
          m.trigger,
          m.vmi,
          m.name || m.uid,
          m.cause,
          `${m.sourceNode ?? '?'} -> ${m.targetNode ?? '?'}`,
          formatDuration(m.durationSec),
          m.phases.map((p) => `${p.phase} ${seconds(p.seconds)}s`).join(', '),
          m.result === 'in-flight' ? `in flight (${m.phase || 'Pending'})` : m.result,
          m.reason,
          m.ipsBefore.join(' '),
          m.ipsAfter.join(' '),
        ]),
      ),
      '',
    );
  }
  if (report.attempts.length > 0) {
    out.push('## Rounds without a migration', '', ...table(['Trigger', 'VMI', 'Result', 'Source', 'Reason'], report.attempts.map((a) => [a.trigger, a.vmi, a.result, a.source, a.reason])), '');
  }
  return out.join('\n');
}
