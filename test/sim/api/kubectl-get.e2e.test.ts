// `kubectl get` against the simulated server over HTTPS, with the real kubectl
// binaries (1.27, the default 1.32, and 1.33): label and field selectors,
// -o jsonpath, --sort-by (Table rows carrying the object), Table output, and
// limit/continue pagination past kubectl's 500-object chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { raw } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
const cm = (name: string, labels: Record<string, string>, order: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'virtwork', labels, annotations: { order } },
  data: { n: order },
});

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
  const c = t.cluster.api.client;
  // Name order a,b,c,d; annotation order c,a,d,b: --sort-by must reorder.
  c.create('configmaps', cm('cm-a', { app: 'web', tier: 'front' }, '2'));
  c.create('configmaps', cm('cm-b', { app: 'web', tier: 'back' }, '4'));
  c.create('configmaps', cm('cm-c', { app: 'db' }, '1'));
  c.create('configmaps', cm('cm-d', {}, '3'));
  c.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls-1', namespace: 'virtwork' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
  c.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain-1', namespace: 'virtwork' }, stringData: { a: 'b' } });
  c.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { suite: 'get' } } });
  c.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2', labels: { suite: 'get' } }, spec: { unschedulable: true } });
  c.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'ev-1', namespace: 'virtwork' },
    involvedObject: { kind: 'ConfigMap', name: 'cm-a', namespace: 'virtwork' },
    reason: 'Tested',
    type: 'Warning',
    message: 'hello',
  });
  c.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'ev-2', namespace: 'virtwork' },
    involvedObject: { kind: 'ConfigMap', name: 'cm-b', namespace: 'virtwork' },
    reason: 'Other',
    type: 'Normal',
    message: 'hello',
  });
});
afterAll(() => t.stop());

const names = (out: string) => out.split(/\s+/).filter(Boolean).map((n) => n.replace(/^[a-z.]+\//, ''));

describe.each([{ minor: undefined }, { minor: 27 }, { minor: 33 }])('kubectl get (1.$minor)', ({ minor }) => {
  const get = async (args: string[]) => {
    const r = await t.kubectl(['get', ...args], { minor });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    return r.stdout;
  };

  it('prints the Table the server computes', async () => {
    const out = await get(['configmaps', '-n', 'virtwork']);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['cm-a', 'cm-b', 'cm-c', 'cm-d']);
    expect(lines[1]).toMatch(/^cm-a\s+1\s+\d+s$/);
  });

  it.each([
    ['app=web', ['cm-a', 'cm-b']],
    ['app==web,tier=back', ['cm-b']],
    ['app!=web', ['cm-c', 'cm-d']],
    ['app in (web,db)', ['cm-a', 'cm-b', 'cm-c']],
    ['app notin (web)', ['cm-c', 'cm-d']],
    ['app', ['cm-a', 'cm-b', 'cm-c']],
    ['!app', ['cm-d']],
    ['tier,app notin (db)', ['cm-a', 'cm-b']],
  ])('-l %s', async (selector, want) => {
    expect(names(await get(['cm', '-n', 'virtwork', '-l', selector, '-o', 'name']))).toEqual(want);
  });

  it('--field-selector metadata.name and metadata.namespace, with = == != and a label selector', async () => {
    expect(names(await get(['cm', '-n', 'virtwork', '--field-selector', 'metadata.name=cm-b', '-o', 'name']))).toEqual(['cm-b']);
    expect(names(await get(['cm', '-n', 'virtwork', '--field-selector', 'metadata.name!=cm-b', '-o', 'name']))).toEqual(['cm-a', 'cm-c', 'cm-d']);
    expect(names(await get(['cm', '-A', '--field-selector', 'metadata.namespace==virtwork,metadata.name!=cm-a', '-l', 'app=web', '-o', 'name']))).toEqual(['cm-b']);
  });

  it('--field-selector on the per-kind fields a real server supports', async () => {
    expect(names(await get(['ns', '--field-selector', 'status.phase=Active', '-o', 'name']))).toContain('virtwork');
    expect(names(await get(['ns', '--field-selector', 'status.phase=Terminating', '-o', 'name']))).toEqual([]);
    expect(names(await get(['secrets', '-n', 'virtwork', '--field-selector', 'type=kubernetes.io/tls', '-o', 'name']))).toEqual(['tls-1']);
    expect(names(await get(['nodes', '-l', 'suite=get', '--field-selector', 'spec.unschedulable=true', '-o', 'name']))).toEqual(['node-2']);
    expect(names(await get(['nodes', '-l', 'suite=get', '--field-selector', 'spec.unschedulable!=true', '-o', 'name']))).toEqual(['node-1']);
    expect(names(await get(['events', '-n', 'virtwork', '--field-selector', 'involvedObject.name=cm-a', '-o', 'name']))).toEqual(['ev-1']);
    expect(names(await get(['events', '-n', 'virtwork', '--field-selector', 'reason=Other,type=Normal', '-o', 'name']))).toEqual(['ev-2']);
  });

  it('--field-selector on a field the kind does not support is a 400 "field label not supported"', async () => {
    const r = await t.kubectl(['get', 'cm', '-n', 'virtwork', '--field-selector', 'status.phase=Running'], { minor });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error from server (BadRequest)');
    expect(r.stderr).toContain('field label not supported: status.phase');
    // spec.unschedulable belongs to nodes only; type to secrets only.
    const r2 = await t.kubectl(['get', 'cm', '-n', 'virtwork', '--field-selector', 'type=Opaque'], { minor });
    expect(r2.stderr).toContain('field label not supported: type');
  });

  it('-o jsonpath asks for plain JSON and prints the fields', async () => {
    const out = await get(['cm', '-n', 'virtwork', '-l', 'app', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.data.n}{" "}{end}']);
    expect(out.trim()).toBe('cm-a=2 cm-b=4 cm-c=1');
    const one = await get(['cm', 'cm-b', '-n', 'virtwork', '-o', 'jsonpath={.metadata.labels.tier}']);
    expect(one).toBe('back');
  });

  it('--sort-by reorders by a field only the embedded objects carry', async () => {
    const out = await get(['cm', '-n', 'virtwork', '--sort-by', '.metadata.annotations.order', '--no-headers']);
    expect(out.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['cm-c', 'cm-a', 'cm-d', 'cm-b']);
  });
});

describe('Table output on the wire', () => {
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

  it('embeds the whole object in every row with includeObject=Object, only metadata by default', async () => {
    const full = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/virtwork/configmaps?limit=500&includeObject=Object', { accept: TABLE });
    expect(full.status).toBe(200);
    expect(full.json.kind).toBe('Table');
    expect(full.json.apiVersion).toBe('meta.k8s.io/v1');
    expect(full.json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(full.json.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(full.json.rows).toHaveLength(4);
    for (const row of full.json.rows) {
      expect(row.object.kind).toBe('ConfigMap');
      expect(row.object.data.n).toMatch(/^\d$/);
    }
    const meta = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/virtwork/configmaps?limit=500', { accept: TABLE });
    for (const row of meta.json.rows) {
      expect(row.object.kind).toBe('PartialObjectMetadata');
      expect(row.object.data).toBeUndefined();
    }
  });

  it('answers plain JSON to a plain Accept', async () => {
    const r = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/virtwork/configmaps', { accept: 'application/json' });
    expect(r.json.kind).toBe('ConfigMapList');
    expect(r.json.apiVersion).toBe('v1');
    expect(r.json.items.map((o: KubeObject) => o.metadata.name)).toEqual(['cm-a', 'cm-b', 'cm-c', 'cm-d']);
  });
});

describe('pagination past 500 objects', () => {
  const TOTAL = 1203;
  beforeAll(() => {
    const c = t.cluster.api.client;
    c.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } });
    for (let i = 0; i < TOTAL; i++) {
      c.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bulk-${String(i).padStart(5, '0')}`, namespace: 'bulk', labels: { even: String(i % 2 === 0) } } });
    }
  });

  it('limit/continue returns every object exactly once with remainingItemCount', async () => {
    const seen: string[] = [];
    let next = '';
    let pages = 0;
    let firstRv = '';
    do {
      const r = await raw(t.cluster.api, 'GET', `/api/v1/namespaces/bulk/configmaps?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
      expect(r.status).toBe(200);
      if (pages === 0) {
        firstRv = r.json.metadata.resourceVersion;
        expect(r.json.items).toHaveLength(500);
        expect(r.json.metadata.remainingItemCount).toBe(TOTAL - 500);
      } else {
        // Every page of one list is served at the first page's resourceVersion.
        expect(r.json.metadata.resourceVersion).toBe(firstRv);
      }
      seen.push(...r.json.items.map((o: KubeObject) => o.metadata.name));
      next = r.json.metadata.continue ?? '';
      pages++;
    } while (next);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(TOTAL);
    expect(new Set(seen).size).toBe(TOTAL);
    expect(seen).toEqual([...seen].sort());
  });

  it('the last page has no continue token and no remainingItemCount', async () => {
    const r = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/bulk/configmaps?limit=2000');
    expect(r.json.items).toHaveLength(TOTAL);
    expect(r.json.metadata.continue).toBeUndefined();
    expect(r.json.metadata.remainingItemCount).toBeUndefined();
  });

  it('pages a label-selected list without remainingItemCount', async () => {
    const r = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/bulk/configmaps?limit=100&labelSelector=even%3Dtrue');
    expect(r.json.items).toHaveLength(100);
    expect(r.json.metadata.continue).toBeTruthy();
    expect(r.json.metadata.remainingItemCount).toBeUndefined();
  });

  it('serves every page from the first page’s snapshot: later creates, changes and deletes do not show', async () => {
    const c = t.cluster.api.client;
    c.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'snap' } });
    const mk = (n: string) => c.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'snap' }, data: { v: 'old' } });
    for (let i = 0; i < 30; i++) mk(`s-${String(i).padStart(2, '0')}`);
    const path = '/api/v1/namespaces/snap/configmaps?limit=10';
    const first = await raw(t.cluster.api, 'GET', path);
    mk('s-99');
    c.modify('configmaps', 'snap', 's-15', (o) => ({ ...o, data: { v: 'new' } }));
    c.delete('configmaps', 'snap', 's-25');
    const items: KubeObject[] = [...first.json.items];
    let next = first.json.metadata.continue as string | undefined;
    while (next) {
      const r = await raw(t.cluster.api, 'GET', `${path}&continue=${encodeURIComponent(next)}`);
      items.push(...r.json.items);
      next = r.json.metadata.continue;
    }
    expect(items.map((o) => o.metadata.name)).toEqual(Array.from({ length: 30 }, (_, i) => `s-${String(i).padStart(2, '0')}`));
    expect(items.find((o) => o.metadata.name === 's-15')!.data).toEqual({ v: 'old' });
    // A new list sees the new state.
    const now = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/snap/configmaps');
    expect(now.json.items.map((o: KubeObject) => o.metadata.name)).toContain('s-99');
    expect(now.json.items.map((o: KubeObject) => o.metadata.name)).not.toContain('s-25');
  });

  it('refuses a continue token that is not one of its own', async () => {
    const r = await raw(t.cluster.api, 'GET', '/api/v1/namespaces/bulk/configmaps?limit=10&continue=garbage');
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe('BadRequest');
  });

  it.each([undefined, 27, 33])('kubectl 1.%s get lists every object through chunks of 500', async (minor) => {
    const r = await t.kubectl(['get', 'cm', '-n', 'bulk', '-o', 'name'], { minor });
    expect(r.exitCode).toBe(0);
    const got = names(r.stdout);
    expect(got).toHaveLength(TOTAL);
    expect(new Set(got).size).toBe(TOTAL);
    const table = await t.kubectl(['get', 'cm', '-n', 'bulk', '--no-headers'], { minor });
    expect(table.stdout.trim().split('\n')).toHaveLength(TOTAL);
  });
});
