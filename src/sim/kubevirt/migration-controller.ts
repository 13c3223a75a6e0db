// The migration controller: drives each VirtualMachineInstanceMigration
// through Pending, Scheduling, Scheduled, PreparingTarget, TargetReady,
// Running to Succeeded or Failed, within the cluster's parallel limits, with
// realistic durations and failures, aborts on delete, and the finalizer
// released once the migration is final.
import type { KubeObject } from '../api/types.js';
import { FINAL_MIGRATION_PHASES, MIGRATION_FINALIZER, isFinalMigration } from './admission.js';
import { type KubeVirtContext, VMIM_KEY, VMI_KEY } from './context.js';
import { collectFinishedMigrations } from './migration-gc.js';
import { type MigrationPlan, beginOnVmi, failOnVmi, mirrorOnVmim, startOnVmi, succeedOnVmi } from './migration-state.js';
import type { PodIps } from './pod-ips.js';
import { Reconciler, type ReconcileResult, nsKey, splitKey } from './reconciler.js';
import { type Scheduler, podNeed } from './scheduler.js';
import { launcherPodName, newPodUid, setCondition, setPhase, statusOf } from './vmi-status.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- status shapes are read loosely, as controllers read unstructured objects

/** Phases in which a migration counts against the parallel limits. */
const ACTIVE = ['Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running'];
const FAILURES: Record<string, string[]> = {
  Scheduling: ['target virt-launcher pod failed to start: container compute exited with code 1'],
  PreparingTarget: ['Target pod is down', 'failed to prepare the target domain: unable to connect to virt-handler on target node'],
  Running: [
    "Live migration failed error encountered during MigrateToURI3 libvirt api call: virError(Code=1, Domain=7, Message='internal error: unable to execute QEMU command 'migrate': Failed to connect to target')",
    'Live migration stuck for 150 sec and has been aborted',
    'Live migration is not completed after 300 sec and has been aborted',
  ],
};

interface Track {
  plan?: MigrationPlan;
  /** When the target pod first failed to schedule. */
  unschedulableSince?: number;
  /** The phase at which this migration will fail, decided once. */
  failAt?: string;
}

export class MigrationController {
  private readonly queue: Reconciler;
  private readonly tracks = new Map<string, Track>();
  /** Current virt-launcher pod name per VMI uid (pods are not served; their names are). */
  private readonly pods = new Map<string, string>();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly ctx: KubeVirtContext,
    private readonly scheduler: Scheduler,
    private readonly ips: PodIps,
  ) {
    this.queue = new Reconciler('migration-controller', ctx.clock, (k) => this.reconcile(k), ctx.log);
    this.unsubscribes.push(
      ctx.client.watch(VMIM_KEY, (ev) => {
        if (ev.type === 'DELETED') this.forget(ev.object);
        else this.queue.enqueue(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!), { urgent: Boolean(ev.object.metadata.deletionTimestamp) });
        // A slot freed by a finished migration lets waiting ones go.
        if (ev.type !== 'ADDED' && isFinalMigration(ev.object) && !(ev.previous && isFinalMigration(ev.previous))) this.wakePending();
      }),
    );
    for (const m of ctx.client.list(VMIM_KEY)) this.queue.enqueue(nsKey(m.metadata.namespace, m.metadata.name!));
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
    this.queue.stop();
  }

  private forget(m: KubeObject): void {
    this.scheduler.release(m.metadata.uid!);
    this.tracks.delete(m.metadata.uid!);
  }

  private wakePending(): void {
    for (const m of this.ctx.client.list(VMIM_KEY)) if ((m as Any).status?.phase === 'Pending') this.queue.enqueue(nsKey(m.metadata.namespace, m.metadata.name!), { urgent: true });
  }

  private podOf(vmi: KubeObject): string {
    const uid = vmi.metadata.uid!;
    let pod = this.pods.get(uid);
    if (!pod) this.pods.set(uid, (pod = launcherPodName(vmi.metadata.name!)));
    return pod;
  }

  private setVmimPhase(m: KubeObject, phase: string, extra: (o: KubeObject) => void = () => {}): void {
    this.ctx.client.modify(
      VMIM_KEY,
      m.metadata.namespace,
      m.metadata.name!,
      (o) => {
        setPhase(o, phase);
        extra(o);
        return o;
      },
      { subresource: 'status' },
    );
  }

  private modifyVmi(ns: string, name: string, fn: (vmi: KubeObject) => void): KubeObject | undefined {
    return this.ctx.client.modify(VMI_KEY, ns, name, (o) => {
      fn(o);
      return o;
    });
  }

  private reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const m = this.ctx.client.get(VMIM_KEY, namespace, name) as Any | undefined;
    if (!m) return;
    const uid: string = m.metadata.uid;
    const track = this.tracks.get(uid) ?? {};
    this.tracks.set(uid, track);
    const phase: string = m.status?.phase ?? 'Pending';
    const vmi = this.ctx.client.get(VMI_KEY, namespace, m.spec?.vmiName) as Any | undefined;

    if (m.metadata.deletionTimestamp) return this.abort(m, vmi, track);
    if (FINAL_MIGRATION_PHASES.includes(phase)) {
      this.scheduler.release(uid);
      if ((m.metadata.finalizers ?? []).includes(MIGRATION_FINALIZER)) {
        this.ctx.client.modify(VMIM_KEY, namespace, name, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== MIGRATION_FINALIZER) } }));
        collectFinishedMigrations(this.ctx, namespace, m.spec?.vmiName);
      }
      return;
    }
    if (!vmi || vmi.metadata.deletionTimestamp || vmi.status?.phase !== 'Running') {
      return this.fail(m, vmi, track, 'Migration failed because the VMI is not running');
    }
    track.failAt ??= this.ctx.clock.chance(this.ctx.options.failureRate) ? this.pickFailurePhase() : 'never';
    if (phase !== 'Pending' && track.failAt === phase && phase !== 'Scheduling') return this.fail(m, vmi, track, this.ctx.clock.pick(FAILURES[phase] ?? ['migration failed'])!);
    switch (phase) {
      case 'Pending':
        return this.fromPending(m, vmi, track);
      case 'Scheduling':
        return this.fromScheduling(m, vmi, track);
      case 'Scheduled':
        return this.handOver(m, vmi, track);
      case 'PreparingTarget':
        this.setVmimPhase(m, 'TargetReady');
        return { requeueAfterMs: this.ctx.clock.jitter(700) };
      case 'TargetReady':
        this.modifyVmi(namespace, vmi.metadata.name, (o) => startOnVmi(o));
        this.setVmimPhase(m, 'Running', (o) => mirrorOnVmim(o, this.ctx.client.get(VMI_KEY, namespace, vmi.metadata.name)));
        return { requeueAfterMs: this.transferMs(vmi) };
      case 'Running':
        return this.succeed(m, vmi, track);
      default:
        return;
    }
  }

  private pickFailurePhase(): string {
    const r = this.ctx.clock.random();
    return r < 0.7 ? 'Running' : r < 0.9 ? 'PreparingTarget' : 'Scheduling';
  }

  /** Memory copy time: a few seconds per GiB of guest memory, as pre-copy over a typical link. */
  private transferMs(vmi: Any): number {
    const gib = podNeed(vmi).memory / 2 ** 30;
    return this.ctx.clock.jitter(Math.max(4000, gib * 6000), 0.4);
  }

  private fromPending(m: Any, vmi: Any, track: Track): ReconcileResult {
    const limits = this.ctx.migrationLimits();
    const active = this.ctx.client.list(VMIM_KEY).filter((x) => ACTIVE.includes((x as Any).status?.phase));
    const source = vmi.status.nodeName as string;
    const outbound = active.filter((x) => {
      const other = this.ctx.client.get(VMI_KEY, x.metadata.namespace, (x as Any).spec?.vmiName) as Any | undefined;
      return other?.status?.nodeName === source;
    });
    // Over either limit the migration waits in Pending and is looked at again every 5s, as KubeVirt requeues it.
    if (active.length >= limits.parallelMigrationsPerCluster || outbound.length >= limits.parallelOutboundMigrationsPerNode) return { requeueAfterMs: 5000 };
    const placed = this.scheduler.schedule(vmi, { excludeNode: source, addedNodeSelector: m.spec?.addedNodeSelector });
    const targetPod = launcherPodName(vmi.metadata.name);
    if (placed.node) {
      const targetNode = placed.node.metadata.name!;
      const address = ((placed.node as Any).status?.addresses ?? []).find((a: Any) => a.type === 'InternalIP')?.address ?? '';
      track.plan = { uid: m.metadata.uid, sourceNode: source, sourcePod: this.podOf(vmi), targetNode, targetPod, targetPodUid: newPodUid(), targetNodeAddress: address };
      this.scheduler.reserve(m.metadata.uid, targetNode, podNeed(vmi));
    } else {
      track.unschedulableSince = Date.now();
      this.ctx.events.record(m, 'Warning', 'FailedScheduling', placed.message ?? 'target pod unschedulable', 'virt-controller');
    }
    this.setVmimPhase(m, 'Scheduling');
    this.ctx.events.record(m, 'Normal', 'SuccessfulCreate', `Created migration target pod ${targetPod}`, 'virt-controller');
    return { requeueAfterMs: this.ctx.clock.jitter(placed.node ? 3500 : 5000) };
  }

  private fromScheduling(m: Any, vmi: Any, track: Track): ReconcileResult {
    if (track.failAt === 'Scheduling') return this.fail(m, vmi, track, FAILURES.Scheduling![0]!);
    if (track.plan) {
      this.setVmimPhase(m, 'Scheduled');
      return { requeueAfterMs: this.ctx.clock.jitter(900) };
    }
    // The target pod stays Pending; KubeVirt gives up after the unschedulable timeout.
    const timeoutS = Number(m.metadata.annotations?.['kubevirt.io/migrationUnschedulablePodTimeoutSeconds'] ?? 300);
    const waitedMs = (Date.now() - (track.unschedulableSince ?? Date.now())) * this.ctx.clock.speed;
    if (waitedMs >= timeoutS * 1000) {
      const why = this.scheduler.schedule(vmi, { excludeNode: vmi.status.nodeName, addedNodeSelector: m.spec?.addedNodeSelector }).message ?? '';
      return this.fail(m, vmi, track, `Migration target pod was removed after being unschedulable for ${timeoutS}s: ${why}`);
    }
    const placed = this.scheduler.schedule(vmi, { excludeNode: vmi.status.nodeName, addedNodeSelector: m.spec?.addedNodeSelector });
    if (placed.node) {
      track.unschedulableSince = undefined;
      return this.fromPendingPlacement(m, vmi, track, placed.node);
    }
    return { requeueAfterMs: Math.min(5000, timeoutS * 1000 - waitedMs + 10) };
  }

  private fromPendingPlacement(m: Any, vmi: Any, track: Track, node: KubeObject): ReconcileResult {
    const targetNode = node.metadata.name!;
    const address = ((node as Any).status?.addresses ?? []).find((a: Any) => a.type === 'InternalIP')?.address ?? '';
    track.plan = { uid: m.metadata.uid, sourceNode: vmi.status.nodeName, sourcePod: this.podOf(vmi), targetNode, targetPod: launcherPodName(vmi.metadata.name), targetPodUid: newPodUid(), targetNodeAddress: address };
    this.scheduler.reserve(m.metadata.uid, targetNode, podNeed(vmi));
    return { requeueAfterMs: this.ctx.clock.jitter(3000) };
  }

  private handOver(m: Any, vmi: Any, track: Track): ReconcileResult {
    const plan = track.plan!;
    this.modifyVmi(vmi.metadata.namespace, vmi.metadata.name, (o) => beginOnVmi(o, plan));
    this.setVmimPhase(m, 'PreparingTarget', (o) => mirrorOnVmim(o, this.ctx.client.get(VMI_KEY, vmi.metadata.namespace, vmi.metadata.name)));
    this.ctx.events.record(m, 'Normal', 'SuccessfulHandOver', 'Migration target pod is ready for preparation by virt-handler.', 'virt-controller');
    return { requeueAfterMs: this.ctx.clock.jitter(2000) };
  }

  private succeed(m: Any, vmi: Any, track: Track): ReconcileResult {
    const plan = track.plan!;
    const ns = vmi.metadata.namespace;
    const updated = this.modifyVmi(ns, vmi.metadata.name, (o) => succeedOnVmi(this.ctx, o, plan, this.ips.allocate(plan.targetNode)));
    this.pods.set(vmi.metadata.uid, plan.targetPod);
    this.setVmimPhase(m, 'Succeeded', (o) => mirrorOnVmim(o, updated));
    this.ctx.events.record(m, 'Normal', 'SuccessfulMigration', 'Source node reported migration succeeded', 'virt-handler');
    this.ctx.log(`migration ${ns}/${m.metadata.name} of ${vmi.metadata.name}: ${plan.sourceNode} -> ${plan.targetNode} succeeded`);
  }

  private fail(m: Any, vmi: Any | undefined, track: Track, reason: string, opts: { aborted?: boolean } = {}): ReconcileResult {
    const plan = track.plan;
    let updated: KubeObject | undefined;
    if (vmi) updated = this.modifyVmi(vmi.metadata.namespace, vmi.metadata.name, (o) => failOnVmi(o, plan, reason, opts));
    this.setVmimPhase(m, 'Failed', (o) => {
      mirrorOnVmim(o, updated);
      if (opts.aborted) setCondition(o, { type: 'migrationAbortRequested', status: 'True', reason: 'MigrationAbortRequested', message: 'Migration abort requested' });
    });
    this.ctx.events.record(m, 'Warning', 'FailedMigration', opts.aborted ? 'Migration failed due to being canceled' : `VirtualMachineInstance migration uid ${m.metadata.uid} failed. reason: ${reason}`, 'virt-handler');
    this.ctx.log(`migration ${m.metadata.namespace}/${m.metadata.name} of ${m.spec?.vmiName} failed: ${reason}`);
    this.scheduler.release(m.metadata.uid);
  }

  /** Deleting a migration cancels it: before hand-off it just fails; while running the source aborts first. */
  private abort(m: Any, vmi: Any | undefined, track: Track): ReconcileResult {
    const phase = m.status?.phase ?? 'Pending';
    if (!FINAL_MIGRATION_PHASES.includes(phase)) {
      if (phase === 'Running' && vmi && !vmi.status?.migrationState?.abortStatus) {
        this.modifyVmi(vmi.metadata.namespace, vmi.metadata.name, (o) => Object.assign(statusOf(o).migrationState ?? {}, { abortRequested: true, abortStatus: 'Aborting' }));
        return { requeueAfterMs: this.ctx.clock.jitter(1500) };
      }
      this.fail(m, vmi, track, 'Migration aborted', { aborted: true });
      return;
    }
    this.ctx.client.modify(VMIM_KEY, m.metadata.namespace, m.metadata.name, (o) => ({
      ...o,
      metadata: { ...o.metadata, finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== MIGRATION_FINALIZER) },
    }));
  }
}

