// The TUI under measurement, in its own process: the real runtime (session,
// watch, stores, Ink) from src/commands/tui-runtime.ts against the cluster of
// the kubeconfig given, drawing on a recording fake 120x40 terminal. It opens
// the dashboard (what `d` does for a running controller) and reports, for
// every bench node name (kv-bench-NNNN) it ever draws, when a frame first
// carried it (and when it reached the store), plus its resident memory, CPU
// and event loop delay. Controlled by its parent over IPC. BENCH_MEMORY=1
// prints its memory on the dashboard and at the peak.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PassThrough, Writable } from 'node:stream';
import { settingsFromOptions } from '../../src/cloudinit/settings-flags.js';
import { runTui } from '../../src/commands/tui-runtime.js';
import type { ClusterStore } from '../../src/state/cluster-store.js';
import type { WizardStore } from '../../src/state/wizard.js';

const COLUMNS = 120;
const ROWS = 40;
const TOKEN = /kv-bench-(\d+)/g;
// eslint-disable-next-line no-control-regex -- stripping the frame's escapes to read it
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

const now = () => performance.timeOrigin + performance.now();
const firstSeen = new Map<number, number>();
/** When each bench value first reached the cluster store (for the breakdown: watch -> store -> frame). */
const inStore = new Map<number, number>();
// What has been drawn since the dashboard opened: with incremental rendering a
// write holds only the lines that changed, so rows are read from all of them.
let drawn = '';
let recording = false;

/** A terminal that keeps what is written and when each bench value first appeared. */
class RecordingTty extends Writable {
  readonly isTTY = true;
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    const at = now();
    const text = chunk.toString();
    for (const m of text.matchAll(TOKEN)) {
      const seq = Number(m[1]);
      if (!firstSeen.has(seq)) firstSeen.set(seq, at);
    }
    if (recording && drawn.length < 4_000_000) drawn += text;
    done();
  }
}

/** Keys for Ink: a stream that says it is a terminal and takes raw mode. */
function fakeStdin(): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & { isTTY: boolean; setRawMode(): unknown; ref(): unknown; unref(): unknown };
  s.isTTY = true;
  s.setRawMode = () => s;
  s.ref = () => s;
  s.unref = () => s;
  return s;
}

const kubeconfig = process.argv[2]!;
const stdout = new RecordingTty() as unknown as NodeJS.WriteStream;
const stdin = fakeStdin();
let wizard: WizardStore | undefined;
let cluster: ClusterStore | undefined;
const settings = settingsFromOptions({ kubeconfig }, {});
const running = runTui({ kubeconfig }, settings, { virtctlVersion: false, virtctlUrl: false, kubectlVersion: false, kubectlUrl: false }, {
  stdout,
  stdin,
  onStores: (s) => {
    wizard = s.wizard;
    cluster = s.cluster;
  },
});

let peakRss = 0;
let atPeak: NodeJS.MemoryUsage | undefined;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) [peakRss, atPeak] = [m.rss, m];
}, 200);

const tableNames = () =>
  drawn
    .replace(ANSI, '\n')
    .split('\n')
    .filter((l) => /^virtwork-\S+\s+kv-/.test(l.trim()))
    .map((l) => l.trim().split(/\s+/)[0]!);

async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`probe: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

await until(() => wizard?.getState().preflight.phase === 'done', 'preflight');
recording = true;
wizard!.setState({ ...wizard!.getState(), step: 'dashboard' }, true);
await until(() => tableNames().length >= 10, 'the dashboard table');
recording = false;
// BENCH_HEAP_SNAPSHOT=<file>: a heap snapshot of the TUI on the dashboard, for Chrome DevTools' Memory tab.
if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
if (process.env.BENCH_MEMORY) process.stderr.write(`probe memory on the dashboard: ${JSON.stringify(process.memoryUsage())}\n`);
const visible = [...new Set(tableNames())];
// The moment a batch reaches the store (the render it causes follows in a microtask).
cluster!.subscribe((s) => {
  const at = now();
  for (const name of visible) {
    const m = /kv-bench-(\d+)/.exec(s.fleet.get(name)?.node ?? '');
    if (m && !inStore.has(Number(m[1]))) inStore.set(Number(m[1]), at);
  }
});
process.send!({ type: 'ready', visible, rss: process.memoryUsage().rss });

let cpuFrom = process.cpuUsage();
// How long the TUI's event loop was blocked at a time (renders, collections): what delays a watch event on its way in.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'reset-peak') {
    atPeak = process.memoryUsage();
    peakRss = atPeak.rss;
    cpuFrom = process.cpuUsage();
    loopDelay.enable();
  }
  if (msg.type === 'results') {
    const cpu = process.cpuUsage(cpuFrom);
    if (process.env.BENCH_MEMORY) process.stderr.write(`probe memory at the peak: ${JSON.stringify(atPeak)}\n`);
    loopDelay.disable();
    const loop = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    process.send!({ type: 'results', firstSeen: [...firstSeen], inStore: [...inStore], peakRss, rss: process.memoryUsage().rss, cpuMs: (cpu.user + cpu.system) / 1000, loop });
  }
  if (msg.type === 'quit') {
    clearInterval(sampler);
    stdin.push('q');
    await running;
    process.exit(0);
  }
});
