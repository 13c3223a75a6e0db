// The report as CSV (RFC 4180): one record per migration, CRLF line breaks,
// a field quoted when it holds a comma, a double quote, CR or LF, with its
// double quotes doubled. Reasons are free text from KubeVirt and kubectl, so
// every field goes through the same quoting.
import { PHASE_ORDER } from '../time.js';
import { seconds } from './format-util.js';
import type { Report, ReportMigration } from './model.js';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRecord(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** Phases a migration spends time in (final phases have no duration). */
const TIMED_PHASES = PHASE_ORDER.filter((p) => p !== 'Succeeded' && p !== 'Failed');

function snake(phase: string): string {
  return phase.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export const CSV_HEADER: readonly string[] = [
  'uid',
  'name',
  'vmi',
  'cause',
  'run_id',
  'source_node',
  'target_node',
  'trigger',
  'ended',
  'duration_s',
  'result',
  'result_from',
  'last_phase',
  'reason',
  'ips_before',
  'ips_after',
  ...TIMED_PHASES.map((p) => `${snake(p)}_s`),
];

function row(m: ReportMigration): string[] {
  const phase = new Map(m.phases.map((p) => [p.phase, p.seconds]));
  return [
    m.uid,
    m.name,
    m.vmi,
    m.cause,
    m.runId ?? '',
    m.sourceNode ?? '',
    m.targetNode ?? '',
    m.trigger,
    m.ended ?? '',
    seconds(m.durationSec),
    m.result,
    m.resultFrom ?? '',
    m.phase,
    m.reason,
    m.ipsBefore.join(' '),
    m.ipsAfter.join(' '),
    ...TIMED_PHASES.map((p) => seconds(phase.get(p))),
  ];
}

export function toCsv(report: Report): string {
  return [CSV_HEADER, ...report.migrations.map(row)].map(csvRecord).join('\r\n') + '\r\n';
}
