import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type CloudConfig, renderCloudConfig } from '../../src/cloudinit/cloud-config.js';
import { controllerScript, fetchScript, isControllerScript, kubeconfigScript } from '../../src/cloudinit/script.js';
import { parseSettings } from '../../src/cloudinit/settings.js';
import { environmentLine, renderUnit } from '../../src/cloudinit/unit.js';
import { assetsDir } from './script-text-gen.js';

const settings = (extra: Parameters<typeof parseSettings>[0] = {}) => parseSettings({ runId: 'run-42', ...extra });
const cloudConfig = (extra: Parameters<typeof parseSettings>[0] = {}) => {
  const text = renderCloudConfig(settings(extra));
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parseYaml(text) as CloudConfig;
};

describe('cloud-config', () => {
  it('writes the scripts byte for byte and the unit', () => {
    const cc = cloudConfig();
    const byPath = Object.fromEntries(cc.write_files.map((f) => [f.path, f]));
    expect(byPath['/usr/local/bin/virtwork-chaos-migration.sh']).toEqual({
      path: '/usr/local/bin/virtwork-chaos-migration.sh',
      permissions: '0755',
      owner: 'root:root',
      content: readFileSync(assetsDir + 'virtwork-chaos-migration.sh', 'utf8'),
    });
    expect(byPath['/usr/local/bin/virtwork-chaos-migration-kubeconfig.sh']!.content).toBe(kubeconfigScript());
    expect(byPath['/usr/local/bin/virtwork-chaos-migration-fetch.sh']!.content).toBe(fetchScript());
    expect(byPath['/etc/systemd/system/virtwork-chaos-migration.service']).toEqual({
      path: '/etc/systemd/system/virtwork-chaos-migration.service',
      permissions: '0644',
      owner: 'root:root',
      content: renderUnit(settings()),
    });
    expect(isControllerScript(byPath['/usr/local/bin/virtwork-chaos-migration.sh']!.content)).toBe(true);
    expect(isControllerScript(controllerScript() + '\n')).toBe(false);
  });

  it('fetches pinned kubectl and virtctl for the VM architecture, then enables the service', () => {
    expect(cloudConfig({ virtctlVersion: 'v1.6.2', kubectlVersion: 'v1.32.1' }).runcmd).toEqual([
      ['/usr/local/bin/virtwork-chaos-migration-fetch.sh', 'kubectl', 'https://dl.k8s.io/release/v1.32.1/bin/linux/{arch}/kubectl'],
      [
        '/usr/local/bin/virtwork-chaos-migration-fetch.sh',
        'virtctl',
        'https://github.com/kubevirt/kubevirt/releases/download/v1.6.2/virtctl-v1.6.2-linux-{arch}',
      ],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'virtwork-chaos-migration.service'],
    ]);
  });

  it('uses the URL overrides and fetches no virtctl for the vmim trigger', () => {
    const cc = cloudConfig({ trigger: 'vmim', kubectlUrl: 'https://mirror.test/{arch}/kubectl', virtctlUrl: 'https://x.test/v' });
    expect(cc.runcmd[0]).toEqual(['/usr/local/bin/virtwork-chaos-migration-fetch.sh', 'kubectl', 'https://mirror.test/{arch}/kubectl']);
    expect(cc.runcmd.some((c) => c.includes('virtctl'))).toBe(false);
    const withVirtctl = cloudConfig({ virtctlUrl: 'https://console.test/{arch}/linux/virtctl.tar.gz' });
    expect(withVirtctl.runcmd[1]).toEqual(['/usr/local/bin/virtwork-chaos-migration-fetch.sh', 'virtctl', 'https://console.test/{arch}/linux/virtctl.tar.gz']);
  });
});

describe('systemd unit', () => {
  it('restarts like virtwork units and writes the kubeconfig before each start', () => {
    const unit = renderUnit(settings());
    expect(unit).toContain('\nRestart=always\n');
    expect(unit).toContain('\nRestartSec=10\n');
    expect(unit).toContain('\nExecStartPre=/usr/local/bin/virtwork-chaos-migration-kubeconfig.sh\n');
    expect(unit).toContain('\nExecStart=/usr/local/bin/virtwork-chaos-migration.sh\n');
    expect(unit).toContain('\nWantedBy=multi-user.target\n');
  });

  it('passes every setting as Environment=KEY=value', () => {
    const unit = renderUnit(
      settings({ namespace: 'ns1', migrationIntervalMin: 30, migrationTargetLabels: 'tier in (a, b)', migrationExcludeComponents: 'cpu,disk', trigger: 'vmim' }),
    );
    const env = unit.split('\n').filter((l) => l.startsWith('Environment'));
    expect(env).toEqual([
      'Environment=MIGRATION_NAMESPACE=ns1',
      'Environment=MIGRATION_INTERVAL_MIN=30',
      'Environment=MIGRATION_INTERVAL_MAX=600',
      'Environment=MIGRATION_TIMEOUT=300',
      'Environment="MIGRATION_TARGET_LABELS=tier in (a, b)"',
      'Environment=MIGRATION_EXCLUDE_COMPONENTS=cpu,disk',
      'Environment=MIGRATION_DRY_RUN=false',
      'Environment=MIGRATION_EXCLUDE_SELF=virtwork-chaos-migration-0',
      'Environment=MIGRATION_TRIGGER=vmim',
      'Environment=MIGRATION_RUN_ID=run-42',
      'Environment=MIGRATION_CONFIG_MAP=virtwork-chaos-migration-config',
      'Environment=MIGRATION_STATUS_MAP=virtwork-chaos-migration-status',
      'Environment=KUBECONFIG=/etc/virtwork/kubeconfig',
      'Environment=VIRTWORK_API_SERVER=https://kubernetes.default.svc',
      'Environment=VIRTWORK_TOKEN_DIR=/run/virtwork-chaos-migration/token',
      'Environment=VIRTWORK_TOKEN_LABEL=vwtoken',
    ]);
  });

  it("quotes and escapes values systemd would otherwise split or expand", () => {
    expect(environmentLine('K', '')).toBe('Environment=K=');
    expect(environmentLine('K', 'a b')).toBe('Environment="K=a b"');
    expect(environmentLine('K', 'say "hi" \\ 100%')).toBe('Environment="K=say \\"hi\\" \\\\ 100%%"');
  });
});
