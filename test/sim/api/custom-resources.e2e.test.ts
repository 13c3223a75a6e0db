// Custom-resource (CRD) semantics over HTTPS, on a test-only kind registered
// before listen() (widgets.chaos.example.com, status subresource, short name
// wdg, category all, one printer column): discovery, updates that need a
// resourceVersion, no strategic merge patch, generation, the status
// subresource, name/namespace-only field selectors, delete answering the
// object, and kubectl (get, create, apply both ways, wait) on it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { type BareServer, bareServer } from '../../helpers/api-server.js';
import { raw, sleep } from '../../helpers/https.js';

let s: BareServer;
const GV = '/apis/chaos.example.com/v1';
const WIDGETS = `${GV}/namespaces/virtwork/widgets`;
const KEY = 'widgets.chaos.example.com';

const widget = (name: string, spec: Record<string, unknown> = { size: 1 }, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'chaos.example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace: 'virtwork' },
  spec,
  ...extra,
});
const post = async (o: KubeObject) => {
  const r = await raw(s.api, 'POST', WIDGETS, { body: o });
  expect(r.status).toBe(201);
  return r.json as KubeObject;
};

beforeAll(async () => {
  s = await bareServer();
});
afterAll(() => s.stop());

describe('discovery of a custom kind', () => {
  it('lists the group, its resources with short names, categories, verbs and the status subresource', async () => {
    const groups = (await raw(s.api, 'GET', '/apis')).json;
    expect(groups.groups.find((g: { name: string }) => g.name === 'chaos.example.com')).toEqual({
      name: 'chaos.example.com',
      versions: [{ groupVersion: 'chaos.example.com/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'chaos.example.com/v1', version: 'v1' },
    });
    const list = (await raw(s.api, 'GET', GV)).json;
    expect(list.kind).toBe('APIResourceList');
    expect(list.groupVersion).toBe('chaos.example.com/v1');
    const main = list.resources.find((r: { name: string }) => r.name === 'widgets');
    expect(main).toMatchObject({ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', shortNames: ['wdg'], categories: ['all'] });
    expect([...main.verbs].sort()).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(list.resources.find((r: { name: string }) => r.name === 'widgets/status')).toMatchObject({ kind: 'Widget', verbs: ['get', 'patch', 'update'] });
  });

  it('kubectl finds it by short name and by category', async () => {
    s.api.client.create(KEY, widget('by-short'));
    expect((await s.kubectl(['get', 'wdg', '-n', 'virtwork', '-o', 'name'])).stdout).toContain('widget.chaos.example.com/by-short');
    expect((await s.kubectl(['get', 'all', '-n', 'virtwork', '-o', 'name'])).stdout).toContain('widget.chaos.example.com/by-short');
  });
});

describe('writes', () => {
  it('refuses an update without resourceVersion (custom resources have no unconditional update)', async () => {
    await post(widget('no-rv'));
    const r = await raw(s.api, 'PUT', `${WIDGETS}/no-rv`, { body: widget('no-rv', { size: 2 }) });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      reason: 'Invalid',
      message: 'Widget.chaos.example.com "no-rv" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
      details: { name: 'no-rv', group: 'chaos.example.com', kind: 'Widget', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion' }] },
    });
  });

  it('refuses a stale resourceVersion with 409 naming the group', async () => {
    const made = await post(widget('stale'));
    const ok = await raw(s.api, 'PUT', `${WIDGETS}/stale`, { body: { ...made, spec: { size: 2 } } });
    expect(ok.status).toBe(200);
    const r = await raw(s.api, 'PUT', `${WIDGETS}/stale`, { body: { ...made, spec: { size: 3 } } });
    expect(r.status).toBe(409);
    expect(r.json.message).toBe('Operation cannot be fulfilled on widgets.chaos.example.com "stale": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('refuses strategic merge patch with 415 listing the patch types it takes', async () => {
    await post(widget('smp'));
    const r = await raw(s.api, 'PATCH', `${WIDGETS}/smp`, { body: { spec: { size: 5 } }, contentType: 'application/strategic-merge-patch+json' });
    expect(r.status).toBe(415);
    expect(r.json).toMatchObject({
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
  });

  it('tracks generation: spec changes bump it, metadata and status changes do not', async () => {
    const made = await post(widget('gen'));
    expect(made.metadata.generation).toBe(1);
    const api = s.kc.makeApiClient(CustomObjectsApi);
    const at = { group: 'chaos.example.com', version: 'v1', namespace: 'virtwork', plural: 'widgets', name: 'gen' };
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const spec = (await api.patchNamespacedCustomObject({ ...at, body: { spec: { size: 2 } } }, merge)) as KubeObject;
    expect(spec.metadata.generation).toBe(2);
    const labels = (await api.patchNamespacedCustomObject({ ...at, body: { metadata: { labels: { a: 'b' } } } }, merge)) as KubeObject;
    expect(labels.metadata.generation).toBe(2);
    const status = (await api.patchNamespacedCustomObjectStatus({ ...at, body: { status: { phase: 'Running' } } }, merge)) as KubeObject;
    expect(status.metadata.generation).toBe(2);
    expect(status.status).toEqual({ phase: 'Running' });
  });

  it('keeps status and spec apart: the main resource ignores status, /status ignores the rest', async () => {
    const made = await post(widget('split', { size: 1 }, { status: { phase: 'Ignored' } }));
    expect(made.status).toBeUndefined();
    const viaStatus = await raw(s.api, 'PUT', `${WIDGETS}/split/status`, { body: { ...made, spec: { size: 99 }, status: { phase: 'Ready' } } });
    expect(viaStatus.status).toBe(200);
    expect(viaStatus.json.spec).toEqual({ size: 1 });
    expect(viaStatus.json.status).toEqual({ phase: 'Ready' });
    const viaMain = await raw(s.api, 'PUT', `${WIDGETS}/split`, { body: { ...viaStatus.json, spec: { size: 2 }, status: { phase: 'Hacked' } } });
    expect(viaMain.json.spec).toEqual({ size: 2 });
    expect(viaMain.json.status).toEqual({ phase: 'Ready' });
  });

  it('generateName is the base cut to 58 characters plus 5 random ones', async () => {
    const r = await raw(s.api, 'POST', WIDGETS, { body: { apiVersion: 'chaos.example.com/v1', kind: 'Widget', metadata: { generateName: `${'w'.repeat(60)}-` } } });
    expect(r.status).toBe(201);
    expect(r.json.metadata.name).toMatch(new RegExp(`^${'w'.repeat(58)}[bcdfghjklmnpqrstvwxz2456789]{5}$`));
  });

  it('a create carrying a resourceVersion fails as in storage: 500 without a reason', async () => {
    const r = await raw(s.api, 'POST', WIDGETS, { body: widget('with-rv', { size: 1 }, { metadata: { name: 'with-rv', resourceVersion: '12' } }) });
    expect(r.status).toBe(500);
    expect(r.json.message).toBe('resourceVersion should not be set on objects to be created');
    expect(r.json.reason).toBeUndefined();
  });
});

describe('delete and finalizers', () => {
  it('delete answers the object itself (not a Status), then it is gone', async () => {
    await post(widget('del'));
    const r = await raw(s.api, 'DELETE', `${WIDGETS}/del`);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('Widget');
    expect(r.json.metadata.name).toBe('del');
    expect((await raw(s.api, 'GET', `${WIDGETS}/del`)).status).toBe(404);
  });

  it('with finalizers: deletionTimestamp set, generation bumped once, gone when the finalizers are removed', async () => {
    await post(widget('fin', { size: 1 }, { metadata: { name: 'fin', namespace: 'virtwork', finalizers: ['chaos.example.com/cleanup'] } }));
    const first = await raw(s.api, 'DELETE', `${WIDGETS}/fin`);
    expect(first.status).toBe(200);
    expect(first.json.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(first.json.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(first.json.metadata.generation).toBe(2);
    const again = await raw(s.api, 'DELETE', `${WIDGETS}/fin`);
    expect(again.json.metadata.generation).toBe(2);
    expect(again.json.metadata.deletionTimestamp).toBe(first.json.metadata.deletionTimestamp);
    const done = await raw(s.api, 'PATCH', `${WIDGETS}/fin`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    expect(done.status).toBe(200);
    expect((await raw(s.api, 'GET', `${WIDGETS}/fin`)).status).toBe(404);
  });
});

describe('selectors', () => {
  it('accepts metadata.name and metadata.namespace only: any other field is 400 "field label not supported"', async () => {
    await post(widget('sel-a'));
    const ok = await raw(s.api, 'GET', `${WIDGETS}?fieldSelector=metadata.name%3Dsel-a,metadata.namespace%3Dvirtwork`);
    expect(ok.json.items.map((o: KubeObject) => o.metadata.name)).toEqual(['sel-a']);
    for (const f of ['status.phase%3DRunning', 'spec.size%3D1']) {
      const r = await raw(s.api, 'GET', `${WIDGETS}?fieldSelector=${f}`);
      expect(r.status).toBe(400);
      expect(r.json.message).toBe(`field label not supported: ${decodeURIComponent(f).split('=')[0]}`);
    }
    const k = await s.kubectl(['get', 'wdg', '-n', 'virtwork', '--field-selector', 'status.phase=Running']);
    expect(k.exitCode).toBe(1);
    expect(k.stderr).toContain('field label not supported: status.phase');
  });
});

describe('client-node CustomObjectsApi', () => {
  it('lists with label and field selectors; errors are ApiExceptions with the Status as body', async () => {
    s.api.client.create(KEY, { ...widget('co-a'), metadata: { name: 'co-a', namespace: 'virtwork', labels: { pick: 'yes' } } });
    s.api.client.create(KEY, { ...widget('co-b'), metadata: { name: 'co-b', namespace: 'virtwork', labels: { pick: 'yes' } } });
    const api = s.kc.makeApiClient(CustomObjectsApi);
    const at = { group: 'chaos.example.com', version: 'v1', namespace: 'virtwork', plural: 'widgets' };
    const list = (await api.listNamespacedCustomObject({ ...at, labelSelector: 'pick=yes', fieldSelector: 'metadata.name!=co-a' })) as { items: KubeObject[] };
    expect(list.items.map((o) => o.metadata.name)).toEqual(['co-b']);
    const err = await api.listNamespacedCustomObject({ ...at, fieldSelector: 'status.phase=Running' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<string>).code).toBe(400);
    expect(JSON.parse((err as ApiException<string>).body).message).toBe('field label not supported: status.phase');
  });
});

describe('kubectl on a custom kind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crd-'));
  const file = (name: string, yaml: string) => {
    const p = join(dir, name);
    writeFileSync(p, yaml);
    return p;
  };

  it('prints the kind’s printer columns: NAME and PHASE, no AGE unless declared', async () => {
    s.api.client.create(KEY, widget('cols'));
    s.api.client.modify(KEY, 'virtwork', 'cols', (o) => ({ ...o, status: { phase: 'Ready' } }), { subresource: 'status' });
    const r = await s.kubectl(['get', 'wdg', 'cols', '-n', 'virtwork']);
    expect(r.stdout.split('\n')).toEqual([expect.stringMatching(/^NAME\s+PHASE$/), expect.stringMatching(/^cols\s+Ready$/)]);
  });

  it.each([undefined, 29, 33])('kubectl 1.%s create, apply (merge patch), apply --server-side', async (minor) => {
    const tag = String(minor ?? 32);
    const v1 = file(`w-${tag}-1.yaml`, `apiVersion: chaos.example.com/v1\nkind: Widget\nmetadata:\n  name: k-${tag}\n  namespace: virtwork\nspec:\n  size: 1\n  color: red\n`);
    const v2 = file(`w-${tag}-2.yaml`, `apiVersion: chaos.example.com/v1\nkind: Widget\nmetadata:\n  name: k-${tag}\n  namespace: virtwork\nspec:\n  size: 2\n`);
    const created = await s.kubectl(['apply', '-f', v1], { minor });
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe(`widget.chaos.example.com/k-${tag} created`);
    const applied = await s.kubectl(['apply', '-f', v2], { minor });
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe(`widget.chaos.example.com/k-${tag} configured`);
    expect(s.api.client.get(KEY, 'virtwork', `k-${tag}`)!.spec).toEqual({ size: 2 });

    const ssaName = file(`w-${tag}-3.yaml`, `apiVersion: chaos.example.com/v1\nkind: Widget\nmetadata:\n  name: ssa-${tag}\n  namespace: virtwork\nspec:\n  size: 3\n`);
    const ssa = await s.kubectl(['apply', '--server-side', '-f', ssaName], { minor });
    expect(ssa.stdout).toBe(`widget.chaos.example.com/ssa-${tag} serverside-applied`);
    const again = await s.kubectl(['create', '-f', ssaName], { minor });
    expect(again.stderr).toContain(`Error from server (AlreadyExists): error when creating "${ssaName}": widgets.chaos.example.com "ssa-${tag}" already exists`);
  });

  it.each([27, undefined, 33])('kubectl 1.%s wait --for=jsonpath on the status', async (minor) => {
    const name = `wait-${minor ?? 32}`;
    s.api.client.create(KEY, widget(name));
    const waiting = s.kubectl(['wait', '--for=jsonpath={.status.phase}=Ready', `wdg/${name}`, '-n', 'virtwork', '--timeout=20s'], { minor });
    await sleep(600);
    s.api.client.modify(KEY, 'virtwork', name, (o) => ({ ...o, status: { phase: 'Ready' } }), { subresource: 'status' });
    const r = await waiting;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`widget.chaos.example.com/${name} condition met`);
  });
});
