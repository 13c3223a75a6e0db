// `report` as a process against the simulated cluster running the real
// controller on a single target VMI, so that KubeVirt's garbage collection
// (five finished migrations per VMI) deletes VMIMs while the run goes on: the
// report still lists every migration, from the controller's status records
// (no local history at first) and, after teardown removed those records, from
// the local history the first report wrote. Its formats, --output, and a run
// id nothing knows.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pause } from '../../src/cluster/control.js';
import { readStatusMap } from '../../src/cluster/control-status.js';
import { deploy } from '../../src/cluster/deploy.js';
import { teardown } from '../../src/cluster/teardown.js';
import type { Report } from '../../src/state/report/index.js';
import { type DeployCluster, NS, deployCluster, testSettings, until } from '../cluster/deploy-fixture.js';
import { listMigrations } from '../cluster/observe-helpers.js';
import { cli } from './deploy-cli.js';

process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'report-test-state-'));

const RUN = 'rep-1';
let c: DeployCluster;
/** The uids of the run's migrations, from the controller's records. */
let recorded: string[];

beforeAll(async () => {
  // One seeded VMI: every migration is of it, so the sixth finished one makes KubeVirt delete the first.
  c = await deployCluster({ nodes: 3, vms: 1 });
  await deploy(c.conn, testSettings(RUN), { pollMs: 100 });
  await until(async () => ((await readStatusMap(c.conn, NS))?.status.records.filter((r) => r.uid !== '').length ?? 0) >= 7, 240_000, 'seven migrations recorded');
  await pause(c.conn, NS, { timeoutMs: 15_000 });
  await until(async () => ((await readStatusMap(c.conn, NS))?.status.state === 'paused' ? true : undefined), 60_000, 'paused');
  recorded = (await readStatusMap(c.conn, NS))!.status.records.filter((r) => r.uid !== '').map((r) => r.uid).sort();
}, 360_000);
afterAll(() => c.stop());

const report = (...args: string[]) => cli(['report', '--kubeconfig', c.t.kubeconfigPath, ...args]);

describe('report command', () => {
  it("reports the deployed run's every migration, garbage-collected ones from the controller's records", async () => {
    const vmims = await listMigrations(c.conn);
    // KubeVirt kept five finished migrations of the VMI.
    expect(vmims.filter((m) => ['Succeeded', 'Failed'].includes(m.status?.phase)).length).toBe(5);
    expect(recorded.length).toBeGreaterThan(vmims.length);

    const r = await report('--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.runId).toBe(RUN);
    expect(rep.migrations.map((m) => m.uid).sort()).toEqual(recorded);
    expect(rep.totals).toMatchObject({ total: recorded.length, succeeded: recorded.length, failed: 0, inFlight: 0, successRate: 1 });
    const live = new Set(vmims.map((m) => m.metadata.uid as string));
    for (const m of rep.migrations) {
      expect(m).toMatchObject({ vmi: 'virtwork-cpu-0', cause: 'chaos', result: 'succeeded', runId: RUN });
      // The VMIM's own phases where it still exists; the controller's word where only its record is left.
      expect(m.resultFrom).toBe(live.has(m.uid) ? 'vmim' : 'controller');
      expect(m.sourceNode).toMatch(/^kv-worker-0\d$/);
      expect(m.durationSec).toBeGreaterThanOrEqual(0);
    }
  });

  it('writes md, csv and junit, to stdout or --output', async () => {
    const md = await report('--format', 'md');
    expect(md.exitCode).toBe(0);
    expect(md.stdout.split('\n')[0]).toBe(`# virtwork chaos-migration report for run ${RUN}`);
    expect(md.stdout).toContain(`| ${recorded.length} | ${recorded.length} | 0 | 0 | 0 | 0 | 100.0% |`);

    const csv = await report('--format', 'csv');
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^uid,name,vmi,cause,run_id,/);
    expect(rows.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(recorded);

    const file = join(mkdtempSync(join(tmpdir(), 'report-out-')), 'junit.xml');
    const junit = await report('--format', 'junit', '--output', file);
    expect(junit.exitCode).toBe(0);
    expect(junit.stdout).toBe('');
    expect(junit.stderr).toBe(`Report of run ${RUN} (${recorded.length} migrations, junit) written to ${file}.`);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain(`<testsuites name="virtwork-chaos-migration ${RUN}" tests="${recorded.length}" failures="0" errors="0" skipped="0"`);
    expect(xml.match(/<testcase /g)).toHaveLength(recorded.length);
  });

  it('still lists every migration after teardown removed the controller records, from the local history', async () => {
    await teardown(c.conn, { namespace: NS, runId: RUN, pollMs: 100 });
    expect(await readStatusMap(c.conn, NS)).toBeUndefined();
    // Nothing deployed now: without --run-id there is no run to report on.
    const none = await report();
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toBe(`error: no chaos-migration run is deployed in namespace virtwork on context kubernetes-admin@virtwork-sim: pass --run-id (runs known here: ${RUN})`);

    const r = await report('--run-id', RUN, '--format', 'json');
    expect(r.exitCode).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.migrations.map((m) => m.uid).sort()).toEqual(recorded);
    expect(rep.totals.successRate).toBe(1);
  });

  it('exits 1 for a run id nothing knows, naming the runs that exist', async () => {
    const r = await report('--run-id', 'no-such-run');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: there is no chaos-migration run no-such-run in namespace virtwork on context kubernetes-admin@virtwork-sim: no deployed object, migration or local history carries it (runs known here: ${RUN})`,
    );
  });

  it('exits 2 for an unknown format', async () => {
    const r = await report('--format', 'pdf');
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`error: option '--format <format>' argument 'pdf' is invalid. --format must be one of md, json, csv, junit, got "pdf".`);
  });
});
