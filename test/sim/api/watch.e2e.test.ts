// WATCH on the wire: JSON lines from a resourceVersion, selector transitions,
// BOOKMARK only with allowWatchBookmarks, ERROR 410 Expired then close,
// timeoutSeconds, finalizers seen as MODIFIED then DELETED. (Watch-list and
// kubectl wait have files of their own.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { type BareServer, bareServer } from '../../helpers/api-server.js';
import { type WatchEvent, openWatch, raw, sleep } from '../../helpers/https.js';

let s: BareServer;
const CM = '/api/v1/namespaces/virtwork/configmaps';

const create = (name: string, labels: Record<string, string> = {}, ns = 'virtwork', extra: Partial<KubeObject> = {}) =>
  s.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, ...extra });
const modify = (name: string, fn: (o: KubeObject) => KubeObject, ns = 'virtwork') => s.api.client.modify('configmaps', ns, name, fn);
const listRv = async (path = CM) => (await raw(s.api, 'GET', path)).json.metadata.resourceVersion as string;
const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());

beforeAll(async () => {
  s = await bareServer(undefined, { watchBookmarkIntervalMs: 250 });
  s.api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
});
afterAll(() => s.stop());

describe('watch streams', () => {
  it('streams one JSON object per line from a resourceVersion: ADDED, MODIFIED, DELETED with rising resourceVersions', async () => {
    create('before');
    const rv = await listRv();
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}`);
    try {
      expect(w.status).toBe(200);
      expect(w.headers['content-type']).toBe('application/json');
      create('s1');
      modify('s1', (o) => ({ ...o, data: { a: '1' } }));
      s.api.client.delete('configmaps', 'virtwork', 's1');
      await w.next((e) => e.type === 'DELETED');
      expect(summary(w.events)).toEqual(['ADDED s1', 'MODIFIED s1', 'DELETED s1']);
      const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
      expect(rvs[0]).toBeGreaterThan(Number(rv));
      expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
      expect(new Set(rvs).size).toBe(3);
      expect(w.events[1]!.object.data).toEqual({ a: '1' });
      expect(w.badLines).toEqual([]);
    } finally {
      w.close();
    }
  });

  it('replays what happened after the resourceVersion before going live', async () => {
    const rv = await listRv();
    create('replayed');
    s.api.client.delete('configmaps', 'virtwork', 'replayed');
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}`);
    try {
      await w.next((e) => e.type === 'DELETED');
      expect(summary(w.events)).toEqual(['ADDED replayed', 'DELETED replayed']);
    } finally {
      w.close();
    }
  });

  it.each(['', '&resourceVersion=0'])('without a resourceVersion%s it starts with ADDED for the current state', async (q) => {
    create(`state${q ? '-0' : ''}`, { state: 'yes' });
    const w = await openWatch(s.api, `${CM}?watch=true&labelSelector=state%3Dyes${q}`);
    try {
      await w.next((e) => e.type === 'ADDED');
      await sleep(100);
      expect(w.events.every((e) => e.type === 'ADDED')).toBe(true);
      expect(summary(w.events)).toContain(`ADDED state${q ? '-0' : ''}`);
    } finally {
      w.close();
    }
  });

  it('applies label selectors with transitions: starts matching is ADDED, stops matching is DELETED', async () => {
    create('moving', { phase: 'a' });
    const rv = await listRv();
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}&labelSelector=phase%3Db`);
    try {
      modify('moving', (o) => ({ ...o, metadata: { ...o.metadata, labels: { phase: 'b' } } }));
      modify('moving', (o) => ({ ...o, data: { x: '1' } }));
      modify('moving', (o) => ({ ...o, metadata: { ...o.metadata, labels: { phase: 'c' } } }));
      await w.next((e) => e.type === 'DELETED');
      expect(summary(w.events)).toEqual(['ADDED moving', 'MODIFIED moving', 'DELETED moving']);
      // The DELETED event carries the object as it now is: no longer matching.
      expect(w.events[2]!.object.metadata.labels).toEqual({ phase: 'c' });
    } finally {
      w.close();
    }
  });

  it('applies field selectors to watches (kubectl wait relies on it)', async () => {
    const rv = await listRv();
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dfs-target`);
    try {
      create('fs-other');
      create('fs-target');
      modify('fs-other', (o) => ({ ...o, data: { a: 'b' } }));
      modify('fs-target', (o) => ({ ...o, data: { a: 'b' } }));
      await w.next((e) => e.type === 'MODIFIED');
      await sleep(50);
      expect(summary(w.events)).toEqual(['ADDED fs-target', 'MODIFIED fs-target']);
    } finally {
      w.close();
    }
  });

  it('refuses a watch with an unsupported field selector with 400, not an empty stream', async () => {
    const r = await raw(s.api, 'GET', `${CM}?watch=true&fieldSelector=status.phase%3DRunning`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'field label not supported: status.phase' });
  });

  it('a namespaced watch sees its namespace only; the cluster-wide one sees all', async () => {
    const rv = await listRv();
    const mine = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}`);
    const all = await openWatch(s.api, `/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    try {
      create('ns-there', {}, 'elsewhere');
      create('ns-here');
      await mine.next((e) => e.object.metadata.name === 'ns-here');
      await all.next((e) => e.object.metadata.name === 'ns-here');
      expect(summary(mine.events)).toEqual(['ADDED ns-here']);
      expect(summary(all.events)).toEqual(['ADDED ns-there', 'ADDED ns-here']);
    } finally {
      mine.close();
      all.close();
    }
  });

  it('shows a finalized delete as MODIFIED with deletionTimestamp, then DELETED once the finalizers are gone', async () => {
    create('held', {}, 'virtwork', { metadata: { name: 'held', namespace: 'virtwork', finalizers: ['example.com/hold'] } });
    const rv = await listRv();
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dheld`);
    try {
      const del = await raw(s.api, 'DELETE', `${CM}/held`);
      expect(del.status).toBe(200);
      const m = await w.next((e) => e.type === 'MODIFIED');
      expect(m.object.metadata.deletionTimestamp).toBeDefined();
      expect(m.object.metadata.finalizers).toEqual(['example.com/hold']);
      await sleep(50);
      expect(w.events.some((e) => e.type === 'DELETED')).toBe(false);
      modify('held', (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
      await w.next((e) => e.type === 'DELETED');
      expect(summary(w.events)).toEqual(['MODIFIED held', 'DELETED held']);
      expect(s.api.client.get('configmaps', 'virtwork', 'held')).toBeUndefined();
    } finally {
      w.close();
    }
  });
});

describe('resourceVersion too old', () => {
  it('answers 200 with one ERROR event carrying a 410 Expired Status, then closes the stream', async () => {
    create('exp');
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=1`);
    expect(w.status).toBe(200);
    expect(await w.ended).toBe('end');
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.type).toBe('ERROR');
    expect(w.events[0]!.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(w.events[0]!.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('a list resourceVersion taken while a resource was still empty is not too old to watch from', async () => {
    const rv = (await raw(s.api, 'GET', '/apis/chaos.example.com/v1/namespaces/virtwork/widgets')).json.metadata.resourceVersion;
    create('bump-the-revision');
    s.api.client.create('widgets.chaos.example.com', { apiVersion: 'chaos.example.com/v1', kind: 'Widget', metadata: { name: 'first', namespace: 'virtwork' } });
    const w = await openWatch(s.api, `/apis/chaos.example.com/v1/namespaces/virtwork/widgets?watch=true&resourceVersion=${rv}`);
    try {
      const e = await w.next(() => true);
      expect(e.type).toBe('ADDED');
      expect(e.object.metadata.name).toBe('first');
    } finally {
      w.close();
    }
  });

  it('expireNextWatches forces 410 on the next watches that resume, and only on those', async () => {
    const rv = await listRv();
    s.api.faults.set({ expireNextWatches: 1 });
    // A watch that does not resume (no resourceVersion) does not use it up.
    const fresh = await openWatch(s.api, `${CM}?watch=true&fieldSelector=metadata.name%3Dnone`);
    fresh.close();
    expect(s.api.faults.settings.expireNextWatches).toBe(1);
    const w = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}`);
    expect(await w.ended).toBe('end');
    expect(w.events.map((e) => [e.type, e.object.code])).toEqual([['ERROR', 410]]);
    const again = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}`);
    try {
      create('after-expiry');
      await again.next((e) => e.object.metadata?.name === 'after-expiry');
    } finally {
      again.close();
    }
  });
});

describe('bookmarks and timeouts', () => {
  it('sends BOOKMARK events (resourceVersion only) when allowWatchBookmarks=true, never without it', async () => {
    const rv = await listRv();
    const withB = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dnothing`);
    const without = await openWatch(s.api, `${CM}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dnothing`);
    try {
      await sleep(900);
      const marks = withB.events.filter((e) => e.type === 'BOOKMARK');
      expect(marks.length).toBeGreaterThanOrEqual(2);
      for (const b of marks) {
        expect(Object.keys(b.object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
        expect(b.object.kind).toBe('ConfigMap');
        expect(Object.keys(b.object.metadata)).toEqual(['resourceVersion']);
        expect(Number(b.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
      }
      expect(without.events).toEqual([]);
    } finally {
      withB.close();
      without.close();
    }
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const started = Date.now();
    const w = await openWatch(s.api, `${CM}?watch=true&timeoutSeconds=1&resourceVersion=${await listRv()}`);
    expect(await w.ended).toBe('end');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3000);
  });
});
