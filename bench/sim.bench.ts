// `npm run bench:sim`: the simulated cluster's figures. The API server: a LIST of
// 5,000 objects (target under 300 ms on a 2-core machine) and 10 watchers each
// seeing every change of a 200 changes/s stream (target p95 under 100 ms).
// The simulated KubeVirt: 5,000 VMIs on 100 nodes seeded (target under 10 s),
// 50 migrations in flight, events/s sustained. It reports and never fails on
// the figures; its last line is one JSON object of all of them.
import { cpus, loadavg } from 'node:os';
import { BenchClient } from './lib/client.js';
import { listBench } from './lib/list-bench.js';
import { startServerProcess } from './lib/server-process.js';
import { round1 } from './lib/stats.js';
import { watchBench } from './lib/watch-bench.js';
import { runKubevirtBench } from './kubevirt-bench.js';

const OBJECTS = 5000;
const LIST_TARGET_MS = 300;
const WATCH_TARGET_MS = 100;

let apiFigures: Record<string, number> = {};
const server = await startServerProcess(OBJECTS);
const client = new BenchClient(server.info);
try {
  console.log(`simulated API server at ${server.info.url}: ${OBJECTS} ConfigMaps seeded in ${round1(server.info.seedMs)} ms (separate process)`);

  let cpu = await server.cpuMs();
  const list = await listBench(client, server.info);
  const listCpuMs = (await server.cpuMs()) - cpu;
  const lists = list.runs + 3 + 5 * 2 + 6; // timed and warm-up, paged (about twice the work), client-node
  const mark = (v: number, target: number) => (v <= target ? 'within' : 'OVER');
  console.log(`\nLIST of ${OBJECTS} ConfigMaps over HTTPS (${(list.bytes / 1e6).toFixed(1)} MB, ${list.runs} runs, to a parsed list):`);
  console.log(`  median ${round1(list.medianMs)} ms, p95 ${round1(list.p95Ms)} ms  (target ${LIST_TARGET_MS} ms: ${mark(list.medianMs, LIST_TARGET_MS)})`);
  console.log(`  in kubectl's chunks of 500: median ${round1(list.pagedMedianMs)} ms for all pages`);
  console.log(`  through client-node (typed models): median ${round1(list.clientNodeMedianMs)} ms`);
  console.log(`  server CPU per full list: about ${round1(listCpuMs / lists)} ms`);

  cpu = await server.cpuMs();
  const watch = await watchBench(client, server.info);
  const watchCpuMs = (await server.cpuMs()) - cpu;
  console.log(`\nWATCH fan-out: ${watch.watchers} watchers, ${watch.changes} changes at ${watch.ratePerSecond}/s (achieved ${round1(watch.achievedRate)}/s):`);
  console.log(`  delivered ${watch.delivered} of ${watch.expected} events`);
  console.log(`  write-to-watcher delay p50 ${round1(watch.p50Ms)} ms, p95 ${round1(watch.p95Ms)} ms, max ${round1(watch.maxMs)} ms  (target p95 ${WATCH_TARGET_MS} ms: ${mark(watch.p95Ms, WATCH_TARGET_MS)})`);
  console.log(`  write (PATCH) latency p95 ${round1(watch.writeP95Ms)} ms`);
  console.log(`  server CPU per change (the write and its ${watch.watchers} deliveries): ${round1(watchCpuMs / watch.changes)} ms`);
  const load = loadavg()[0]!;
  if (load > cpus().length) console.log(`\nnote: load average ${load.toFixed(1)} on ${cpus().length} CPUs while measuring; latencies include waiting for a CPU`);

  apiFigures = {
      list5000_ms: round1(list.medianMs),
      list5000_p95_ms: round1(list.p95Ms),
      list5000_paged_ms: round1(list.pagedMedianMs),
      list5000_client_node_ms: round1(list.clientNodeMedianMs),
      watch_p50_ms: round1(watch.p50Ms),
      watch_p95_ms: round1(watch.p95Ms),
      watch_max_ms: round1(watch.maxMs),
      watch_delivered: watch.delivered,
      watch_expected: watch.expected,
      watch_rate_achieved: round1(watch.achievedRate),
      server_cpu_per_list_ms: round1(listCpuMs / lists),
      server_cpu_per_change_ms: round1(watchCpuMs / watch.changes),
      load_average: round1(loadavg()[0]!),
  };
} finally {
  client.close();
  server.stop();
}

// Issue 3's part: the simulated KubeVirt (seeding 5,000 VMIs, 50 migrations in flight, events/s).
console.log('\nSimulated KubeVirt:');
const kubevirtFigures = await runKubevirtBench();
console.log(JSON.stringify({ ...apiFigures, ...kubevirtFigures }));
