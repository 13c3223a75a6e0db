// Runs the built CLI (dist/cli.js) as users run it: a child process with its
// own arguments, environment and exit code. `npm test` builds first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does)`);
  const r = await execa(process.execPath, [CLI, ...args], {
    env: { ...opts.env, NO_COLOR: '1' },
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 60_000,
    cwd: opts.cwd,
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}
