// The built `sim` command as a user runs it: it prints `ready <url>
// kubeconfig=<path>` once kubectl can use the cluster, logs its controllers to
// stderr or --log, mints a user on request, exits 0 promptly on SIGINT or
// SIGTERM, and refuses bad flags with one clear line and exit code 2.
// Runs what `npm run build` produced (dist/, built here when missing), from a
// private copy: other test runs may rebuild dist/ meanwhile.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/https.js';
import { kubectlRunner } from '../../helpers/kubectl.js';
import { type Any, NS, tempFile } from './kv.js';

// Inside the repository, so that anything left unbundled still resolves from node_modules.
const COPY = join(process.cwd(), '.cache', `sim-cli-test-${process.pid}`);
const CLI = join(COPY, 'cli.js');

interface Running {
  proc: ChildProcess;
  url: string;
  kubeconfig: string;
  stderr: () => string;
  /** Sends a signal; resolves with the exit code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Starts `sim` and waits for its ready line. */
function startSim(args: string[]): Promise<Running> {
  const proc = spawn(process.execPath, [CLI, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no ready line within 20 s; stdout ${out}; stderr ${err}`));
    }, 20_000);
    void exited.then(({ code }) => reject(new Error(`sim exited ${code} before ready: ${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^ready (https:\/\/127\.0\.0\.1:\d+) kubeconfig=(\S+)\n/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        proc,
        url: m[1]!,
        kubeconfig: m[2]!,
        stderr: () => err,
        stop: async (signal = 'SIGINT') => {
          const t0 = Date.now();
          proc.kill(signal);
          const r = await exited;
          return { ...r, ms: Date.now() - t0 };
        },
      });
    });
  });
}

function runSim(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'sim', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  for (let attempt = 0; ; attempt++) {
    if (!existsSync('dist/cli.js')) {
      const b = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
      if (b.status !== 0 && attempt > 2) throw new Error(`npm run build failed: ${b.stderr}`);
    }
    try {
      rmSync(COPY, { recursive: true, force: true });
      mkdirSync(COPY, { recursive: true });
      cpSync('dist', COPY, { recursive: true });
      if (existsSync(CLI)) return;
    } catch (e) {
      if (attempt > 2) throw e;
    }
  }
}, 120_000);
afterAll(() => rmSync(COPY, { recursive: true, force: true }));

describe('sim', () => {
  it('prints the ready line once kubectl can use the cluster, and exits 0 at once on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const kubeconfig = join(dir, 'admin.kubeconfig');
    const sim = await startSim(['--nodes', '2', '--vms', '5', '--speed', '50', '--seed', '3', '--kubeconfig-out', kubeconfig]);
    let stopped = false;
    try {
      expect(sim.kubeconfig).toBe(kubeconfig);
      expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${sim.url}`);
      const kubectl = kubectlRunner(kubeconfig);
      const vmis = JSON.parse((await kubectl(['get', 'vmi', '-n', NS, '-o', 'json'])).stdout);
      expect(vmis.items).toHaveLength(5);
      expect(vmis.items.every((v: Any) => v.status.phase === 'Running')).toBe(true);
      // A migration through the subresource, as the controller VM's virtctl makes it.
      const put = await kubectl(['replace', '--raw', `/apis/subresources.kubevirt.io/v1/namespaces/${NS}/virtualmachines/virtwork-cpu-0/migrate`, '-f', tempFile('m.json', '{}')]);
      expect(put.exitCode).toBe(0);
      await eventually(async () => JSON.parse((await kubectl(['get', 'vmim', '-n', NS, '-o', 'json'])).stdout).items[0]?.status?.phase === 'Succeeded', 15_000, 100);
      // The controllers' log goes to stderr, timestamped.
      await eventually(() => /^\d{4}-\d\d-\d\dT[\d:.]+Z migration virtwork\/kubevirt-migrate-vm-\w+ of virtwork-cpu-0: \S+ -> \S+ succeeded$/m.test(sim.stderr()), 5000);
      const end = await sim.stop('SIGINT');
      stopped = true;
      expect(end).toMatchObject({ code: 0, signal: null });
      expect(end.ms).toBeLessThan(3000);
      // The server is gone.
      const after = await kubectl(['get', 'nodes', '--request-timeout=2s']);
      expect(after.exitCode).toBe(1);
    } finally {
      if (!stopped) sim.proc.kill('SIGKILL');
    }
  });

  it('writes a kubeconfig to a temp dir by default, logs to --log, mints --user, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const log = join(dir, 'sim.log');
    const userKc = join(dir, 'alice.kubeconfig');
    const sim = await startSim(['--nodes', '1', '--vms', '1', '--flavor', 'openshift', '--log', log, '--user', 'alice', '--user-roles', 'admin@virtwork', '--user-kubeconfig-out', userKc]);
    try {
      expect(sim.kubeconfig).toMatch(new RegExp(`^${tmpdir()}/virtwork-sim-[^/]+/kubeconfig$`));
      expect(sim.stderr()).toBe('');
      // The log is a file stream: lines land shortly after they are written.
      await eventually(() => existsSync(log) && readFileSync(log, 'utf8').includes(`sim: user alice kubeconfig=${userKc}`), 5000);
      expect(readFileSync(log, 'utf8')).toMatch(/^\S+Z sim: cluster up at https:\/\/127\.0\.0\.1:\d+ \(flavor openshift, KubeVirt v1\.7\.1-23-g1a2b3c4d5e\)$/m);
      const alice = kubectlRunner(userKc);
      expect((await alice(['get', 'vmi', '-n', NS, '-o', 'name'])).stdout.trim()).toBe('virtualmachineinstance.kubevirt.io/virtwork-cpu-0');
      const denied = await alice(['get', 'nodes']);
      expect(denied.stderr).toContain('User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
      const nodes = JSON.parse((await kubectlRunner(sim.kubeconfig)(['get', 'nodes', '-o', 'json'])).stdout);
      expect(nodes.items.map((n: Any) => n.metadata.name)).toEqual(['sno-0.virt.ocp.example.com']);
    } finally {
      const end = await sim.stop('SIGTERM');
      expect(end.code).toBe(0);
    }
  });

  it.each([
    [['--nodes', '0'], "error: option '--nodes <n>' argument '0' is invalid. --nodes must be at least 1, got 0."],
    [['--flavor', 'vmware'], `error: option '--flavor <flavor>' argument 'vmware' is invalid. --flavor must be one of kubevirt, openshift, none, got "vmware".`],
    [['--speed', 'fast'], `error: option '--speed <factor>' argument 'fast' is invalid. --speed must be a number, got "fast".`],
    [['--failure-rate', '1.5'], "error: option '--failure-rate <rate>' argument '1.5' is invalid. --failure-rate must be at most 1, got 1.5."],
    [['--kubevirt-version', 'v2.0'], `error: option '--kubevirt-version <v>' argument 'v2.0' is invalid. --kubevirt-version must be a KubeVirt release from v1.1 to v1.7 (e.g. v1.7.1), got "v2.0".`],
    [['--kubevirt-version', 'latest'], `error: option '--kubevirt-version <v>' argument 'latest' is invalid. --kubevirt-version must be a KubeVirt release from v1.1 to v1.7 (e.g. v1.7.1), got "latest".`],
    [['--bogus'], "error: unknown option '--bogus'"],
    [['--user', 'bob'], 'error: --user, --user-roles and --user-kubeconfig-out go together: e.g. --user alice --user-roles admin@virtwork --user-kubeconfig-out alice.kubeconfig'],
  ])('refuses %j with exit code 2 and one clear line', (args, message) => {
    const r = runSim(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(message);
  });
});
