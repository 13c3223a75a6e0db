// `kubectl get vmi -w`, as an operator would run it beside the TUI: its lines
// timestamped as they arrive, and the first time each bench node name
// (kv-bench-NNNN) is printed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlWatch {
  firstSeen: Map<number, number>;
  /** Resolves once the initial listing (`expected` rows) has been printed. */
  listed: Promise<void>;
  stop(): void;
}

const now = () => performance.timeOrigin + performance.now();

export function kubectlWatch(kubeconfig: string, namespace: string, expected: number): KubectlWatch {
  const cache = mkdtempSync(join(tmpdir(), 'vct-kubectl-'));
  const child = spawn('kubectl', ['get', 'vmi', '-n', namespace, '-w', '--no-headers'], { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cache, HOME: cache }, stdio: ['ignore', 'pipe', 'inherit'] });
  const firstSeen = new Map<number, number>();
  let lines = 0;
  let buffered = '';
  let markListed: () => void = () => {};
  const listed = new Promise<void>((r) => (markListed = r));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const at = now();
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (++lines === expected) markListed();
      const m = /kv-bench-(\d+)/.exec(line);
      if (m && !firstSeen.has(Number(m[1]))) firstSeen.set(Number(m[1]), at);
    }
  });
  return {
    firstSeen,
    listed,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(cache, { recursive: true, force: true });
    },
  };
}
