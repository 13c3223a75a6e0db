// `run` as a pipeline runs it, against one small simulated cluster (speed
// 20, 1-2 s between migrations) used by one run after another: bad input is
// exit 2 before the cluster is touched; `--migrations 3` ends 0 with a JUnit
// file of 3 passing cases and nothing left deployed; every migration failing
// is exit 1 naming the success rate; a controller that stops heartbeating is
// exit 1 saying so; SIGTERM mid-run writes the report and tears down.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeVirtContext } from '../../src/sim/kubevirt/context.js';
import type { Report } from '../../src/state/report/index.js';
import { type DeployCluster, deployCluster, until } from '../cluster/deploy-fixture.js';
import { CLI } from '../helpers/cli.js';
import { cli } from './deploy-cli.js';

process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'run-test-state-'));

const FAST = ['--migration-interval-min', '1', '--migration-interval-max', '2'];
const out = mkdtempSync(join(tmpdir(), 'run-test-out-'));

describe('run command: bad input', () => {
  it.each([
    [[], 'error: run needs exactly one of --duration (e.g. 30m) and --migrations (e.g. 10)'],
    [['--duration', '1m', '--migrations', '3'], 'error: run needs exactly one of --duration (e.g. 30m) and --migrations (e.g. 10)'],
    [['--duration', 'soon'], `error: option '--duration <duration>' argument 'soon' is invalid. --duration must be a duration like 90s, 10m or 1h, got "soon".`],
    [['--migrations', '0'], `error: option '--migrations <n>' argument '0' is invalid. --migrations must be at least 1, got 0.`],
    [['--migrations', '3', '--fail-under', '1.5'], `error: option '--fail-under <share>' argument '1.5' is invalid. --fail-under must be a share from 0 to 1 (0.95) or a percentage (95%), got "1.5".`],
    [['--migrations', '3', '--format', 'csv'], `error: option '--format <format>' argument 'csv' is invalid. --format must be one of junit, json, md, got "csv".`],
    [['--migrations', '3', '--migration-interval-min', '300', '--migration-interval-max', '120'], 'error: migration-interval-min (300) must not be greater than migration-interval-max (120)'],
    [['--migrations', '3', '--migration-dry-run'], 'error: --migrations cannot be reached in dry-run (nothing is migrated): use --duration'],
    [['--migrations', '3', '--report', '/nonexistent/dir/r.xml'], 'error: --report /nonexistent/dir/r.xml: the directory /nonexistent/dir does not exist'],
  ])('exits 2 for %j without touching the cluster', async (args, message) => {
    const r = await cli(['run', '--kubeconfig', '/nonexistent', ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });
});

describe('run command', () => {
  let c: DeployCluster;
  beforeAll(async () => {
    c = await deployCluster({ nodes: 3, vms: 3, failureRate: 0 });
  });
  afterAll(() => c?.stop());

  it('--migrations 3 ends 0 with a JUnit file of 3 passing test cases, and tears down', async () => {
    const file = join(out, 'ok.xml');
    const r = await cli(['run', '--kubeconfig', c.t.kubeconfigPath, '--migrations', '3', '--run-id', 'ci-ok', '--report', file, ...FAST], { timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines).toContain('ok    Namespace: virtwork exists');
    expect(lines).toContain('Deploying run ci-ok to namespace virtwork on context kubernetes-admin@virtwork-sim.');
    expect(r.stderr).toMatch(/\ndone {2}Wait for VMI virtwork-chaos-migration-0 to be Running: Running on kv-worker-0\d\n/);
    for (const n of [1, 2, 3]) expect(r.stderr).toMatch(new RegExp(`\\nmigration ${n}/3: virtwork-(cpu|memory)-0 kv-worker-0\\d -> kv-worker-0\\d succeeded in \\d+s\\n`));
    expect(lines).toContain(`Report (junit, 3 migrations) written to ${file}.`);
    expect(r.stderr).toMatch(/\nRun ci-ok: 3 migrations \(3 succeeded, 0 not\), success rate 100\.0% \(--fail-under 95%\), over \d+s\.\n/);
    expect(r.stderr).toMatch(/\nRemoved 8 objects of run ci-ok; kept \d+ migrations for history\.$/);

    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(/<testsuites name="virtwork-chaos-migration ci-ok" tests="3" failures="0" errors="0" skipped="0"/);
    expect(xml.match(/<testcase classname="chaos\.virtwork-(cpu|memory)-0" name="[^"]+" time="\d+\.\d{3}">\n\s+<system-out>/g)).toHaveLength(3);
    expect(xml).not.toContain('<failure');
    expect(await c.labelled('ci-ok')).toEqual([]);
  });

  it('--duration runs that long, waits for the migrations in flight, and prints the report on stdout without --report', async () => {
    const r = await cli(['run', '--kubeconfig', c.t.kubeconfigPath, '--duration', '8s', '--format', 'json', '--run-id', 'ci-dur', ...FAST], { timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Run ci-dur is deployed; running for 8s; no heartbeat for 1m fails it.');
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.runId).toBe('ci-dur');
    expect(rep.totals.total).toBeGreaterThanOrEqual(1);
    // Every migration triggered before the end was waited for.
    expect(rep.totals.inFlight).toBe(0);
    expect(rep.totals.successRate).toBe(1);
    expect(await c.labelled('ci-dur')).toEqual([]);
  });

  it('exits 1 saying the success rate when every migration fails (--fail-under 0.9), with the report written', async () => {
    // The simulator's migration controller reads its failure rate for each new migration.
    const options = (c.t.cluster.kubevirt!.ctx as KubeVirtContext).options as { failureRate: number };
    options.failureRate = 1;
    try {
      const file = join(out, 'failing.json');
      const r = await cli(['run', '--kubeconfig', c.t.kubeconfigPath, '--migrations', '2', '--fail-under', '0.9', '--run-id', 'ci-fail', '--report', file, ...FAST], {
        timeoutMs: 300_000,
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr.split('\n').at(-1)).toBe('error: the success rate 0% (0 of 2 migrations succeeded) is under --fail-under 90%');
      expect(r.stderr).toMatch(/\nmigration 1\/2: \S+ \S+ -> \S+ failed in \d+s: /);
      const rep = JSON.parse(readFileSync(file, 'utf8')) as Report;
      expect(rep.totals).toMatchObject({ total: 2, succeeded: 0, failed: 2, successRate: 0 });
      expect(await c.labelled('ci-fail')).toEqual([]);
    } finally {
      options.failureRate = 0;
    }
  });

  it('exits 1 when the controller stops working (its VM stopped: no heartbeat)', async () => {
    const file = join(out, 'stalled.md');
    const child = execa(process.execPath, [CLI, 'run', '--kubeconfig', c.t.kubeconfigPath, '--duration', '10m', '--stall-timeout', '5s', '--run-id', 'ci-stall', '--report', file, ...FAST], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    await until(() => err.includes('Run ci-stall is deployed'), 180_000, 'the run deployed');
    const halt = await c.t.kubectl(['patch', 'vm', 'virtwork-chaos-migration-0', '-n', 'virtwork', '--type', 'merge', '-p', '{"spec":{"runStrategy":"Halted"}}']);
    expect(halt.exitCode, halt.stderr).toBe(0);
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n').at(-1)).toMatch(/^error: the controller stopped working: no heartbeat for [56]s; its VMI virtwork-chaos-migration-0 is gone$/);
    expect(readFileSync(file, 'utf8')).toMatch(/^# virtwork chaos-migration report for run ci-stall\n/);
    expect(await c.labelled('ci-stall')).toEqual([]);
  });

  it('SIGTERM during the run writes the report of what happened and tears down (exit 1)', async () => {
    const file = join(out, 'interrupted.xml');
    const child = execa(process.execPath, [CLI, 'run', '--kubeconfig', c.t.kubeconfigPath, '--duration', '10m', '--run-id', 'ci-int', '--report', file, ...FAST], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    await until(() => /\nmigration 1: /.test(err), 180_000, 'a first migration');
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('SIGTERM: stopping the run: its report is written and the run torn down (SIGTERM again stops at once)');
    expect(r.stderr.split('\n').at(-1)).toMatch(/^error: the run was interrupted \(SIGTERM\) after \d+s with \d+ migrations? finished$/);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/<testsuites name="virtwork-chaos-migration ci-int" tests="[1-9]\d*"/);
    expect(await c.labelled('ci-int')).toEqual([]);
  });
});
