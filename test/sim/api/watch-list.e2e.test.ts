// Watch-list on the wire: sendInitialEvents=true streams the current state as
// ADDED then a BOOKMARK annotated k8s.io/initial-events-end (for clients that
// take bookmarks); ListOptions that do not hold together are one 422 Invalid,
// as apimachinery's validation answers them for LIST and WATCH.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { type BareServer, bareServer } from '../../helpers/api-server.js';
import { type WatchEvent, openWatch, raw, sleep } from '../../helpers/https.js';

let s: BareServer;
const CM = '/api/v1/namespaces/virtwork/configmaps';

const create = (name: string, labels: Record<string, string> = {}, ns = 'virtwork', extra: Partial<KubeObject> = {}) =>
  s.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, ...extra });
const listRv = async (path = CM) => (await raw(s.api, 'GET', path)).json.metadata.resourceVersion as string;
const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());

beforeAll(async () => {
  s = await bareServer();
});
afterAll(() => s.stop());

describe('sendInitialEvents (watch-list)', () => {
  const base = `${CM}?watch=true&labelSelector=wl%3Dyes`;

  it('sends the current state as ADDED, then a BOOKMARK annotated k8s.io/initial-events-end, then changes', async () => {
    create('wl-1', { wl: 'yes' });
    create('wl-2', { wl: 'yes' });
    const rv = await listRv();
    const w = await openWatch(s.api, `${base}&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    try {
      const end = await w.next((e) => e.type === 'BOOKMARK');
      expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
      expect(Number(end.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
      expect(summary(w.events)).toEqual(['ADDED wl-1', 'ADDED wl-2', 'BOOKMARK']);
      create('wl-3', { wl: 'yes' });
      await w.next((e) => e.object.metadata?.name === 'wl-3');
      expect(summary(w.events).slice(3)).toEqual(['ADDED wl-3']);
    } finally {
      w.close();
    }
  });

  it('with a resourceVersion and NotOlderThan it still sends the whole current state', async () => {
    const rv = await listRv();
    const w = await openWatch(s.api, `${base}&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${rv}`);
    try {
      await w.next((e) => e.type === 'BOOKMARK');
      expect(summary(w.events).filter((x) => x.startsWith('ADDED wl-'))).toEqual(['ADDED wl-1', 'ADDED wl-2', 'ADDED wl-3']);
    } finally {
      w.close();
    }
  });

  it('sendInitialEvents=false without a resourceVersion starts from now, with no initial events', async () => {
    create('wl-before', { wl: 'yes' });
    const w = await openWatch(s.api, `${base}&sendInitialEvents=false&resourceVersionMatch=NotOlderThan`);
    try {
      create('wl-4', { wl: 'yes' });
      await w.next((e) => e.object.metadata?.name === 'wl-4');
      expect(summary(w.events)).toEqual(['ADDED wl-4']);
    } finally {
      w.close();
    }
  });

  it('without allowWatchBookmarks it sends the initial events but no end bookmark', async () => {
    create('wl-5', { wl: 'yes' });
    const w = await openWatch(s.api, `${base}&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
    try {
      await w.next((e) => e.object.metadata?.name === 'wl-5');
      await sleep(100);
      expect(w.events.length).toBeGreaterThan(0);
      expect(w.events.every((e) => e.type === 'ADDED')).toBe(true);
    } finally {
      w.close();
    }
  });

  it.each([
    ['watch=true&sendInitialEvents=true', ['resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan']],
    [
      'watch=true&sendInitialEvents=true&resourceVersionMatch=Exact&allowWatchBookmarks=true',
      ['resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', 'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"'],
    ],
    ['watch=true&resourceVersionMatch=NotOlderThan', ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided']],
    ['sendInitialEvents=true', ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']],
    ['resourceVersionMatch=NotOlderThan', ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided']],
    ['resourceVersion=0&resourceVersionMatch=Exact', ['resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"']],
  ])('refuses %s with a 422 on ListOptions', async (q, causes) => {
    const r = await raw(s.api, 'GET', `${CM}?${q}`);
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    const list = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
    expect(r.json.message).toBe(`ListOptions.meta.k8s.io "" is invalid: ${list}`);
    expect(r.json.details).toMatchObject({ group: 'meta.k8s.io', kind: 'ListOptions' });
  });
});
