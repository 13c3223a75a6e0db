// Runs bash snippets against the controller script sourced as a library: its
// `main` is guarded by [[ "${BASH_SOURCE[0]}" == "$0" ]], so sourcing only
// defines the functions.

import { spawnSync } from 'node:child_process';
import { assetsDir } from './script-text-gen.js';

export const controllerPath = assetsDir + 'virtwork-chaos-migration.sh';

export interface BashResult {
  stdout: string;
  stderr: string;
  status: number | null;
}

export function sourced(snippet: string, opts: { input?: string; env?: Record<string, string> } = {}): BashResult {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source "$1" || exit 99\n${snippet}`, 'bash', controllerPath], {
    input: opts.input ?? '',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

export function run(file: string, args: string[], env: Record<string, string>, timeout = 30_000): BashResult {
  const r = spawnSync('bash', ['--norc', '--noprofile', file, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
