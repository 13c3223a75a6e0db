// Bundles the TUI probe as the CLI is bundled (scripts/build.mjs: one ESM
// bundle, minified, React in production mode, no DevTools), so that its
// memory and speed are the shipped code's, not tsx's (whose loader runs on a
// thread of its own in the same process).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function buildProbe(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'vct-probe-'));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await build({
    absWorkingDir: root,
    entryPoints: { probe: 'bench/lib/tui-probe.ts' },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Readable names in a CPU profile (BENCH_PROFILE); the shipped minification otherwise.
    minify: !process.env.BENCH_PROFILE,
    keepNames: Boolean(process.env.BENCH_PROFILE),
    legalComments: 'none',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
    logLevel: 'warning',
  });
  return join(outdir, 'probe.js');
}
