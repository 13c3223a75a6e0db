import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as embedded from '../../src/cloudinit/script-text.js';
import { ASSETS, assetsDir, generateScriptText, scriptTextPath } from './script-text-gen.js';

describe('embedded script text', () => {
  it('src/cloudinit/script-text.ts matches the .sh assets (UPDATE_ASSETS=1 regenerates it)', () => {
    const want = generateScriptText();
    if (process.env.UPDATE_ASSETS === '1') writeFileSync(scriptTextPath, want);
    expect(readFileSync(scriptTextPath, 'utf8')).toBe(want);
  });

  it('each constant is byte for byte its asset', () => {
    for (const a of ASSETS) {
      const value = (embedded as Record<string, string>)[a.constName];
      expect(value, a.file).toBe(readFileSync(assetsDir + a.file, 'utf8'));
    }
  });
});
