import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Runs `virtwork-chaos-tui render ...args` as a process. */
async function render(args: string[], env: Record<string, string> = {}) {
  const r = await runCli(['render', ...args], { env });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

describe('render command', () => {
  it('prints one multi-document YAML stream in apply order', async () => {
    const r = await render(['--run-id', 'r1', '-n', 'chaos']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { namespace: string } });
    expect(docs.map((d) => d.kind)).toEqual(['ServiceAccount', 'Secret', 'Role', 'RoleBinding', 'ConfigMap', 'ConfigMap', 'Secret', 'VirtualMachine']);
    expect(new Set(docs.map((d) => d.metadata.namespace))).toEqual(new Set(['chaos']));
  });

  it('prints a JSON List with -o json', async () => {
    const r = await render(['-o', 'json', '--trigger', 'vmim']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; items: { kind: string; rules?: { resources: string[] }[] }[] };
    expect(list.kind).toBe('List');
    const role = list.items.find((i) => i.kind === 'Role')!;
    expect(role.rules!.flatMap((x) => x.resources)).not.toContain('virtualmachines/migrate');
  });

  it('writes DIR/manifests whose file names sort in apply order, plus the scripts, unit and cloud-init', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-render-'));
    const r = await render(['--output-dir', dir, '--run-id', 'r1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`kubectl apply -f ${join(dir, 'manifests')}`);
    const names = readdirSync(join(dir, 'manifests'));
    expect([...names].sort()).toEqual(names);
    expect(names.map((n) => n.replace(/^\d\d-/, '').replace(/\.yaml$/, ''))).toEqual([
      'serviceaccount-virtwork-chaos-migration',
      'secret-virtwork-chaos-migration-token',
      'role-virtwork-chaos-migration',
      'rolebinding-virtwork-chaos-migration',
      'configmap-virtwork-chaos-migration-config',
      'configmap-virtwork-chaos-migration-status',
      'secret-virtwork-chaos-migration-0-cloudinit',
      'virtualmachine-virtwork-chaos-migration-0',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'cloud-init.yaml',
      'manifests',
      'virtwork-chaos-migration-fetch.sh',
      'virtwork-chaos-migration-kubeconfig.sh',
      'virtwork-chaos-migration.service',
      'virtwork-chaos-migration.sh',
    ]);
    expect(statSync(join(dir, 'virtwork-chaos-migration.sh')).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(dir, 'cloud-init.yaml'), 'utf8').startsWith('#cloud-config\n')).toBe(true);
  });

  it('never prints a secret value', async () => {
    const r = await render(['--run-id', 'r1']);
    const token = parseAllDocuments(r.stdout).map((d) => d.toJS()).find((o) => o.metadata.name === 'virtwork-chaos-migration-token');
    expect(token).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: expect.objectContaining({ name: 'virtwork-chaos-migration-token' }),
      type: 'kubernetes.io/service-account-token',
    });
  });

  it("takes virtwork's --params and VIRTWORK_PARAMS, flags winning", async () => {
    const r = await render(['-o', 'json', '--params', 'chaos-migration.migration-interval-min=30,chaos-migration.migration-dry-run=true', '--migration-interval-max', '90'], {
      VIRTWORK_PARAMS: 'chaos-migration.migration-interval-max=45,chaos-migration.migration-timeout=77',
    });
    expect(r.code).toBe(0);
    const cm = (JSON.parse(r.stdout) as { items: { metadata: { name: string }; data?: Record<string, string> }[] }).items.find(
      (i) => i.metadata.name === 'virtwork-chaos-migration-config',
    )!;
    expect(cm.data).toMatchObject({ 'migration-interval-min': '30', 'migration-interval-max': '90', 'migration-timeout': '77', 'migration-dry-run': 'true' });
  });

  it.each([
    [['--migration-interval-min', '300', '--migration-interval-max', '120'], 'error: migration-interval-min (300) must not be greater than migration-interval-max (120)'],
    [['--migration-timeout', 'ten'], 'error: migration-timeout ("ten") must be a whole number of seconds'],
    [['--migration-interval-min', '0'], 'error: migration-interval-min (0) must be at least 1 second'],
    [['--migration-interval-max', '-3'], 'error: migration-interval-max (-3) must be at least 1 second'],
    [['-l', 'tier in ('], `error: migration-target-labels ("tier in (") is not a valid label selector: unable to parse requirement: found '', expected: ')'`],
    [['--migration-exclude-components', 'gpu'], 'error: migration-exclude-components: unknown component "gpu" (known: cpu, memory, disk, database, network, chaos-migration)'],
    [['-o', 'xml'], 'error: -o/--output ("xml") must be yaml or json'],
  ])('exits 2 with one clear message for %j', async (args, message) => {
    const r = await render(args);
    expect(r).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it("exits 2 on commander's own errors, with its message", async () => {
    const unknown = await render(['--migration-interval']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown option '--migration-interval'");
    expect(unknown.stderr).toContain('render --help');
    const missing = await render(['--migration-timeout']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: option '--migration-timeout <seconds>' argument missing");
  });

  it('exits 0 on --help', async () => {
    const r = await render(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--migration-interval-min <seconds>');
    expect(r.stdout).toContain('--params <list>');
  });
});
