// `status` as a process against the simulated cluster: no controller is a
// fact (exit 0), the --json shape, `paused` after `pause`, --watch printing a
// block per change until SIGTERM ends it with exit 0, and an unreachable API
// server as exit 1 with one sentence.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cluster/deploy.js';
import type { StatusView } from '../../src/cluster/status-view.js';
import { type DeployCluster, NS, deployCluster, testSettings, until } from '../cluster/deploy-fixture.js';
import { CLI } from '../helpers/cli.js';
import { testCluster } from '../helpers/sim.js';
import { cli } from './deploy-cli.js';

// The CLI processes inherit it: their history goes to a temporary directory.
process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'status-test-state-'));

let c: DeployCluster;
beforeAll(async () => {
  c = await deployCluster({ nodes: 3, vms: 3 });
});
afterAll(() => c.stop());

const status = async (...args: string[]) => cli(['status', '--kubeconfig', c.t.kubeconfigPath, ...args]);

describe('status command', () => {
  it('says so when no controller is deployed, and still shows the fleet (exit 0)', async () => {
    const r = await status();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Controller: no controller deployed in namespace virtwork (no ConfigMap virtwork-chaos-migration-status)');
    expect(lines).toContain('Fleet:      3 VMIs (Running 3); migratable 2, not migratable 1; 0 migrating');
    expect(r.stdout).toMatch(/^Nodes: {6}kv-control-plane-01 0, kv-worker-01 \d, kv-worker-02 \d, kv-worker-03 \d$/m);
    expect(lines).toContain('In flight:  none');

    const j = await status('--json');
    expect(j.exitCode).toBe(0);
    const v = JSON.parse(j.stdout) as StatusView;
    expect(v.controller).toMatchObject({ present: false, state: 'absent', paused: false });
    expect(v.runId).toBeUndefined();
    expect(v.fleet).toMatchObject({ total: 3, byPhase: { Running: 3 }, migratable: 2, notMigratable: 1, inFlight: 0, nodesListed: true });
  });

  it('reports the deployed controller as JSON, and `paused` once paused', async () => {
    await deploy(c.conn, testSettings('st-1'), { pollMs: 100 });
    // Let the controller migrate something first.
    await until(async () => {
      const v = JSON.parse((await status('--json')).stdout) as StatusView;
      return v.controller.counters.succeeded + v.controller.counters.failed > 0 ? v : undefined;
    }, 60_000, 'a migration counted');
    const r = await status('--json');
    expect(r.exitCode).toBe(0);
    const v = JSON.parse(r.stdout) as StatusView;
    expect(Object.keys(v).sort()).toEqual(['context', 'controller', 'fleet', 'generatedAt', 'inFlight', 'migrations', 'namespace', 'problems', 'runId']);
    expect(v).toMatchObject({ context: 'kubernetes-admin@virtwork-sim', namespace: NS, runId: 'st-1', problems: [] });
    expect(v.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(v.controller.present).toBe(true);
    expect(['idle', 'migrating', 'starting']).toContain(v.controller.state);
    expect(v.controller.heartbeat).toMatch(/Z$/);
    expect(v.controller.heartbeatAgeSec).toBeLessThan(15);
    expect(v.controller.stale).toBe(false);
    expect(v.controller.settings).toMatchObject({ 'migration-interval-min': '1', 'migration-interval-max': '2', paused: 'false' });
    expect(Object.keys(v.controller.counters).sort()).toEqual(['consecutiveFailures', 'failed', 'skipped', 'succeeded', 'timeouts']);
    // The controller VM is part of the namespace's fleet.
    expect(v.fleet.total).toBe(4);
    expect(v.migrations.total).toBeGreaterThanOrEqual(1);
    for (const f of v.inFlight) expect(Object.keys(f)).toEqual(expect.arrayContaining(['uid', 'name', 'vmi', 'cause', 'phase', 'created']));

    const text = await status();
    expect(text.stdout).toMatch(/^Controller: (idle|migrating|starting) /);
    expect(text.stdout).toContain('\nRun:        st-1 (namespace virtwork, context kubernetes-admin@virtwork-sim)\n');
    expect(text.stdout).toMatch(/\nCounters: {3}\d+ succeeded, \d+ failed, \d+ timed out, \d+ skipped/);

    const p = await cli(['pause', '--kubeconfig', c.t.kubeconfigPath, '--timeout', '10s']);
    expect(p.exitCode).toBe(0);
    // A migration in flight finishes first; then the state word is paused.
    const paused = await until(async () => {
      const s = await status();
      return /^Controller: paused · heartbeat \d+s ago\n/.test(s.stdout) ? s : undefined;
    }, 30_000, 'status says paused');
    expect(paused.exitCode).toBe(0);
    const pj = JSON.parse((await status('--json')).stdout) as StatusView;
    expect(pj.controller).toMatchObject({ state: 'paused', paused: true });
    expect(pj.controller.nextMigration).toBeUndefined();
  });

  it('--watch prints a block, then another when something changes, until SIGTERM ends it with exit 0', async () => {
    const child = execa(process.execPath, [CLI, 'status', '--watch', '--kubeconfig', c.t.kubeconfigPath], { reject: false, env: { NO_COLOR: '1' } });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => out.includes('In flight:'), 30_000, 'the first block');
      expect(out).toMatch(/^--- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\nController: paused /);
      // Resuming changes the state word: a new block follows.
      expect((await cli(['resume', '--kubeconfig', c.t.kubeconfigPath, '--timeout', '10s'])).exitCode).toBe(0);
      await until(() => (out.match(/^--- /gm) ?? []).length >= 2 && /\nController: (?!paused)/.test(out), 30_000, 'a second block');
    } finally {
      child.kill('SIGTERM');
    }
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('--watch --json prints one JSON document per line', async () => {
    const child = execa(process.execPath, [CLI, 'status', '--watch', '--json', '--kubeconfig', c.t.kubeconfigPath], { reject: false, env: { NO_COLOR: '1' } });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => out.split('\n').filter(Boolean).length >= 2, 60_000, 'two JSON lines');
    } finally {
      child.kill('SIGINT');
    }
    const r = await child;
    expect(r.exitCode).toBe(0);
    const docs = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as StatusView);
    expect(docs.length).toBeGreaterThanOrEqual(2);
    for (const d of docs) expect(d.runId).toBe('st-1');
  });

  it('exits 1 with one sentence when the API server cannot be reached', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'status-down-')), 'kubeconfig');
    c.t.cluster.api.writeKubeconfig(path, { ...c.t.cluster.api.kubeconfigFor('kubernetes-admin', 'x'), server: 'https://127.0.0.1:1' });
    for (const args of [[], ['--watch']]) {
      const r = await cli(['status', '--kubeconfig', path, ...args]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: (list [^:]+: )?Cannot reach the API server at https:\/\/127\.0\.0\.1:1: connection refused\. Is the cluster up, and is this the right context\?$/);
    }
  });
});

describe('status without KubeVirt', () => {
  it('exits 1 saying KubeVirt is not there, live and one-shot', async () => {
    const bare = await testCluster({ flavor: 'none', nodes: 0 });
    try {
      for (const args of [[], ['--watch']]) {
        const r = await cli(['status', '--kubeconfig', bare.kubeconfigPath, ...args]);
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toBe(`error: the cluster at ${bare.cluster.api.url} does not serve VirtualMachineInstances (kubevirt.io/v1): KubeVirt is not installed, or not ready`);
      }
    } finally {
      await bare.stop();
    }
  });
});
