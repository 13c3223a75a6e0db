// `npm run bench`: the TUI against the simulated cluster with 5,000 VMIs on
// 100 nodes, side by side with kubectl in one run: the time from a change in
// the cluster (100 changes/s) to the TUI frame showing it versus `kubectl get
// vmi -w` printing it; the TUI's resident memory; the time from start to the
// first frame versus `kubectl version --client`. Goals on a 2-core machine:
// frame p95 within 50 ms of kubectl's, memory under 250 MB, first frame under
// 600 ms. It reports and never fails on the figures; its last line is one
// JSON object of them. BENCH_SECONDS and BENCH_RATE change the change stream,
// BENCH_STARTS the number of start-ups timed; BENCH_PROFILE=<dir> writes a
// CPU profile of the TUI, BENCH_NODE_FLAGS passes it node flags, and
// BENCH_MEMORY=1 prints its memory breakdown. The TUI runs as a bundle built
// like the CLI's (bench/lib/build-probe.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotCli } from '../test/helpers/built-cli.js';
import { timeToExit, timeToFirstFrame } from './lib/first-frame.js';
import { startSim } from './lib/sim-process.js';
import { median, quantile, round1 } from './lib/stats.js';
import { measureLatency } from './lib/tui-latency.js';

const VMS = 5000;
const NODES = 100;
const NAMESPACE = 'virtwork';
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STARTS = Number(process.env.BENCH_STARTS ?? 7);
const GOALS = { frameOverKubectlMs: 50, rssMb: 250, firstFrameMs: 600 };

// A copy of the fresh build: other builds of this checkout may replace dist/ during the run.
const cli = await snapshotCli();
const mark = (ok: boolean) => (ok ? 'within the goal' : 'OVER the goal');

const sim = await startSim(cli, VMS, NODES);
try {
  console.log(`simulated cluster (separate process): ${VMS} VMIs on ${NODES} nodes, ready in ${round1(sim.startMs / 1000)} s at ${sim.url}`);

  const lat = await measureLatency(sim.kubeconfig, NAMESPACE, VMS, RATE, SECONDS);
  const tuiP50 = median(lat.tui);
  const tuiP95 = quantile(lat.tui, 0.95);
  const kubectlP50 = median(lat.kubectl);
  const kubectlP95 = quantile(lat.kubectl, 0.95);
  console.log(`\nchange -> screen, ${lat.changes} node changes at ${lat.ratePerSecond}/s (achieved ${round1(lat.achievedRate)}/s) on the ${lat.visibleRows} visible rows:`);
  console.log(`  TUI frame:      p50 ${round1(tuiP50)} ms, p95 ${round1(tuiP95)} ms, max ${round1(quantile(lat.tui, 1))} ms (${lat.tui.length} shown, ${lat.tuiMissed} overtaken before a frame)`);
  console.log(`  kubectl get -w: p50 ${round1(kubectlP50)} ms, p95 ${round1(kubectlP95)} ms, max ${round1(quantile(lat.kubectl, 1))} ms (${lat.kubectl.length} printed, ${lat.kubectlMissed} missing)`);
  console.log(`  TUI p95 - kubectl p95: ${round1(tuiP95 - kubectlP95)} ms (goal ${GOALS.frameOverKubectlMs} ms: ${mark(tuiP95 - kubectlP95 <= GOALS.frameOverKubectlMs)})`);
  console.log(`  per change, TUI frame - kubectl print: p50 ${round1(median(lat.tuiMinusKubectl))} ms, p95 ${round1(quantile(lat.tuiMinusKubectl, 0.95))} ms`);
  console.log(`    of which kubectl print -> TUI store: p50 ${round1(median(lat.storeMinusKubectl))} ms, p95 ${round1(quantile(lat.storeMinusKubectl, 0.95))} ms; store -> frame: p50 ${round1(median(lat.frameMinusStore))} ms, p95 ${round1(quantile(lat.frameMinusStore, 0.95))} ms`);
  console.log(`  the writes themselves (send to answer): p50 ${round1(median(lat.writes))} ms, p95 ${round1(quantile(lat.writes, 0.95))} ms${lat.failedWrites ? `, ${lat.failedWrites} failed` : ''}`);
  console.log(`  TUI CPU meanwhile: ${round1((lat.tuiCpuMs / lat.spanMs) * 100)}% of one core (${round1(lat.tuiCpuMs / lat.changes)} ms per change); its event loop delay p50 ${round1(lat.loop.p50)} ms, p99 ${round1(lat.loop.p99)} ms, max ${round1(lat.loop.max)} ms`);
  console.log(`\nTUI resident memory: ${round1(lat.rssAtReadyMb)} MB on the dashboard, peak ${round1(lat.peakRssMb)} MB during the changes (goal ${GOALS.rssMb} MB: ${mark(lat.peakRssMb <= GOALS.rssMb)})`);

  const frames: number[] = [];
  for (let i = 0; i < STARTS; i++) frames.push(await timeToFirstFrame(`${process.execPath} ${cli} --kubeconfig ${sim.kubeconfig}`, 'virtwork-chaos-tui'));
  const versions: number[] = [];
  for (let i = 0; i < STARTS; i++) versions.push(await timeToExit('kubectl', ['version', '--client']));
  const firstFrame = median(frames);
  const kubectlVersion = median(versions);
  console.log(`\nstart -> first frame of node dist/cli.js in a pty (median of ${STARTS}): ${round1(firstFrame)} ms, max ${round1(quantile(frames, 1))} ms (goal ${GOALS.firstFrameMs} ms: ${mark(firstFrame <= GOALS.firstFrameMs)})`);
  console.log(`kubectl version --client, spawn to exit (median of ${STARTS}): ${round1(kubectlVersion)} ms`);

  console.log(
    JSON.stringify({
      frame_p50_ms: round1(tuiP50),
      frame_p95_ms: round1(tuiP95),
      kubectl_p50_ms: round1(kubectlP50),
      kubectl_p95_ms: round1(kubectlP95),
      frame_minus_kubectl_p95_ms: round1(quantile(lat.tuiMinusKubectl, 0.95)),
      frames_shown: lat.tui.length,
      changes: lat.changes,
      write_p95_ms: round1(quantile(lat.writes, 0.95)),
      tui_cpu_pct: round1((lat.tuiCpuMs / lat.spanMs) * 100),
      rss_mb: round1(lat.peakRssMb),
      first_frame_ms: round1(firstFrame),
      kubectl_version_ms: round1(kubectlVersion),
    }),
  );
} finally {
  await sim.stop();
  rmSync(join(cli, '..'), { recursive: true, force: true });
}
