// Child process of the KubeVirt benchmark: starts the simulated cluster (API
// server + KubeVirt) with the options it is given, times the seeding from the
// inside, and reports where kubectl and client-node can reach it. Running it
// apart keeps the benchmark's own clients off the server's event loop.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimClusterOptions, startSimCluster } from '../src/sim/cluster.js';

export interface ClusterInfo {
  url: string;
  kubeconfig: string;
  /** Wall-clock time (Date.now()) just before the cluster was started. */
  startedAt: number;
  /** Start of the cluster to all seeded VMIs Running in its store, and the CPU it took. */
  seedMs: number;
  seedCpuMs: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as SimClusterOptions;
const startedAt = Date.now();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const cluster = await startSimCluster({ ...opts, log: () => {} });
const seedMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kubevirt-bench-')), 'kubeconfig');
cluster.api.writeKubeconfig(kubeconfig);
const info: ClusterInfo = { url: cluster.api.url, kubeconfig, startedAt, seedMs, seedCpuMs: (cpu.user + cpu.system) / 1000 };
process.send!(info);
process.once('SIGTERM', () => {
  void cluster.stop().then(() => process.exit(0));
});
