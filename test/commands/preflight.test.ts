// The `preflight` command as users run it (the built CLI, a child process):
// human output and --json, exit 0 when deploy can go ahead, 1 when something
// blocks it (one sentence on stderr, never a stack trace), 2 for bad input.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClusterTls } from '../../src/sim/api/tls.js';
import { runCli } from '../helpers/cli.js';
import { type TestCluster, testCluster } from '../helpers/sim.js';

const tempPath = (name: string) => join(mkdtempSync(join(tmpdir(), 'preflight-cli-')), name);

/** stderr is exactly one `error: ...` line, without a stack trace. */
function oneSentence(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!.slice('error: '.length);
}

describe('preflight command', () => {
  let t: TestCluster;
  let single: TestCluster;
  beforeAll(async () => {
    [t, single] = await Promise.all([
      testCluster({ flavor: 'kubevirt', kubevirtVersion: 'v1.7.1', nodes: 3, vms: 5, seed: 4, runControllerVms: false }),
      testCluster({ flavor: 'kubevirt', nodes: 1, vms: 2, seed: 4, runControllerVms: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t.stop(), single.stop()]);
  });

  it('exits 0 with one line per check, the pinned tools, nodes, limits and targets', async () => {
    const r = await runCli(['preflight', '--kubeconfig', t.kubeconfigPath]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    for (const title of ['API server', 'KubeVirt', 'virtctl', 'kubectl', 'Nodes', 'Migration limits', 'Namespace', 'Permissions', 'Targets', 'Existing controller']) {
      expect(lines.some((l) => l.startsWith(`ok    ${title} `))).toBe(true);
    }
    expect(r.stdout).toMatch(/^ {2}virtctl +v1\.7\.1 +https:\/\/github\.com\/kubevirt\/kubevirt\/releases\/download\/v1\.7\.1\/virtctl-v1\.7\.1-linux-\{arch\} +\(github\)$/m);
    expect(r.stdout).toMatch(/^ {2}kubectl +v1\.\d+\.\d+ +https:\/\/dl\.k8s\.io\/release\/v1\.\d+\.\d+\/bin\/linux\/\{arch\}\/kubectl$/m);
    expect(r.stdout).toMatch(/^ {2}kv-worker-01 +can run VMs$/m);
    expect(r.stdout).toMatch(/^ {2}parallelMigrationsPerCluster +5$/m);
    expect(r.stdout).toMatch(/^ {2}NAME +COMPONENT +ELIGIBLE +REASON$/m);
    expect(r.stdout).toMatch(/^ {2}virtwork-disk-0 +disk +no +not live-migratable: DisksNotLiveMigratable/m);
    expect(r.stdout.trimEnd().endsWith('Deploy can go ahead.')).toBe(true);
  });

  it('prints the report as JSON with --json, including the pinned tools', async () => {
    const r = await runCli(['preflight', '--kubeconfig', t.kubeconfigPath, '--json', '--kubectl-version', 'v1.30.1']);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(report.blocked).toBe(false);
    expect(report.checks).toHaveLength(10);
    expect(report.kubevirt.version).toBe('v1.7.1');
    expect(report.targets.length).toBe(5);
    // A version the user chose stays; the rest is pinned from the cluster.
    expect(report.pinned).toEqual({
      virtctl: { version: 'v1.7.1', url: 'https://github.com/kubevirt/kubevirt/releases/download/v1.7.1/virtctl-v1.7.1-linux-{arch}', source: 'github', used: true },
      kubectl: { version: 'v1.30.1', url: 'https://dl.k8s.io/release/v1.30.1/bin/linux/{arch}/kubectl' },
    });
  });

  it('exits 1 on a single node, and 0 with --allow-single-node', async () => {
    const r = await runCli(['preflight', '--kubeconfig', single.kubeconfigPath]);
    expect(r.exitCode).toBe(1);
    expect(oneSentence(r.stderr)).toBe('deploy cannot go ahead: live migration needs at least two schedulable nodes; found 1: kv-node-01');
    expect(r.stdout).toMatch(/^BLOCK Nodes +live migration needs at least two schedulable nodes; found 1: kv-node-01$/m);
    expect(r.stdout).toMatch(/^ +fix: .*--allow-single-node/m);
    const ok = await runCli(['preflight', '--kubeconfig', single.kubeconfigPath, '--allow-single-node']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^warn {2}Nodes +live migration needs at least two schedulable nodes; found 1: kv-node-01 \(going on because of --allow-single-node/m);
  });

  it('exits 1 for a missing namespace and for a namespace admin without virtualmachines/migrate', async () => {
    const ns = await runCli(['preflight', '--kubeconfig', t.kubeconfigPath, '-n', 'nowhere']);
    expect(ns.exitCode).toBe(1);
    expect(oneSentence(ns.stderr)).toBe('deploy cannot go ahead: namespace nowhere does not exist');

    const path = tempPath('alice.kubeconfig');
    t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor('alice', t.cluster.mintUser('alice', [{ name: 'admin', namespace: 'virtwork' }])));
    const alice = await runCli(['preflight', '--kubeconfig', path]);
    expect(alice.exitCode).toBe(1);
    expect(oneSentence(alice.stderr)).toMatch(/^deploy cannot go ahead: alice lacks 3 permissions that deploy needs in virtwork \(trigger virtctl\): .*update virtualmachines\/migrate/);
    expect(alice.stdout).toContain('fix: A cluster admin runs: kubectl create rolebinding kubevirt-migrate --clusterrole=kubevirt.io:migrate --user=alice -n virtwork');
    expect(alice.stdout).toMatch(/^Missing permissions:$/m);
  });

  it('exits 2 for bad input', async () => {
    const bad = await runCli(['preflight', '--kubeconfig', t.kubeconfigPath, '--trigger', 'bogus']);
    expect(bad.exitCode).toBe(2);
    expect(oneSentence(bad.stderr)).toBe('trigger ("bogus") must be virtctl or vmim');
    const minMax = await runCli(['preflight', '--kubeconfig', t.kubeconfigPath, '--migration-interval-min', '500', '--migration-interval-max', '100']);
    expect(minMax.exitCode).toBe(2);
    expect(minMax.stderr).toContain('migration-interval-min (500) must not be greater than migration-interval-max (100)');
    const unknown = await runCli(['preflight', '--no-such-flag']);
    expect(unknown.exitCode).toBe(2);
  });

  it('an unreachable API server, a wrong CA and a missing kubeconfig are one sentence and exit 1', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const closed = tempPath('closed.kubeconfig');
    t.cluster.api.writeKubeconfig(closed, { ...t.cluster.api.adminKubeconfig(), server: `https://127.0.0.1:${port}` });
    const r = await runCli(['preflight', '--kubeconfig', closed]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(oneSentence(r.stderr)).toBe(`Cannot reach the API server at https://127.0.0.1:${port}: connection refused. Is the cluster up, and is this the right context?`);

    const json = await runCli(['preflight', '--kubeconfig', closed, '--json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ blocked: true, checks: [{ id: 'api', status: 'block' }], pinned: null });

    const badCa = tempPath('badca.kubeconfig');
    t.cluster.api.writeKubeconfig(badCa, { ...t.cluster.api.adminKubeconfig(), caPem: (await makeClusterTls()).caPem });
    const tls = await runCli(['preflight', '--kubeconfig', badCa]);
    expect(tls.exitCode).toBe(1);
    expect(oneSentence(tls.stderr)).toMatch(/^The TLS connection to https:\/\/127\.0\.0\.1:\d+ failed \([A-Z_]+\): the server's certificate is not trusted/);

    const missing = await runCli(['preflight', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing.exitCode).toBe(1);
    expect(oneSentence(missing.stderr)).toContain('/nonexistent/kubeconfig does not exist');
  });
});
