// The CLI as users run it (dist/cli.js in a child process), for the deploy,
// teardown and control command tests. `npm run build` empties dist/ before it
// writes it again, so a build running beside the tests gets a few seconds to
// finish before a missing chunk counts as a failure.
import { existsSync } from 'node:fs';
import { CLI, type CliResult, runCli } from '../helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function cli(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  for (let attempt = 0; ; attempt++) {
    for (let i = 0; !existsSync(CLI) && i < 120; i++) await sleep(250);
    const r = await runCli(args, { timeoutMs: opts.timeoutMs ?? 90_000 });
    if (attempt < 2 && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(r.stderr)) {
      await sleep(2000);
      continue;
    }
    return r;
  }
}
