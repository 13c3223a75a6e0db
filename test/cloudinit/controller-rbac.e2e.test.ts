// Acceptance of the controller's RBAC: with exactly the credentials its VM
// gets (the token from the token Secret), the Role of each trigger allows
// what the script does and denies the rest: the other trigger's verb,
// writing its own settings, Secrets, other namespaces, anything cluster-scoped.
import { describe, it } from 'vitest';
import { CONFIG_MAP_NAME, STATUS_MAP_NAME } from '../../src/cloudinit/names.js';
import type { TestCluster } from '../helpers/sim.js';
import { type Any, E2E_TIMEOUT, NS, SA_USER, startController } from './controller-e2e.js';

interface Attrs {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  name?: string;
  namespace?: string | null;
}

/**
 * What `kubectl auth can-i` asks (one SelfSubjectAccessReview each), written
 * out and sent in one `kubectl create` (one process, not one per question).
 * can-i itself cannot name a resource of subresources.kubevirt.io, which has
 * no top-level `virtualmachines` in discovery: it would ask about the wrong group.
 */
async function canI(kubectl: TestCluster['kubectl'], list: Attrs[]): Promise<boolean[]> {
  const reviews = list.map((a) => {
    const resourceAttributes: Any = { verb: a.verb, resource: a.resource, group: a.group ?? '' };
    if (a.subresource) resourceAttributes.subresource = a.subresource;
    if (a.name) resourceAttributes.name = a.name;
    if (a.namespace !== null) resourceAttributes.namespace = a.namespace ?? NS;
    return JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } });
  });
  const r = await kubectl(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}{"\\n"}'], { input: reviews.join('\n---\n') });
  if (r.exitCode !== 0) throw new Error(`SelfSubjectAccessReview failed: ${r.stderr}`);
  const answers = r.stdout.split('\n').filter(Boolean);
  if (answers.length !== list.length) throw new Error(`${list.length} reviews sent, ${answers.length} answered: ${r.stdout}`);
  return answers.map((a) => a === 'true');
}

const KV = 'kubevirt.io';
const label = (a: Attrs) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}${a.name ? ` ${a.name}` : ''}${a.namespace === null ? ' (cluster)' : a.namespace ? ` -n ${a.namespace}` : ''}`;

/** What both Roles grant: the script's reads, its status writes, Events. */
const COMMON_ALLOWED: Attrs[] = [
  { verb: 'list', resource: 'virtualmachineinstances', group: KV },
  { verb: 'get', resource: 'virtualmachineinstances', group: KV },
  { verb: 'list', resource: 'virtualmachineinstancemigrations', group: KV },
  { verb: 'get', resource: 'virtualmachineinstancemigrations', group: KV },
  { verb: 'delete', resource: 'virtualmachineinstancemigrations', group: KV },
  { verb: 'get', resource: 'configmaps', name: CONFIG_MAP_NAME },
  { verb: 'get', resource: 'configmaps', name: STATUS_MAP_NAME },
  { verb: 'patch', resource: 'configmaps', name: STATUS_MAP_NAME },
  { verb: 'create', resource: 'events' },
];

/** What neither Role grants. */
const COMMON_DENIED: Attrs[] = [
  { verb: 'patch', resource: 'configmaps', name: CONFIG_MAP_NAME },
  { verb: 'update', resource: 'configmaps', name: CONFIG_MAP_NAME },
  { verb: 'get', resource: 'configmaps', name: 'kube-root-ca.crt' },
  { verb: 'list', resource: 'configmaps' },
  { verb: 'create', resource: 'configmaps' },
  { verb: 'delete', resource: 'configmaps', name: STATUS_MAP_NAME },
  { verb: 'get', resource: 'secrets', name: 'virtwork-chaos-migration-token' },
  { verb: 'list', resource: 'secrets' },
  { verb: 'get', resource: 'virtualmachines', group: KV },
  { verb: 'delete', resource: 'virtualmachines', group: KV },
  { verb: 'update', resource: 'virtualmachines', group: KV },
  { verb: 'delete', resource: 'virtualmachineinstances', group: KV },
  { verb: 'patch', resource: 'virtualmachineinstances', group: KV },
  { verb: 'update', resource: 'virtualmachineinstancemigrations', group: KV },
  { verb: 'deletecollection', resource: 'virtualmachineinstancemigrations', group: KV },
  { verb: 'watch', resource: 'virtualmachineinstances', group: KV },
  { verb: 'update', resource: 'virtualmachines', group: 'subresources.kubevirt.io', subresource: 'stop' },
  { verb: 'update', resource: 'virtualmachines', group: 'subresources.kubevirt.io', subresource: 'restart' },
  { verb: 'create', resource: 'pods' },
  { verb: 'list', resource: 'events' },
  { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io' },
  { verb: 'list', resource: 'virtualmachineinstances', group: KV, namespace: 'default' },
  { verb: 'create', resource: 'events', namespace: 'default' },
  { verb: 'list', resource: 'nodes', namespace: null },
  { verb: 'list', resource: 'virtualmachineinstances', group: KV, namespace: null },
];

const MIGRATE: Attrs = { verb: 'update', resource: 'virtualmachines', group: 'subresources.kubevirt.io', subresource: 'migrate' };
const CREATE_VMIM: Attrs = { verb: 'create', resource: 'virtualmachineinstancemigrations', group: KV };
const PATCH_VMIM: Attrs = { verb: 'patch', resource: 'virtualmachineinstancemigrations', group: KV };

const TABLE = {
  virtctl: { allowed: [...COMMON_ALLOWED, MIGRATE, PATCH_VMIM], denied: [...COMMON_DENIED, CREATE_VMIM] },
  vmim: { allowed: [...COMMON_ALLOWED, CREATE_VMIM], denied: [...COMMON_DENIED, MIGRATE, PATCH_VMIM] },
};

describe.concurrent('chaos-migration controller: RBAC', { timeout: E2E_TIMEOUT }, () => {
  for (const trigger of ['virtctl', 'vmim'] as const) {
    it(`the ${trigger} Role, used with the token Secret's token, allows exactly what the script does`, async ({ expect }) => {
      const run = await startController({ vms: 2, runControllerVms: false, render: ['--trigger', trigger] });
      try {
        const sa = await run.asController();
        const answers = async (list: Attrs[]) => {
          const allowed = await canI(sa, list);
          return Object.fromEntries(list.map((a, i) => [label(a), allowed[i]]));
        };
        const { allowed, denied } = TABLE[trigger];
        expect(await answers(allowed)).toEqual(Object.fromEntries(allowed.map((a) => [label(a), true])));
        expect(await answers(denied)).toEqual(Object.fromEntries(denied.map((a) => [label(a), false])));

        // And real requests are refused, not only reviews.
        const migrate = await sa(['replace', '--raw', `/apis/subresources.kubevirt.io/v1/namespaces/${NS}/virtualmachines/virtwork-cpu-0/migrate`, '-f', '-'], {
          input: '{"kind":"MigrateOptions","apiVersion":"subresources.kubevirt.io/v1"}',
        });
        const vmim = await sa(['create', '--validate=false', '-f', '-', '-o', 'name'], {
          input: JSON.stringify({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { generateName: 'rbac-test-' }, spec: { vmiName: 'virtwork-memory-0' } }),
        });
        if (trigger === 'virtctl') {
          expect(migrate.exitCode, migrate.stderr).toBe(0);
          expect(vmim.stderr).toMatch(/forbidden.*cannot create resource "virtualmachineinstancemigrations" in API group "kubevirt.io"/);
        } else {
          expect(migrate.stderr).toMatch(/forbidden/i);
          expect(vmim.exitCode, vmim.stderr).toBe(0);
        }
        const setPaused = await sa(['patch', 'configmap', CONFIG_MAP_NAME, '--type', 'merge', '-p', '{"data":{"paused":"false"}}']);
        expect(setPaused.stderr).toMatch(/forbidden/i);
        // Refused as the ServiceAccount, so these really are the VM's credentials.
        const secrets = await sa(['get', 'secrets']);
        expect(secrets.stderr).toContain(`secrets is forbidden: User "${SA_USER}" cannot list resource "secrets" in API group "" in the namespace "${NS}"`);
      } finally {
        await run.stop();
      }
    });
  }

  // `kubectl --as` sends Impersonate-User; the cluster admin may impersonate,
  // so the answer is the ServiceAccount's, not the admin's.
  it('answers `kubectl auth can-i --as=<the ServiceAccount>` for the ServiceAccount', async ({ expect }) => {
    const run = await startController({ vms: 0, runControllerVms: false });
    try {
      const r = await run.t.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', NS, `--as=${SA_USER}`]);
      expect(r.stdout.trim()).toBe('no');
    } finally {
      await run.stop();
    }
  });

  // authentication.k8s.io/v1 SelfSubjectReview (GA since Kubernetes 1.28).
  it('answers `kubectl auth whoami` with the token\'s ServiceAccount', async ({ expect }) => {
    const run = await startController({ vms: 0, runControllerVms: false });
    try {
      const r = await (await run.asController())(['auth', 'whoami', '-o', 'json']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as Any).status.userInfo.username).toBe(SA_USER);
    } finally {
      await run.stop();
    }
  });
});
