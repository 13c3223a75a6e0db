// The report as JUnit XML, which a partner's CI gates on: one <testcase> per
// migration (classname "<cause>.<vmi>", name the migration's name, time its
// duration), <failure> for failed, timed-out and aborted ones with the reason,
// <skipped/> for one still in flight; counts on <testsuite> and <testsuites>.
// Text from the cluster is escaped and stripped of characters XML 1.0 cannot
// hold, so the file always parses.
import { percent, seconds } from './format-util.js';
import { isFailure, type Report, type ReportMigration } from './model.js';

// Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/U+FFFF) and unpaired surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value: also quotes, and whitespace a parser would otherwise fold into spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function time(sec: number | undefined): string {
  return (sec ?? 0).toFixed(3);
}

function testcase(m: ReportMigration): string[] {
  const attrs = `classname="${xmlAttr(`${m.cause}.${m.vmi || 'unknown-vmi'}`)}" name="${xmlAttr(m.name || m.uid)}" time="${time(m.durationSec)}"`;
  const details = [
    `uid: ${m.uid}`,
    `vmi: ${m.vmi}`,
    `trigger: ${m.trigger}`,
    `route: ${m.sourceNode ?? '?'} -> ${m.targetNode ?? '?'}`,
    `last phase: ${m.phase || 'unknown'}`,
    ...(m.phases.length > 0 ? [`phases: ${m.phases.map((p) => `${p.phase} ${seconds(p.seconds)}s`).join(', ')}`] : []),
    ...(m.ipsBefore.length > 0 || m.ipsAfter.length > 0 ? [`ips: ${m.ipsBefore.join(' ') || '?'} -> ${m.ipsAfter.join(' ') || '?'}`] : []),
  ].join('\n');
  if (isFailure(m.result)) {
    const message = m.reason || `migration ${m.result}`;
    return [`    <testcase ${attrs}>`, `      <failure message="${xmlAttr(message)}" type="${m.result}">${xmlText(`${message}\n${details}`)}</failure>`, '    </testcase>'];
  }
  if (m.result === 'in-flight') {
    return [`    <testcase ${attrs}>`, `      <skipped message="${xmlAttr(`still in flight (${m.phase || 'Pending'})`)}"/>`, '    </testcase>'];
  }
  return [`    <testcase ${attrs}>`, `      <system-out>${xmlText(details)}</system-out>`, '    </testcase>'];
}

export function toJunit(report: Report): string {
  const cases = report.migrations;
  const tests = cases.length;
  const failures = cases.filter((m) => isFailure(m.result)).length;
  const skipped = cases.filter((m) => m.result === 'in-flight').length;
  const total = cases.reduce((s, m) => s + (m.durationSec ?? 0), 0);
  const name = `virtwork-chaos-migration${report.runId ? ` ${report.runId}` : ''}`;
  const counts = `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time(total)}"`;
  const props: [string, string][] = [
    ['namespace', report.namespace],
    ['context', report.context],
    ...(report.runId ? [['run-id', report.runId] as [string, string]] : []),
    ['success-rate', percent(report.totals.successRate) || 'n/a'],
    ['generated-at', report.generatedAt],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(name)}" ${counts}>`,
    // JUnit's schema wants a timestamp without a zone; it is UTC.
    `  <testsuite name="${xmlAttr(name)}" ${counts} timestamp="${xmlAttr(report.generatedAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
    ...cases.flatMap(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
