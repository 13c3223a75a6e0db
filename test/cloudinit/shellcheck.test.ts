import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type CloudConfig, renderCloudConfig } from '../../src/cloudinit/cloud-config.js';
import { parseSettings } from '../../src/cloudinit/settings.js';

// CI installs shellcheck (Debian package `shellcheck`); a missing one is a failure, not a skip.
describe('shellcheck', () => {
  const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });

  it('is installed (apt-get install -y shellcheck)', () => {
    expect(version.status, 'shellcheck not found: apt-get install -y shellcheck').toBe(0);
  });

  for (const trigger of ['virtctl', 'vmim'] as const) {
    it(`passes every script cloud-init writes, with no warnings (${trigger} trigger)`, () => {
      const cc = parseYaml(renderCloudConfig(parseSettings({ trigger, runId: 'r' }))) as CloudConfig;
      const dir = mkdtempSync(join(tmpdir(), 'vw-shellcheck-'));
      const scripts = cc.write_files.filter((f) => f.path.endsWith('.sh'));
      expect(scripts).toHaveLength(3);
      const files = scripts.map((f) => {
        const file = join(dir, f.path.slice(f.path.lastIndexOf('/') + 1));
        writeFileSync(file, f.content);
        return file;
      });
      const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...files], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
