import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type K8sObject, renderManifests, roleRules } from '../../src/cloudinit/manifests.js';
import { renderFiles, renderJsonList, renderYamlStream } from '../../src/cloudinit/render.js';
import { parseSettings } from '../../src/cloudinit/settings.js';

const settings = (extra: Parameters<typeof parseSettings>[0] = {}) => parseSettings({ runId: 'run-42', namespace: 'chaos', ...extra });
const LABELS = {
  'app.kubernetes.io/name': 'virtwork-chaos-migration',
  'app.kubernetes.io/managed-by': 'virtwork',
  'app.kubernetes.io/component': 'chaos-migration',
  'virtwork/run-id': 'run-42',
};

function docs(yaml: string): K8sObject[] {
  const all = parseAllDocuments(yaml);
  for (const d of all) expect(d.errors).toEqual([]);
  return all.map((d) => d.toJS() as K8sObject);
}

describe('manifests', () => {
  it('renders a YAML stream that parses back to the objects, in apply order', () => {
    const s = settings();
    const objects = docs(renderYamlStream(s));
    expect(objects).toEqual(renderManifests(s));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/virtwork-chaos-migration',
      'Secret/virtwork-chaos-migration-token',
      'Role/virtwork-chaos-migration',
      'RoleBinding/virtwork-chaos-migration',
      'ConfigMap/virtwork-chaos-migration-config',
      'ConfigMap/virtwork-chaos-migration-status',
      'Secret/virtwork-chaos-migration-0-cloudinit',
      'VirtualMachine/virtwork-chaos-migration-0',
    ]);
    const index = (kind: string, name: string) => objects.findIndex((o) => o.kind === kind && o.metadata.name === name);
    expect(index('ServiceAccount', 'virtwork-chaos-migration')).toBeLessThan(index('Secret', 'virtwork-chaos-migration-token'));
    expect(index('Role', 'virtwork-chaos-migration')).toBeLessThan(index('RoleBinding', 'virtwork-chaos-migration'));
    expect(index('Secret', 'virtwork-chaos-migration-0-cloudinit')).toBeLessThan(index('VirtualMachine', 'virtwork-chaos-migration-0'));
  });

  it('renders JSON as one v1 List of the same objects', () => {
    const s = settings();
    const list = JSON.parse(renderJsonList(renderManifests(s))) as { kind: string; items: K8sObject[] };
    expect(list.kind).toBe('List');
    expect(list.items).toEqual(renderManifests(s));
  });

  it("labels every object, and the VM's VMI template, as virtwork does", () => {
    for (const o of renderManifests(settings())) {
      expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toEqual(LABELS);
      expect(o.metadata.namespace).toBe('chaos');
    }
    const vm = renderManifests(settings()).find((o) => o.kind === 'VirtualMachine')!;
    expect((vm.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels).toEqual(LABELS);
  });

  it('grants exactly what the virtctl trigger uses', () => {
    expect(roleRules('virtctl').map((r) => r.rule)).toEqual([
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstances'], verbs: ['get', 'list'] },
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: ['get', 'list', 'patch', 'delete'] },
      { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/migrate'], verbs: ['update'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['virtwork-chaos-migration-config', 'virtwork-chaos-migration-status'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['virtwork-chaos-migration-status'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
  });

  it('grants exactly what the vmim trigger uses', () => {
    expect(roleRules('vmim').map((r) => r.rule)).toEqual([
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstances'], verbs: ['get', 'list'] },
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: ['get', 'list', 'create', 'delete'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['virtwork-chaos-migration-config', 'virtwork-chaos-migration-status'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['virtwork-chaos-migration-status'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
  });

  it('has a reason for every rule, shown as a comment in the YAML, and nothing cluster-scoped', () => {
    for (const trigger of ['virtctl', 'vmim'] as const) {
      const s = settings({ trigger });
      const role = renderManifests(s).find((o) => o.kind === 'Role')!;
      expect(role.rules).toEqual(roleRules(trigger).map((r) => r.rule));
      const yaml = renderYamlStream(s);
      for (const r of roleRules(trigger)) {
        expect(r.reason.length).toBeGreaterThan(10);
        expect(yaml).toContain(`# ${r.reason}`);
      }
      expect(renderManifests(s).map((o) => o.kind)).not.toContain('ClusterRole');
      expect(renderManifests(s).map((o) => o.kind)).not.toContain('ClusterRoleBinding');
    }
  });

  it('binds the Role to the ServiceAccount in the namespace', () => {
    const rb = renderManifests(settings()).find((o) => o.kind === 'RoleBinding')!;
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'virtwork-chaos-migration', namespace: 'chaos' }]);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'virtwork-chaos-migration' });
  });

  it('never renders a secret value: the token Secret has no data', () => {
    const objects = renderManifests(settings());
    const token = objects.find((o) => o.metadata.name === 'virtwork-chaos-migration-token')!;
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations).toEqual({ 'kubernetes.io/service-account.name': 'virtwork-chaos-migration' });
    expect(token.data).toBeUndefined();
    expect(token.stringData).toBeUndefined();
    // Nothing that looks like a token or a certificate anywhere in the output.
    const all = renderYamlStream(settings()) + renderJsonList(objects);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toContain('BEGIN CERTIFICATE');
    expect(all).not.toMatch(/^\s*token:/m);
  });

  it('leaves `paused` and the status data out so that re-applying changes neither', () => {
    const objects = renderManifests(settings({ migrationDryRun: 'true' }));
    const config = objects.find((o) => o.metadata.name === 'virtwork-chaos-migration-config')!;
    expect(config.data).toEqual({
      'migration-interval-min': '120',
      'migration-interval-max': '600',
      'migration-timeout': '300',
      'migration-target-labels': '',
      'migration-exclude-components': '',
      'migration-dry-run': 'true',
    });
    const status = objects.find((o) => o.metadata.name === 'virtwork-chaos-migration-status')!;
    expect(Object.keys(status)).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it("builds virtwork's VM shape with the token disk", () => {
    const vm = renderManifests(settings({ containerDiskImage: 'quay.io/containerdisks/fedora:41' })).find((o) => o.kind === 'VirtualMachine')!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a VM spec walked field by field
    const spec = (vm.spec as { runStrategy: string; template: { spec: Record<string, any> } });
    expect(spec.runStrategy).toBe('Always');
    const t = spec.template.spec;
    expect(t.domain.cpu).toEqual({ cores: 1 });
    expect(t.domain.resources).toEqual({ requests: { memory: '512Mi' } });
    expect(t.domain.devices.interfaces).toEqual([{ name: 'default', masquerade: {} }]);
    expect(t.networks).toEqual([{ name: 'default', pod: {} }]);
    expect(t.volumes).toEqual([
      { name: 'containerdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:41' } },
      { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: 'virtwork-chaos-migration-0-cloudinit' } } },
      { name: 'tokendisk', secret: { secretName: 'virtwork-chaos-migration-token', volumeLabel: 'vwtoken' } },
    ]);
    const diskNames = (t.domain.devices.disks as { name: string }[]).map((d) => d.name);
    expect(diskNames).toEqual(['containerdisk', 'cloudinitdisk', 'tokendisk']);
  });

  it('puts the cloud-config into the cloud-init Secret under `userdata`', () => {
    const secret = renderManifests(settings()).find((o) => o.metadata.name === 'virtwork-chaos-migration-0-cloudinit')!;
    const userdata = (secret.stringData as Record<string, string>).userdata!;
    expect(userdata.startsWith('#cloud-config\n')).toBe(true);
    expect(parseYaml(userdata)).toHaveProperty('write_files');
    expect(Buffer.byteLength(userdata)).toBeLessThan(1024 * 1024);
  });
});

describe('--output-dir layout', () => {
  it('names manifests NN-<kind>-<name>.yaml so that they sort in apply order', () => {
    const s = settings();
    const files = renderFiles(s);
    const manifests = files.filter((f) => f.path.startsWith('manifests/'));
    expect(manifests.map((f) => f.path)).toEqual([
      'manifests/01-serviceaccount-virtwork-chaos-migration.yaml',
      'manifests/02-secret-virtwork-chaos-migration-token.yaml',
      'manifests/03-role-virtwork-chaos-migration.yaml',
      'manifests/04-rolebinding-virtwork-chaos-migration.yaml',
      'manifests/05-configmap-virtwork-chaos-migration-config.yaml',
      'manifests/06-configmap-virtwork-chaos-migration-status.yaml',
      'manifests/07-secret-virtwork-chaos-migration-0-cloudinit.yaml',
      'manifests/08-virtualmachine-virtwork-chaos-migration-0.yaml',
    ]);
    const sorted = [...manifests].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(sorted.map((f) => parseYaml(f.content))).toEqual(renderManifests(s));
  });

  it('adds the scripts (executable), the unit and cloud-init.yaml', () => {
    const files = renderFiles(settings()).filter((f) => !f.path.startsWith('manifests/'));
    expect(files.map((f) => [f.path, f.executable])).toEqual([
      ['virtwork-chaos-migration.sh', true],
      ['virtwork-chaos-migration-kubeconfig.sh', true],
      ['virtwork-chaos-migration-fetch.sh', true],
      ['virtwork-chaos-migration.service', false],
      ['cloud-init.yaml', false],
    ]);
  });

  it('writes JSON manifests for -o json', () => {
    const files = renderFiles(settings(), 'json').filter((f) => f.path.startsWith('manifests/'));
    expect(files[0]!.path).toBe('manifests/01-serviceaccount-virtwork-chaos-migration.json');
    expect(files.map((f) => JSON.parse(f.content))).toEqual(renderManifests(settings()));
  });
});
