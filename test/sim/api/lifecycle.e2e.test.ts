// Deletion as the real control plane carries it out: a namespace stays
// Terminating until the namespace controller has emptied it; the garbage
// collector deletes dependents in the background, orphans them, or holds the
// owner (foregroundDeletion) until its blocking dependents are gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { eventually, raw } from '../../helpers/https.js';
import { type TestCluster, testCluster } from '../../helpers/sim.js';

let t: TestCluster;
const NS = 'virtwork';

beforeAll(async () => {
  t = await testCluster({ flavor: 'none', nodes: 0 }); // API machinery only: no KubeVirt, no seeded nodes
});
afterAll(() => t.stop());

const cm = (name: string, owner?: KubeObject, blocking = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: NS,
    ...(owner
      ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name!, uid: owner.metadata.uid!, ...(blocking ? { blockOwnerDeletion: true } : {}) }] }
      : {}),
  },
});
const exists = (name: string) => t.cluster.api.client.get('configmaps', NS, name) !== undefined;

describe('namespace deletion', () => {
  it('answers the namespace as Terminating, empties it, then it goes', async () => {
    const c = t.cluster.api.client;
    c.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    for (const n of ['a', 'b']) c.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'doomed' } });
    const r = await t.kubectl(['delete', 'namespace', 'doomed', '--wait=false']);
    expect(r.stdout).toBe('namespace "doomed" deleted');
    const ns = c.get('namespaces', undefined, 'doomed');
    if (ns) {
      expect((ns.status as { phase: string }).phase).toBe('Terminating');
      expect(ns.metadata.deletionTimestamp).toBeDefined();
    }
    await eventually(() => c.get('namespaces', undefined, 'doomed') === undefined);
    expect(c.list('configmaps', 'doomed')).toEqual([]);
    expect((await raw(t.cluster.api, 'GET', '/api/v1/namespaces/doomed')).status).toBe(404);
  });

  it('keeps a namespace Terminating while content with finalizers remains', async () => {
    const c = t.cluster.api.client;
    c.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sticky' } });
    c.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'sticky', finalizers: ['example.com/hold'] } });
    await raw(t.cluster.api, 'DELETE', '/api/v1/namespaces/sticky');
    await eventually(() => c.get('configmaps', 'sticky', 'held')?.metadata.deletionTimestamp);
    await new Promise((r) => setTimeout(r, 300));
    expect((c.get('namespaces', undefined, 'sticky')!.status as { phase: string }).phase).toBe('Terminating');
    c.modify('configmaps', 'sticky', 'held', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
    await eventually(() => c.get('namespaces', undefined, 'sticky') === undefined);
  });
});

describe('garbage collection of dependents', () => {
  it('background (the default): the owner goes at once, then its dependents', async () => {
    const owner = t.cluster.api.client.create('configmaps', cm('bg-owner'));
    t.cluster.api.client.create('configmaps', cm('bg-dep-1', owner));
    t.cluster.api.client.create('configmaps', cm('bg-dep-2', owner));
    const r = await t.kubectl(['delete', 'configmap', 'bg-owner', '-n', NS]);
    expect(r.exitCode).toBe(0);
    expect(exists('bg-owner')).toBe(false);
    await eventually(() => !exists('bg-dep-1') && !exists('bg-dep-2'));
  });

  it('orphan: the dependents stay, without the owner reference', async () => {
    const owner = t.cluster.api.client.create('configmaps', cm('or-owner'));
    t.cluster.api.client.create('configmaps', cm('or-dep', owner));
    const r = await t.kubectl(['delete', 'configmap', 'or-owner', '-n', NS, '--cascade=orphan']);
    expect(r.exitCode).toBe(0);
    await eventually(() => !exists('or-owner'));
    expect(exists('or-dep')).toBe(true);
    expect(t.cluster.api.client.get('configmaps', NS, 'or-dep')!.metadata.ownerReferences).toBeUndefined();
  });

  it('foreground: the owner waits, marked, until blocking dependents are gone', async () => {
    const owner = t.cluster.api.client.create('configmaps', cm('fg-owner'));
    t.cluster.api.client.create('configmaps', { ...cm('fg-dep', owner, true), metadata: { ...cm('fg-dep', owner, true).metadata, finalizers: ['example.com/hold'] } });
    const del = await raw(t.cluster.api, 'DELETE', `/api/v1/namespaces/${NS}/configmaps/fg-owner`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' } });
    expect(del.status).toBe(200);
    expect(del.json.metadata.finalizers).toContain('foregroundDeletion');
    expect(del.json.metadata.deletionTimestamp).toBeDefined();
    await eventually(() => t.cluster.api.client.get('configmaps', NS, 'fg-dep')?.metadata.deletionTimestamp);
    expect(exists('fg-owner')).toBe(true);
    t.cluster.api.client.modify('configmaps', NS, 'fg-dep', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
    await eventually(() => !exists('fg-dep') && !exists('fg-owner'));
  });

  it('a dependent whose owner never existed is collected', async () => {
    t.cluster.api.client.create('configmaps', {
      ...cm('lost'),
      metadata: { name: 'lost', namespace: NS, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' }] },
    });
    await eventually(() => !exists('lost'));
  });
});
