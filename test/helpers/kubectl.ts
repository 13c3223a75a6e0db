// Runs the real kubectl binaries against a simulated cluster, each test with
// its own discovery cache (kubectl caches discovery for 6 hours per host:port).
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const VERSIONED = '/usr/lib/google-cloud-sdk/bin';

/** Path of kubectl 1.NN, or the default kubectl when no version is given. */
export function kubectlPath(minor?: number): string {
  if (minor === undefined) return process.env.KUBECTL ?? 'kubectl';
  const p = join(VERSIONED, `kubectl.1.${minor}`);
  if (!existsSync(p)) throw new Error(`kubectl 1.${minor} is not installed at ${p}`);
  return p;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function kubectlRunner(kubeconfig: string) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  return async (args: string[], opts: { minor?: number; input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> => {
    const r = await execa(kubectlPath(opts.minor), args, {
      env: { KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir, HOME: cacheDir },
      input: opts.input,
      reject: false,
      timeout: opts.timeoutMs ?? 30_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
  };
}
