// Change-to-screen latency, side by side: the TUI probe (its own process) and
// `kubectl get vmi -w` watch the same simulated cluster while the benchmark
// moves VMIs that are on the dashboard's visible rows to new nodes at a fixed
// rate (a merge patch of status.nodeName through client-node: VMIs have no
// status subresource, and the admin may write them). Each change carries a
// unique node name, so each side's first sight of it can be timed.
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { buildProbe } from './build-probe.js';
import { kubectlWatch } from './kubectl-watch.js';

export interface LatencyFigures {
  changes: number;
  ratePerSecond: number;
  achievedRate: number;
  /** Milliseconds from sending each change to its first sight, per side. */
  tui: number[];
  kubectl: number[];
  /** Per change seen by both: the TUI's frame minus kubectl's print (both see the same watch event; the cluster's own delay cancels out). */
  tuiMinusKubectl: number[];
  /** The TUI's own path, per change: kubectl's print to the store update (watch delivery and batching), and the store update to the frame. */
  storeMinusKubectl: number[];
  frameMinusStore: number[];
  /** Changes never seen (a later change to the same VMI overtook it, or it never came). */
  tuiMissed: number;
  kubectlMissed: number;
  visibleRows: number;
  peakRssMb: number;
  rssAtReadyMb: number;
  failedWrites: number;
  /** Milliseconds from sending each change to the API server's answer: when this is high, the cluster (or the machine) is the bottleneck, not the watchers. */
  writes: number[];
  /** CPU the TUI spent from the first change until the results were asked for. */
  tuiCpuMs: number;
  /** Wall time of that span. */
  spanMs: number;
  /** The TUI's event loop delay over that span (ms). */
  loop: { p50: number; p99: number; max: number };
}

const now = () => performance.timeOrigin + performance.now();
const MB = 1024 * 1024;

interface Probe {
  child: ChildProcess;
  /** The bundled probe (its directory is removed afterwards). */
  entry: string;
  visible: string[];
  rss: number;
  ask<T>(type: string, reply?: string): Promise<T>;
}

async function startProbe(kubeconfig: string): Promise<Probe> {
  const entry = await buildProbe();
  // stderr is read, not inherited: on exit the cursor library writes "show the cursor" there.
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of the TUI there (open it in Chrome DevTools).
  // BENCH_NODE_FLAGS adds node flags (e.g. --heap-prof --heap-prof-dir=/tmp/h).
  const profile = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
  const child = fork(entry, [kubeconfig], { execArgv: profile, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  // eslint-disable-next-line no-control-regex -- dropping escape sequences from the probe's stderr
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(b.toString().replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')));
  const ask = <T>(type: string, reply?: string) =>
    new Promise<T>((resolve) => {
      if (reply) child.once('message', (m) => resolve(m as T));
      child.send({ type });
      if (!reply) resolve(undefined as T);
    });
  return new Promise<Probe>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the TUI probe exited with ${code} before it was ready`)));
    child.once('message', (m: { type: string; visible: string[]; rss: number }) => resolve({ child, entry, visible: m.visible, rss: m.rss, ask }));
  });
}

export async function measureLatency(kubeconfig: string, namespace: string, vmis: number, ratePerSecond = 100, seconds = 10): Promise<LatencyFigures> {
  const watch = kubectlWatch(kubeconfig, namespace, vmis);
  const probe = await startProbe(kubeconfig);
  await watch.listed;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  let failedWrites = 0;
  const move = (vmi: string, seq: number) =>
    objects
      .patch({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: vmi, namespace }, status: { nodeName: `kv-bench-${String(seq).padStart(4, '0')}` } } as KubernetesObject, undefined, undefined, 'tui-bench', undefined, PatchStrategy.MergePatch)
      .catch(() => void failedWrites++);

  // Warm-up (discovery, connections, the first highlight): not counted.
  const WARM = 20;
  for (let i = 0; i < WARM; i++) await move(probe.visible[i % probe.visible.length]!, 9000 + i);
  await new Promise((r) => setTimeout(r, 2000));
  probe.ask('reset-peak');

  const changes = ratePerSecond * seconds;
  const sentAt = new Float64Array(changes).fill(NaN);
  const writes: Promise<unknown>[] = [];
  const writeMs: number[] = [];
  const started = performance.now();
  for (let seq = 0; seq < changes; seq++) {
    const due = started + (seq * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const at = (sentAt[seq] = now());
    writes.push(move(probe.visible[seq % probe.visible.length]!, seq).then(() => writeMs.push(now() - at)));
  }
  await Promise.all(writes);
  const achievedRate = changes / ((performance.now() - started) / 1000);
  // Stragglers: give both sides a few seconds to show the last changes.
  await new Promise((r) => setTimeout(r, 4000));
  const results = await probe.ask<{ firstSeen: [number, number][]; inStore: [number, number][]; peakRss: number; cpuMs: number }>('results', 'results');
  const { loop } = results as unknown as { loop: LatencyFigures['loop'] };
  const spanMs = performance.now() - started;
  watch.stop();
  await probe.ask('quit');
  await new Promise((r) => probe.child.once('exit', r));
  rmSync(join(probe.entry, '..'), { recursive: true, force: true });

  const tuiSeen = new Map(results.firstSeen);
  const storeSeen = new Map(results.inStore);
  const storeMinusKubectl: number[] = [];
  const frameMinusStore: number[] = [];
  const tui: number[] = [];
  const kubectl: number[] = [];
  const tuiMinusKubectl: number[] = [];
  for (let seq = 0; seq < changes; seq++) {
    const t = tuiSeen.get(seq);
    const k = watch.firstSeen.get(seq);
    if (t !== undefined) tui.push(t - sentAt[seq]!);
    if (k !== undefined) kubectl.push(k - sentAt[seq]!);
    if (t !== undefined && k !== undefined) tuiMinusKubectl.push(t - k);
    const st = storeSeen.get(seq);
    if (st !== undefined && k !== undefined) storeMinusKubectl.push(st - k);
    if (st !== undefined && t !== undefined) frameMinusStore.push(t - st);
  }
  return {
    changes,
    ratePerSecond,
    achievedRate,
    tui,
    kubectl,
    tuiMinusKubectl,
    storeMinusKubectl,
    frameMinusStore,
    tuiMissed: changes - tui.length,
    kubectlMissed: changes - kubectl.length,
    visibleRows: probe.visible.length,
    peakRssMb: results.peakRss / MB,
    rssAtReadyMb: probe.rss / MB,
    failedWrites,
    writes: writeMs,
    tuiCpuMs: results.cpuMs,
    loop,
    spanMs,
  };
}
