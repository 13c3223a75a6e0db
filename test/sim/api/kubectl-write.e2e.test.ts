// kubectl writes against the simulated server with the real binaries, without
// --validate=false: create -f, apply -f (client- and server-side), replace,
// delete; 1.29 and 1.33 besides the default 1.32 (1.27 and 1.28 would need
// protobuf /openapi/v2, which this server does not serve).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
const dir = mkdtempSync(join(tmpdir(), 'kubectl-write-'));
let files = 0;
function manifest(yaml: string): string {
  const p = join(dir, `m${files++}.yaml`);
  writeFileSync(p, yaml);
  return p;
}

const get = (resource: string, name: string, ns = 'virtwork') => t.cluster.api.client.get(resource, ns, name);

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
});
afterAll(() => t.stop());

describe.each([{ minor: undefined }, { minor: 29 }, { minor: 33 }])('kubectl 1.$minor', ({ minor }) => {
  const tag = String(minor ?? 32);
  const k = (args: string[], input?: string) => t.kubectl(args, { minor, input });

  it('create -f creates every document with server-set metadata, and a second create is AlreadyExists', async () => {
    const file = manifest(`apiVersion: v1
kind: ConfigMap
metadata:
  name: created-${tag}
  namespace: virtwork
  labels: {from: file}
data:
  key: value
---
apiVersion: v1
kind: Secret
metadata:
  name: created-${tag}
  namespace: virtwork
stringData:
  password: hunter2
`);
    const r = await k(['create', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`configmap/created-${tag} created\nsecret/created-${tag} created`);
    const o = get('configmaps', `created-${tag}`)!;
    expect(o.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(o.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(o.data).toEqual({ key: 'value' });
    const s = get('secrets', `created-${tag}`)!;
    expect(s.type).toBe('Opaque');
    expect(s.stringData).toBeUndefined();
    expect(s.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });

    const again = await k(['create', '-f', file]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`Error from server (AlreadyExists): error when creating "${file}": configmaps "created-${tag}" already exists`);
  });

  it('apply -f (client-side) creates with last-applied-configuration, then three-way merges', async () => {
    const v1 = manifest(`apiVersion: v1
kind: ConfigMap
metadata:
  name: csa-${tag}
  namespace: virtwork
data:
  keep: "1"
  drop: "2"
`);
    const r = await k(['apply', '-f', v1]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`configmap/csa-${tag} created`);
    const created = get('configmaps', `csa-${tag}`)!;
    const last = JSON.parse(created.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!);
    expect(last.data).toEqual({ keep: '1', drop: '2' });
    expect(created.metadata.managedFields?.map((m) => m.manager)).toEqual(['kubectl-client-side-apply']);

    // A change made by someone else survives; a key removed from the file goes.
    t.cluster.api.client.modify('configmaps', 'virtwork', `csa-${tag}`, (o) => ({ ...o, data: { ...(o.data as object), other: 'x' } }));
    const v2 = manifest(`apiVersion: v1
kind: ConfigMap
metadata:
  name: csa-${tag}
  namespace: virtwork
data:
  keep: "10"
`);
    const r2 = await k(['apply', '-f', v2]);
    expect(r2.stderr).toBe('');
    expect(r2.stdout).toBe(`configmap/csa-${tag} configured`);
    expect(get('configmaps', `csa-${tag}`)!.data).toEqual({ keep: '10', other: 'x' });
    const r3 = await k(['apply', '-f', v2]);
    expect(r3.stdout).toBe(`configmap/csa-${tag} unchanged`);
  });

  it('apply --server-side creates, records the manager, removes what it stops applying, and reports conflicts', async () => {
    const name = `ssa-${tag}`;
    const v1 = manifest(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: virtwork
data:
  mine: "1"
  later: "2"
`);
    const r = await k(['apply', '--server-side', '-f', v1]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`configmap/${name} serverside-applied`);
    const o = get('configmaps', name)!;
    expect(o.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' })]);
    expect(o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();

    // Another manager takes `mine`: applying a different value conflicts until forced.
    const p = await k(['patch', 'cm', name, '-n', 'virtwork', '-p', '{"data":{"mine":"theirs"}}']);
    expect(p.exitCode).toBe(0);
    const conflicting = manifest(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: virtwork
data:
  mine: "3"
`);
    const c = await k(['apply', '--server-side', '-f', conflicting]);
    expect(c.exitCode).toBe(1);
    expect(c.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch"');
    expect(c.stderr).toContain('.data.mine');
    expect(get('configmaps', name)!.data).toEqual({ mine: 'theirs', later: '2' });

    const f = await k(['apply', '--server-side', '--force-conflicts', '-f', conflicting]);
    expect(f.exitCode).toBe(0);
    // `later` was only ours and we stopped applying it: gone.
    expect(get('configmaps', name)!.data).toEqual({ mine: '3' });
  });

  it('replace -f replaces the object and refuses a stale resourceVersion with Conflict', async () => {
    const name = `rep-${tag}`;
    t.cluster.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'virtwork' }, data: { a: '1' } });
    const current = await k(['get', 'cm', name, '-n', 'virtwork', '-o', 'json']);
    const obj = JSON.parse(current.stdout) as KubeObject;
    obj.data = { a: '2' };
    const file = manifest(JSON.stringify(obj));
    const r = await k(['replace', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`configmap/${name} replaced`);
    expect(get('configmaps', name)!.data).toEqual({ a: '2' });
    // The file still carries the old resourceVersion.
    const stale = await k(['replace', '-f', file]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(
      `Error from server (Conflict): error when replacing "${file}": Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  });

  it('delete removes the object; deleting it again is NotFound', async () => {
    const name = `del-${tag}`;
    t.cluster.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'virtwork' } });
    const r = await k(['delete', 'cm', name, '-n', 'virtwork']);
    expect(r.stdout).toBe(`configmap "${name}" deleted`);
    expect(get('configmaps', name)).toBeUndefined();
    const again = await k(['delete', 'cm', name, '-n', 'virtwork']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe(`Error from server (NotFound): configmaps "${name}" not found`);
  });

  it('delete -l deletes the selected objects only', async () => {
    for (const n of ['a', 'b', 'c']) {
      t.cluster.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `sel-${tag}-${n}`, namespace: 'virtwork', labels: { batch: tag, pick: String(n !== 'c') } } });
    }
    const r = await k(['delete', 'cm', '-n', 'virtwork', '-l', `batch=${tag},pick=true`]);
    expect(r.exitCode).toBe(0);
    expect(get('configmaps', `sel-${tag}-a`)).toBeUndefined();
    expect(get('configmaps', `sel-${tag}-b`)).toBeUndefined();
    expect(get('configmaps', `sel-${tag}-c`)).toBeDefined();
  });
});

describe('server-side field validation as kubectl relies on it', () => {
  const bad = (name: string) =>
    manifest(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: virtwork
  bogus: 1
data: {k: v}
spec: {x: 1}
`);

  it.each([undefined, 29, 33])('kubectl 1.%s create -f sends fieldValidation=Strict: unknown fields are a 400', async (minor) => {
    const file = bad(`strict-${minor ?? 32}`);
    const r = await t.kubectl(['create', '-f', file], { minor });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `Error from server (BadRequest): error when creating "${file}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bogus", unknown field "spec"`,
    );
    expect(get('configmaps', `strict-${minor ?? 32}`)).toBeUndefined();
  });

  it('apply -f and apply --server-side are strict too', async () => {
    const file = bad('strict-apply');
    for (const args of [['apply', '-f', file], ['apply', '--server-side', '-f', file]]) {
      const r = await t.kubectl(args);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('strict decoding error: unknown field "metadata.bogus", unknown field "spec"');
    }
  });

  it('--validate=warn creates with warnings and drops the unknown fields, as decoding into the real types does', async () => {
    const file = bad('warned');
    const r = await t.kubectl(['create', '-f', file, '--validate=warn']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('Warning: unknown field "metadata.bogus"');
    expect(r.stderr).toContain('Warning: unknown field "spec"');
    const o = get('configmaps', 'warned')!;
    expect(o.spec).toBeUndefined();
    expect(o.metadata.bogus).toBeUndefined();
    expect(o.data).toEqual({ k: 'v' });
  });

  it('--validate=false sends fieldValidation=Ignore: no warning, unknown fields dropped', async () => {
    const file = bad('ignored');
    const r = await t.kubectl(['create', '-f', file, '--validate=false']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(get('configmaps', 'ignored')!.spec).toBeUndefined();
  });

  it('a wrongly typed field is a decode error whatever the mode', async () => {
    const file = manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typed, namespace: virtwork}\ndata: {k: 1}\n');
    for (const v of ['strict', 'false']) {
      const r = await t.kubectl(['create', '-f', file, `--validate=${v}`]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
    }
  });
});

describe('Services keep what the server defaulted and allocated', () => {
  const v1 = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: virtwork}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: https, port: 443}
`;
  const v2 = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: virtwork}
spec:
  selector: {app: web}
  ports:
  - {name: metrics, port: 9100}
`;

  it('defaults on every write, and keeps the cluster IP through client- and server-side apply', async () => {
    expect((await t.kubectl(['apply', '-f', '-'], { input: v1 })).exitCode).toBe(0);
    const created = get('services', 'web')!.spec as Record<string, unknown>;
    expect(created).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    expect(created.clusterIPs).toEqual([created.clusterIP]);
    expect((await t.kubectl(['apply', '-f', '-'], { input: v2 })).exitCode).toBe(0);
    expect((get('services', 'web')!.spec as { ports: unknown[] }).ports).toEqual([{ name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 }]);
    // kubectl hands the client-side applier's fields to the server-side one, then
    // applies a manifest without type or clusterIP: defaulting and the allocator keep them.
    const ssa = await t.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], { input: v1 });
    expect(ssa.exitCode).toBe(0);
    expect(get('services', 'web')!.spec).toMatchObject({ type: 'ClusterIP', clusterIP: created.clusterIP, clusterIPs: [created.clusterIP] });
  });

  it('refuses to change an allocated cluster IP', async () => {
    const live = get('services', 'web')!;
    const r = await t.kubectl(['replace', '-f', '-'], { input: JSON.stringify({ ...live, spec: { ...(live.spec as object), clusterIP: '10.96.99.99', clusterIPs: ['10.96.99.99'] } }) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.99.99"}: may not change once set');
  });
});

