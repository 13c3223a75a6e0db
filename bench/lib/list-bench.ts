// LIST latency of the whole collection over HTTPS: from sending the request to
// holding the parsed list, with a keep-alive connection, as a client does.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { BenchClient } from './client.js';
import type { ServerInfo } from './server-process.js';
import { median, quantile } from './stats.js';

export interface ListFigures {
  runs: number;
  medianMs: number;
  p95Ms: number;
  bytes: number;
  /** The same list in kubectl's chunks of 500 (limit/continue), all pages. */
  pagedMedianMs: number;
  /** The same list through client-node, which also builds its typed models. */
  clientNodeMedianMs: number;
}

async function timeOne(client: BenchClient, path: string, expect: number): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const r = await client.send('GET', path);
  const list = JSON.parse(r.text) as { items: unknown[] };
  const ms = performance.now() - started;
  if (r.status !== 200 || list.items.length !== expect) throw new Error(`list answered ${r.status} with ${list.items.length} items`);
  return { ms, bytes: r.text.length };
}

async function timePaged(client: BenchClient, path: string, expect: number): Promise<number> {
  const started = performance.now();
  let seen = 0;
  let next = '';
  do {
    const r = await client.send('GET', `${path}?limit=500${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
    const page = JSON.parse(r.text) as { items: unknown[]; metadata: { continue?: string } };
    seen += page.items.length;
    next = page.metadata.continue ?? '';
  } while (next);
  if (seen !== expect) throw new Error(`paged list saw ${seen} items`);
  return performance.now() - started;
}

export async function listBench(client: BenchClient, server: ServerInfo, runs = 15): Promise<ListFigures> {
  const path = `/api/v1/namespaces/${server.namespace}/configmaps`;
  for (let i = 0; i < 3; i++) await timeOne(client, path, server.objects);
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = await timeOne(client, path, server.objects);
    samples.push(r.ms);
    bytes = r.bytes;
  }
  const paged: number[] = [];
  for (let i = 0; i < 5; i++) paged.push(await timePaged(client, path, server.objects));

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'bench', server: server.url, caData: Buffer.from(server.caPem).toString('base64') }],
    users: [{ name: 'admin', token: server.adminToken }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'admin' }],
    currentContext: 'bench',
  });
  const core = kc.makeApiClient(CoreV1Api);
  const typed: number[] = [];
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    const list = await core.listNamespacedConfigMap({ namespace: server.namespace });
    if (list.items.length !== server.objects) throw new Error('client-node list is short');
    if (i > 0) typed.push(performance.now() - started);
  }
  return { runs, medianMs: median(samples), p95Ms: quantile(samples, 0.95), bytes, pagedMedianMs: median(paged), clientNodeMedianMs: median(typed) };
}
