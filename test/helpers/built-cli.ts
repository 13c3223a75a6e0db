// The built CLI (dist/), copied aside for the length of a test file. Other
// builds of the same checkout (npm test, npm run bench) replace dist/ while a
// long end-to-end test runs, and the TUI loads its chunks lazily: a copy taken
// while dist/ is complete keeps the running process whole.
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './cli.js';

const DIST = join(CLI, '..');

export async function snapshotCli(): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (existsSync(CLI)) {
      const before = readdirSync(join(DIST, 'chunks')).sort().join();
      const to = mkdtempSync(join(tmpdir(), 'vct-dist-'));
      try {
        cpSync(DIST, to, { recursive: true });
        const after = readdirSync(join(DIST, 'chunks')).sort().join();
        if (before === after && readdirSync(join(to, 'chunks')).sort().join() === before) return join(to, 'cli.js');
      } catch {
        // dist/ changed under the copy: try again.
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${CLI} is missing or keeps changing: run npm run build first`);
}
