// The simulated cluster as its own process (`node dist/cli.js sim`), so that
// the API server, the TUI and kubectl do not share an event loop: started
// with 5,000 VMs on 100 nodes and ready when it prints its `ready` line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SimProcess {
  kubeconfig: string;
  url: string;
  dir: string;
  log: string;
  startMs: number;
  stop(): Promise<void>;
}

export function startSim(cli: string, vms: number, nodes: number): Promise<SimProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vct-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const log = join(dir, 'sim.log');
  const started = performance.now();
  // No failures, so that nothing but the benchmark's own changes moves a VMI.
  const child = spawn(process.execPath, [cli, 'sim', '--vms', String(vms), '--nodes', String(nodes), '--failure-rate', '0', '--kubeconfig-out', kubeconfig, '--log', log], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sim exited with ${code} before it was ready: ${out}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const m = /^ready (\S+) kubeconfig=/m.exec(out);
      if (!m) return;
      child.stdout.removeAllListeners('data');
      resolve({
        kubeconfig,
        url: m[1]!,
        dir,
        log,
        startMs: performance.now() - started,
        stop: async () => {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
          rmSync(dir, { recursive: true, force: true });
        },
      });
    });
  });
}
