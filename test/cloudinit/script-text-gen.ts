// Builds src/cloudinit/script-text.ts from the shell assets. The .sh files are
// the source of truth (shellcheck reads them directly); the generated module
// embeds them as plain string constants so that tsc, vitest and an esbuild
// bundle all see the same text with no loader configuration.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ASSETS: readonly { constName: string; file: string }[] = [
  { constName: 'CONTROLLER_SCRIPT', file: 'virtwork-chaos-migration.sh' },
  { constName: 'KUBECONFIG_SCRIPT', file: 'virtwork-chaos-migration-kubeconfig.sh' },
  { constName: 'FETCH_SCRIPT', file: 'virtwork-chaos-migration-fetch.sh' },
];

export const assetsDir = fileURLToPath(new URL('../../src/cloudinit/assets/', import.meta.url));
export const scriptTextPath = fileURLToPath(new URL('../../src/cloudinit/script-text.ts', import.meta.url));

/** A template literal whose value is exactly `text`. */
function templateLiteral(text: string): string {
  return '`' + text.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${') + '`';
}

export function generateScriptText(): string {
  const parts = [
    '// GENERATED from src/cloudinit/assets/*.sh by test/cloudinit/script-text.test.ts.',
    '// Do not edit: edit the .sh file, then run',
    '//   UPDATE_ASSETS=1 npx vitest run test/cloudinit/script-text.test.ts',
  ];
  for (const a of ASSETS) {
    const text = readFileSync(assetsDir + a.file, 'utf8');
    parts.push('', `/** ${a.file} */`, `export const ${a.constName}: string = ${templateLiteral(text)};`);
  }
  return parts.join('\n') + '\n';
}
