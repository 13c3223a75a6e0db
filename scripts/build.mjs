// Bundles the CLI so that `npx virtwork-chaos-tui` starts fast: dist/cli.js is
// small and loads each command's code (and the large Kubernetes client) only
// when that command runs, from chunks beside it.
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  minify: true,
  legalComments: 'none',
  // Bundled CommonJS dependencies call require(); give every chunk one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink imports React DevTools only under DEV=true; nothing of it ships.
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  logLevel: 'warning',
});
// The bin needs a shebang; esbuild keeps the entry's own, so add it here.
const { readFileSync, writeFileSync } = await import('node:fs');
const cli = readFileSync('dist/cli.js', 'utf8');
writeFileSync('dist/cli.js', cli.startsWith('#!') ? cli : `#!/usr/bin/env node\n${cli}`);
chmodSync('dist/cli.js', 0o755);
