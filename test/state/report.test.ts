import { describe, expect, it } from 'vitest';
import { type MigrationRecord, parseStatusData } from '../../src/cloudinit/status-format.js';
import { migrationsFromStatusRecords } from '../../src/state/controller.js';
import { buildReport, formatReport, toCsv, toJson, toJunit, toMarkdown } from '../../src/state/report/index.js';
import type { Migration } from '../../src/state/types.js';
import { migrationFrom } from '../../src/state/vmim.js';
import { find, parseXml } from './helpers/xml.js';
import { fixture, items, NS, RUN_ID } from './helpers/fixtures.js';

const NASTY = 'kubectl said: "no", then, <refused> & gave up ]]>\nsecond line\u0001 ok';

function migrations(): Migration[] {
  const watched = [...items('vmim-list.json'), fixture('vmim-evacuation.json'), fixture('vmim-aborted.json')].map((o) => migrationFrom(o)!);
  const fromStatus = migrationsFromStatusRecords(parseStatusData(fixture('status-configmap.json').data).status.records, NS, RUN_ID);
  const timeout = migrationsFromStatusRecords(
    [{ vmi: 'virtwork-network-0', migration: 'kubevirt-migrate-vm-tmout', uid: 'uid-timeout', trigger: '2026-11-27T21:54:00Z', result: 'timeout', source: 'kv-worker-02', target: '', duration: 300, reason: 'no result after 300s, cancelled (last phase Scheduling)' }],
    NS,
    RUN_ID,
  );
  const failed: Migration = {
    uid: 'uid-failed',
    name: 'kubevirt-migrate-vm-f,ail"ed',
    namespace: NS,
    vmi: 'virtwork-cpu-1',
    cause: 'chaos',
    runId: RUN_ID,
    phase: 'Failed',
    phaseTimes: { Pending: '2026-11-27T21:55:00Z', Scheduling: '2026-11-27T21:55:02Z', Failed: '2026-11-27T21:55:10Z' },
    created: '2026-11-27T21:55:00Z',
    ended: '2026-11-27T21:55:10Z',
    sourceNode: 'kv-worker-02',
    outcome: 'failed',
    outcomeFrom: 'vmim',
    failureReason: NASTY,
  };
  const running = { ...migrationFrom(fixture('vmim-memory-running.json'))!, ipsBefore: ['10.244.1.4'] };
  const withIps = { ...migrationFrom(items('vmim-list.json')[0])!, ipsBefore: ['10.244.2.5'], ipsAfter: ['10.244.1.6', 'fd00::6'] };
  return [...watched, ...fromStatus, ...timeout, failed, running, withIps];
}

const records: MigrationRecord[] = [
  { vmi: 'virtwork-cpu-0', migration: '', uid: '', trigger: '2026-11-27T21:56:00Z', result: 'dry-run', source: 'kv-worker-01', target: '', duration: 0, reason: 'dry run: would migrate virtwork-cpu-0 from kv-worker-01' },
];

const report = () => buildReport(migrations(), { runId: RUN_ID, namespace: NS, context: 'kind-kubevirt', generatedAt: '2026-11-27T22:00:00Z', records });

describe('buildReport', () => {
  it('one entry per migration uid, oldest first, whatever sources repeat it', () => {
    const r = report();
    expect(r.migrations.map((m) => m.name)).toEqual([
      'kubevirt-migrate-vm-4ck4b',
      'kubevirt-migrate-vm-5jspr',
      'kubevirt-migrate-vm-wfdpn',
      'kubevirt-migrate-vm-w55rq',
      'kubevirt-evacuation-bdq5x',
      'kubevirt-migrate-vm-lpzgs',
      'kubevirt-migrate-vm-tmout',
      'kubevirt-migrate-vm-f,ail"ed',
    ]);
    expect(r.migrations[0]).toMatchObject({
      vmi: 'virtwork-cpu-1',
      cause: 'chaos',
      sourceNode: 'kv-worker-03',
      targetNode: 'kv-worker-02',
      trigger: '2026-11-27T21:52:29Z',
      durationSec: 2,
      result: 'succeeded',
      reason: '',
      ipsBefore: ['10.244.2.5'],
      ipsAfter: ['10.244.1.6', 'fd00::6'],
    });
    expect(r.migrations[0]!.phases.map((p) => p.phase)).toEqual(['Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running']);
  });

  it('totals: success rate over finished migrations, percentiles of succeeded durations, span to the last end', () => {
    const t = report().totals;
    expect(t).toMatchObject({ total: 8, succeeded: 4, failed: 1, timeouts: 1, aborted: 1, inFlight: 1 });
    expect(t.successRate).toBeCloseTo(4 / 7, 10);
    // 4ck4b 2 s, 5jspr 1 s, wfdpn 2 s, evacuation 4 s.
    expect(t.duration).toEqual({ count: 4, p50: 2, p95: 4, p99: 4 });
    // One in flight: the span runs to generatedAt (21:52:29 -> 22:00:00 = 451 s).
    expect(t.perHour).toBeCloseTo((8 * 3600) / 451, 6);
    const r = report();
    expect(r.from).toBe('2026-11-27T21:52:29Z');
    expect(r.to).toBe('2026-11-27T21:59:00Z');
    expect(r.perHour).toEqual([{ hour: '2026-11-27T21:00:00Z', migrations: 8, succeeded: 4 }]);
    expect(r.byCause).toEqual([
      { cause: 'chaos', total: 5, succeeded: 3, notSucceeded: 2, inFlight: 0 },
      { cause: 'evacuation', total: 1, succeeded: 1, notSucceeded: 0, inFlight: 0 },
      // The aborted one was never labelled; the one in flight is not yet.
      { cause: 'other', total: 2, succeeded: 0, notSucceeded: 1, inFlight: 1 },
    ]);
    expect(r.attempts).toEqual([{ trigger: '2026-11-27T21:56:00Z', vmi: 'virtwork-cpu-0', result: 'dry-run', source: 'kv-worker-01', reason: 'dry run: would migrate virtwork-cpu-0 from kv-worker-01' }]);
  });

  it('an empty run reports zeros, not NaN', () => {
    const r = buildReport([], { namespace: NS, context: 'c', generatedAt: 0 });
    expect(r.totals).toEqual({ total: 0, succeeded: 0, failed: 0, timeouts: 0, aborted: 0, inFlight: 0, duration: { count: 0 } });
    expect(toJunit(r)).toContain('tests="0" failures="0" errors="0" skipped="0"');
    expect(toCsv(r).split('\r\n')).toHaveLength(2);
    expect(toMarkdown(r)).toContain('No migrations.');
  });
});

/** RFC 4180 reader, for checking the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '"' || c === '\n' || c === '\r') {
      throw new Error(`unquoted ${JSON.stringify(c)} at ${i}`);
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks, and every record has the header width', () => {
    const csv = toCsv(report());
    const rows = parseCsv(csv);
    const [header, ...data] = rows;
    expect(header!.slice(0, 5)).toEqual(['uid', 'name', 'vmi', 'cause', 'run_id']);
    expect(data).toHaveLength(8);
    for (const r of data) expect(r).toHaveLength(header!.length);
    const failed = data.find((r) => r[0] === 'uid-failed')!;
    expect(failed[1]).toBe('kubevirt-migrate-vm-f,ail"ed');
    expect(failed[header!.indexOf('reason')]).toBe(NASTY);
    expect(failed[header!.indexOf('pending_s')]).toBe('2');
    expect(failed[header!.indexOf('scheduling_s')]).toBe('8');
    const first = data[0]!;
    expect(first[header!.indexOf('ips_after')]).toBe('10.244.1.6 fd00::6');
    expect(first[header!.indexOf('duration_s')]).toBe('2');
    // A plain field is not quoted.
    expect(csv).toContain('\r\nd9961951-5d28-466a-960a-af285369396c,kubevirt-migrate-vm-4ck4b,virtwork-cpu-1,chaos,');
  });
});

describe('toJunit', () => {
  it('is well-formed XML with one testcase per migration and consistent counts', () => {
    const xml = toJunit(report());
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    const [suite] = find(root, 'testsuite');
    const cases = find(suite!, 'testcase');
    expect(cases).toHaveLength(8);
    for (const el of [root, suite!]) expect(el.attrs).toMatchObject({ tests: '8', failures: '3', errors: '0', skipped: '1' });
    expect(find(suite!, 'failure')).toHaveLength(3);
    expect(find(suite!, 'skipped')).toHaveLength(1);
    const props = Object.fromEntries(find(suite!, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ namespace: NS, context: 'kind-kubevirt', 'run-id': RUN_ID, 'success-rate': '57.1%' });
    expect(suite!.attrs.timestamp).toBe('2026-11-27T22:00:00');
  });

  it('names cases by migration, classes by cause and VMI, time by duration, and fails with the reason', () => {
    const suite = find(parseXml(toJunit(report())), 'testsuite')[0]!;
    const byName = new Map(find(suite, 'testcase').map((c) => [c.attrs.name, c]));
    expect(byName.get('kubevirt-migrate-vm-4ck4b')!.attrs).toEqual({ classname: 'chaos.virtwork-cpu-1', name: 'kubevirt-migrate-vm-4ck4b', time: '2.000' });
    expect(byName.get('kubevirt-evacuation-bdq5x')!.attrs.classname).toBe('evacuation.virtwork-cpu-0');
    const timeout = find(byName.get('kubevirt-migrate-vm-tmout')!, 'failure')[0]!;
    expect(timeout.attrs).toEqual({ type: 'timeout', message: 'no result after 300s, cancelled (last phase Scheduling)' });
    expect(find(byName.get('kubevirt-migrate-vm-lpzgs')!, 'failure')[0]!.attrs.type).toBe('aborted');
    expect(find(byName.get('kubevirt-migrate-vm-w55rq')!, 'skipped')[0]!.attrs.message).toBe('still in flight (TargetReady)');
    // Quotes, ampersands, angle brackets, ']]>' and a newline survive; the control character XML forbids is replaced.
    const failed = find(byName.get('kubevirt-migrate-vm-f,ail"ed')!, 'failure')[0]!;
    expect(failed.attrs.message).toBe(NASTY.replace('\u0001', '\uFFFD'));
    expect(failed.text.startsWith(NASTY.replace('\u0001', '\uFFFD'))).toBe(true);
  });
});

describe('toMarkdown and toJson', () => {
  it('keeps one table row per migration however odd the reason', () => {
    const md = toMarkdown(report());
    const section = md.slice(md.indexOf('## Migrations'), md.indexOf('## Rounds without a migration'));
    const rows = section.split('\n').filter((l) => l.startsWith('| 2026-'));
    expect(rows).toHaveLength(8);
    const failed = rows.find((l) => l.includes('uid-failed') || l.includes('f,ail'))!;
    expect(failed).toContain('kubectl said: "no", then, &lt;refused> & gave up ]]> second line');
    // Cells split only on unescaped pipes: 11 columns.
    for (const r of rows) expect(r.split(/(?<!\\)\|/).length - 2).toBe(11);
    expect(md).toContain('| 8 | 4 | 1 | 1 | 1 | 1 | 57.1% |');
  });

  it('JSON is the model itself', () => {
    const r = report();
    expect(JSON.parse(toJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(formatReport(r, 'junit')).toBe(toJunit(r));
  });
});
