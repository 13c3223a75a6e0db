// The simulated KubeVirt under load, measured only over HTTPS with the real
// @kubernetes/client-node: (a) seeding 5,000 VMIs on 100 nodes until a list
// shows them all Running (target under 10 s on a 2-core machine); (b) 50
// migrations in flight at once after raising the KubeVirt CR's parallel
// limits; (c) watch events per second delivered to client-node watches of
// VMIs and VMIMs while migrations churn. The cluster runs in a child process.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import type { ClusterInfo } from './kubevirt-cluster.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const NODES = 100;
const VMIS = 5000;
const SEED_TARGET_MS = 10_000;
const BURST = 50;
/** Migrations kept in flight during the sustained phase, and for how long. */
const CHURN_IN_FLIGHT = 200;
const CHURN_MS = 20_000;
/** Speed factor: a 2 GiB guest's migration takes about 4 s, so a burst of 50 overlaps fully. */
const SPEED = 5;
const NS = 'virtwork';
const ACTIVE = new Set(['Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running']);
const KV = { group: 'kubevirt.io', version: 'v1' };

const round = (n: number) => Math.round(n);
const say = (line: string) => console.log(`kubevirt bench: ${line}`);

function startCluster(): Promise<{ info: ClusterInfo; stop(): void }> {
  const entry = fileURLToPath(new URL('./kubevirt-cluster.ts', import.meta.url));
  const opts = { nodes: NODES, vms: VMIS, speed: SPEED, seed: 42, failureRate: 0 };
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of the cluster process there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(entry, [JSON.stringify(opts)], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`benchmark cluster exited with ${code}`)));
    child.once('message', (info) => resolve({ info: info as ClusterInfo, stop: () => child.kill('SIGTERM') }));
  });
}

/** Client-node watches of VMIs and VMIMs in all namespaces, from a list's resourceVersion; counts events and tracks migration phases. */
class Observer {
  vmiEvents = 0;
  vmimEvents = 0;
  errors = 0;
  readonly phases = new Map<string, string>();
  peakActive = 0;
  onFinal: (name: string, phase: string) => void = () => {};
  private readonly controllers: AbortController[] = [];

  constructor(private readonly kc: KubeConfig) {}

  async start(vmiRv: string, vmimRv: string): Promise<void> {
    const w = new Watch(this.kc);
    const done = (err: unknown) => {
      if (err && !/aborted/i.test(String((err as Error).message ?? err))) this.errors++;
    };
    this.controllers.push(await w.watch(`/apis/kubevirt.io/v1/virtualmachineinstances`, { resourceVersion: vmiRv }, () => this.vmiEvents++, done));
    this.controllers.push(await w.watch(`/apis/kubevirt.io/v1/virtualmachineinstancemigrations`, { resourceVersion: vmimRv }, (type, obj: Any) => this.vmim(type, obj), done));
  }

  private vmim(type: string, obj: Any): void {
    this.vmimEvents++;
    const name = obj.metadata.name as string;
    const before = this.phases.get(name);
    const phase = type === 'DELETED' ? 'Deleted' : (obj.status?.phase ?? '');
    this.phases.set(name, phase);
    let active = 0;
    for (const p of this.phases.values()) if (ACTIVE.has(p)) active++;
    this.peakActive = Math.max(this.peakActive, active);
    if ((phase === 'Succeeded' || phase === 'Failed') && before !== phase && before !== 'Succeeded' && before !== 'Failed') this.onFinal(name, phase);
  }

  get total(): number {
    return this.vmiEvents + this.vmimEvents;
  }

  stop(): void {
    for (const c of this.controllers) c.abort();
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

export async function runKubevirtBench(): Promise<Record<string, number>> {
  const cluster = await startCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.info.kubeconfig);
  const api = kc.makeApiClient(CustomObjectsApi);
  const observer = new Observer(kc);
  try {
    // (a) Seeding, until an HTTPS list shows every VMI Running.
    const listStart = performance.now();
    const list = (await api.listClusterCustomObject({ ...KV, plural: 'virtualmachineinstances' })) as Any;
    const listMs = performance.now() - listStart;
    const running = (list.items as Any[]).filter((v) => v.status?.phase === 'Running');
    const seenMs = Date.now() - cluster.info.startedAt;
    if (running.length !== VMIS) throw new Error(`expected ${VMIS} Running VMIs, listed ${running.length}`);
    const nodesUsed = new Set(running.map((v) => v.status.nodeName)).size;
    say(`seeded ${VMIS} VMIs on ${NODES} nodes: all Running in ${round(cluster.info.seedMs)} ms inside the server (${round(cluster.info.seedCpuMs)} ms CPU), seen Running over HTTPS ${seenMs} ms after start (target ${SEED_TARGET_MS} ms: ${seenMs <= SEED_TARGET_MS ? 'within' : 'OVER'}; the client-node LIST of all ${VMIS} took ${round(listMs)} ms); ${nodesUsed} nodes in use`);

    // (b) 50 migrations at once, with the limits raised on the KubeVirt CR.
    await api.patchNamespacedCustomObject(
      { ...KV, namespace: 'kubevirt', plural: 'kubevirts', name: 'kubevirt', body: { spec: { configuration: { migrations: { parallelMigrationsPerCluster: 1000, parallelOutboundMigrationsPerNode: 100 } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const vmims = (await api.listNamespacedCustomObject({ ...KV, namespace: NS, plural: 'virtualmachineinstancemigrations' })) as Any;
    await observer.start(list.metadata.resourceVersion, vmims.metadata.resourceVersion);
    const pool = running.filter((v) => v.status.conditions.some((c: Any) => c.type === 'LiveMigratable' && c.status === 'True')).map((v) => v.metadata.name as string);
    const create = (vmi: string, name: string) =>
      api.createNamespacedCustomObject({ ...KV, namespace: NS, plural: 'virtualmachineinstancemigrations', body: { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name }, spec: { vmiName: vmi } } });
    const burst = pool.slice(0, BURST);
    const t0 = performance.now();
    await Promise.all(burst.map((vmi, i) => create(vmi, `burst-${i}`)));
    const createdMs = performance.now() - t0;
    const burstDone = () => burst.every((_, i) => observer.phases.get(`burst-${i}`) === 'Succeeded');
    await until(burstDone, 60_000, 'the burst to succeed');
    const burstMs = performance.now() - t0;
    const peak = observer.peakActive;
    say(`${BURST} migrations created over HTTPS in ${round(createdMs)} ms; ${peak} in flight at once at the peak; all Succeeded ${round(burstMs)} ms after the first create (speed ${SPEED}: ~${round((burstMs * SPEED) / 1000)} s of simulated time)`);

    // (c) Sustained churn: keep CHURN_IN_FLIGHT migrations going, count watch events.
    const queue = pool.slice(BURST);
    const busy = new Map<string, string>(); // migration name -> VMI
    let serial = 0;
    let completed = 0;
    let refused = 0;
    let churning = true;
    const launch = () => {
      const vmi = queue.shift();
      if (!vmi) return;
      const name = `churn-${serial++}`;
      busy.set(name, vmi);
      create(vmi, name).catch(() => {
        refused++;
        busy.delete(name);
        queue.push(vmi);
      });
    };
    observer.onFinal = (name) => {
      const vmi = busy.get(name);
      if (!vmi) return;
      busy.delete(name);
      completed++;
      queue.push(vmi);
      if (churning) launch();
    };
    for (let i = 0; i < CHURN_IN_FLIGHT; i++) launch();
    await wait(2000); // ramp up: the window starts with the pipeline full
    const e0 = { vmi: observer.vmiEvents, vmim: observer.vmimEvents, done: completed, at: performance.now() };
    await wait(CHURN_MS);
    const secs = (performance.now() - e0.at) / 1000;
    const vmiRate = (observer.vmiEvents - e0.vmi) / secs;
    const vmimRate = (observer.vmimEvents - e0.vmim) / secs;
    const migRate = (completed - e0.done) / secs;
    churning = false;
    say(`sustained over ${secs.toFixed(1)} s with ${CHURN_IN_FLIGHT} migrations kept in flight: ${round(vmiRate + vmimRate)} watch events/s delivered to client-node (${round(vmiRate)} VMI + ${round(vmimRate)} VMIM), ${migRate.toFixed(1)} migrations/s completed; ${refused} creates refused, ${observer.errors} watch errors`);

    return {
      seedVmis: VMIS,
      seedNodes: NODES,
      seedInServerMs: round(cluster.info.seedMs),
      seedInServerCpuMs: round(cluster.info.seedCpuMs),
      seedSeenRunningOverHttpsMs: seenMs,
      listAllVmisMs: round(listMs),
      burstMigrations: BURST,
      burstCreateMs: round(createdMs),
      burstPeakInFlight: peak,
      burstAllSucceededMs: round(burstMs),
      churnInFlight: CHURN_IN_FLIGHT,
      churnSeconds: Math.round(secs * 10) / 10,
      watchEventsPerSec: round(vmiRate + vmimRate),
      watchVmiEventsPerSec: round(vmiRate),
      watchVmimEventsPerSec: round(vmimRate),
      migrationsPerSec: Math.round(migRate * 10) / 10,
      watchErrors: observer.errors,
    };
  } finally {
    observer.stop();
    cluster.stop();
  }
}
