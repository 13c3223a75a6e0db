// Watch fan-out: W watchers on one collection while a writer changes objects
// over HTTPS at a fixed rate; the delay of each change is from sending the
// write to each watcher reading its event.
import type { BenchClient } from './client.js';
import type { ServerInfo } from './server-process.js';
import { median, quantile } from './stats.js';

export interface WatchFigures {
  watchers: number;
  ratePerSecond: number;
  changes: number;
  delivered: number;
  expected: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  writeP95Ms: number;
  /** Changes actually sent per second (the writer keeps the rate unless the server falls behind). */
  achievedRate: number;
}

export async function watchBench(client: BenchClient, server: ServerInfo, watchers = 10, ratePerSecond = 200, seconds = 10): Promise<WatchFigures> {
  const base = `/api/v1/namespaces/${server.namespace}/configmaps`;
  const rv = (JSON.parse((await client.send('GET', `${base}?limit=1`)).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const changes = ratePerSecond * seconds;
  const sentAt = new Float64Array(changes).fill(NaN);
  const delays: number[] = [];
  let delivered = 0;
  const closers: (() => void)[] = [];
  for (let w = 0; w < watchers; w++) {
    closers.push(
      await client.watch(`${base}?watch=true&resourceVersion=${rv}`, (ev) => {
        const seq = Number(ev.object.data?.seq);
        if (ev.type !== 'MODIFIED' || !Number.isInteger(seq)) return;
        delays.push(performance.now() - sentAt[seq]!);
        delivered++;
      }),
    );
  }

  const writes: Promise<void>[] = [];
  const writeMs: number[] = [];
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  for (let seq = 0; seq < changes; seq++) {
    const due = started + seq * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const name = `cm-${String(seq % server.objects).padStart(5, '0')}`;
    sentAt[seq] = performance.now();
    const at = sentAt[seq]!;
    writes.push(
      client.send('PATCH', `${base}/${name}`, JSON.stringify({ data: { seq: String(seq) } }), 'application/merge-patch+json').then((r) => {
        if (r.status !== 200) throw new Error(`patch answered ${r.status}: ${r.text}`);
        writeMs.push(performance.now() - at);
      }),
    );
  }
  await Promise.all(writes);
  const achievedRate = changes / ((performance.now() - started) / 1000);
  const expected = changes * watchers;
  const deadline = performance.now() + 5000;
  while (delivered < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const c of closers) c();
  return {
    watchers,
    ratePerSecond,
    changes,
    delivered,
    expected,
    p50Ms: median(delays),
    p95Ms: quantile(delays, 0.95),
    maxMs: quantile(delays, 1),
    writeP95Ms: quantile(writeMs, 0.95),
    achievedRate,
  };
}
