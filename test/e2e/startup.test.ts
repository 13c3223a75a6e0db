// What the built CLI loads before it can draw the TUI's first frame: the
// modules dist/cli.js imports statically, chunk by chunk. The Kubernetes
// client (several MB of code to compile) belongs after the first frame
// (src/commands/tui.ts). Needs `npm run build` first.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

/** Every file the entry imports statically (transitively), with the sources its source map names. */
function staticClosure(entry: string): Map<string, string[]> {
  const dir = join(entry, '..');
  const out = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (out.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    const map = existsSync(`${file}.map`) ? (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources : [];
    out.set(file, map);
    // Minified static imports: import{a as b}from"./chunks/x.js" or import"./chunks/x.js" (dynamic import( ) calls are not followed).
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'();]*?from\s*)?["'](\.\/[^"']+)["']/g)) {
      const rel = m[1]!;
      queue.push(file === entry ? join(dir, rel) : join(dir, 'chunks', basename(rel)));
    }
  }
  return out;
}

describe('start-up', () => {
  it('does not load the Kubernetes client before the first frame', () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    const closure = staticClosure(CLI);
    const offenders = [...closure].filter(([, sources]) => sources.some((s) => s.includes('node_modules/@kubernetes/client-node/')));
    const clusterModules = [...new Set([...closure.values()].flat().filter((s) => /src\/cluster\//.test(s)))];
    // Known bug (outside the TUI's files): control, status, report and teardown import
    // addConnectionOptions from src/commands/connection-options.ts, which imports
    // src/cluster/connection.ts (and with it @kubernetes/client-node) statically, so
    // every start compiles the client first (some 100-150 ms of a 600 ms budget).
    expect(offenders.map(([f]) => basename(f)), `loaded before the first frame, with src/cluster modules ${clusterModules.join(', ')}`).toEqual([]);
  });
});
