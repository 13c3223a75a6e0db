// The migration controller: drives each VirtualMachineInstanceMigration
// through Pending, Scheduling, Scheduled, PreparingTarget, TargetReady,
// Running to Succeeded or Failed, within the cluster's parallel limits, with
// realistic durations and failures, aborts on delete, and the finalizer
// released once the migration is final. Events and failure records follow
// KubeVirt v1.7 (see migration-failures.ts).
import type { KubeObject } from '../api/types.js';
import { FINAL_MIGRATION_PHASES, MIGRATION_FINALIZER, isFinalMigration } from './admission.js';
import { type KubeVirtContext, VMIM_KEY, VMI_KEY } from './context.js';
import { type Failure, TRANSFER_FAILURES, reportFailure } from './migration-failures.js';
import { collectFinishedMigrations } from './migration-gc.js';
import { type MigrationPlan, beginOnVmi, failOnVmi, finalOnVmim, startOnVmi, succeedOnVmi } from './migration-state.js';
import type { PodIps } from './pod-ips.js';
import { Reconciler, type ReconcileResult, nsKey, splitKey } from './reconciler.js';
import { type Scheduler, podNeed } from './scheduler.js';
import { launcherPodName, newPodUid, statusOf, setPhase } from './vmi-status.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- status shapes are read loosely, as controllers read unstructured objects

/** Phases after the controller handed the target to virt-handler: a delete now means an abort by the source. */
const HANDED_OFF = ['PreparingTarget', 'TargetReady', 'Running'];
/** virt-controller's recorder for VMIs and migrations. */
const CONTROLLER = 'virtualmachine-controller';
/** virt-controller's defaults: --migration-unschedulable-pod-timeout / catch-all pending pod timeout. */
const UNSCHEDULABLE_TIMEOUT_S = 300;
const PENDING_TIMEOUT_S = 900;

interface Track {
  plan?: MigrationPlan;
  /** The target pod's name once created (it exists from Scheduling on). */
  targetPod?: string;
  /** Wall-clock time the target pod was created, for the pending timeouts. */
  podCreatedAt?: number;
  /** The phase at which this migration will fail, decided once ('never' when it will not). */
  failAt?: string;
  /** Whether the unschedulable target pod has been reported (events are recorded once, not every retry). */
  unschedulableNoted?: boolean;
}

export class MigrationController {
  private readonly queue: Reconciler;
  private readonly tracks = new Map<string, Track>();
  /** Current virt-launcher pod name per VMI uid (pods are not served; their names are). */
  private readonly pods = new Map<string, string>();
  /** Source node of every active migration (Scheduling..Running), by uid: what the parallel limits count. */
  private readonly active = new Map<string, string>();
  /** Keys of migrations waiting in Pending, woken when a slot frees. */
  private readonly pending = new Set<string>();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly ctx: KubeVirtContext,
    private readonly scheduler: Scheduler,
    private readonly ips: PodIps,
  ) {
    this.queue = new Reconciler('migration-controller', ctx.clock, (k) => this.reconcile(k), ctx.log);
    this.unsubscribes.push(
      ctx.client.watch(VMIM_KEY, (ev) => {
        const key = nsKey(ev.object.metadata.namespace, ev.object.metadata.name!);
        if (ev.type !== 'DELETED' && ((ev.object as Any).status?.phase ?? 'Pending') === 'Pending') this.pending.add(key);
        else this.pending.delete(key);
        if (ev.type === 'DELETED') this.forget(ev.object);
        else this.queue.enqueue(key, { urgent: Boolean(ev.object.metadata.deletionTimestamp) });
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
    this.active.delete(m.metadata.uid!);
  }

  private wakePending(): void {
    for (const key of this.pending) this.queue.enqueue(key, { urgent: true });
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

    if (FINAL_MIGRATION_PHASES.includes(phase)) return this.finalize(m);
    if (!vmi || vmi.metadata.deletionTimestamp) return this.fail(m, vmi, track, { kind: 'vmi-gone' });
    if (vmi.status?.phase !== 'Running') return this.fail(m, vmi, track, { kind: 'vmi-not-running' });
    if (m.metadata.deletionTimestamp) return this.cancel(m, vmi, track, phase);
    track.failAt ??= this.ctx.clock.chance(this.ctx.options.failureRate) ? this.pickFailurePhase() : 'never';
    switch (phase) {
      case 'Pending':
        return this.fromPending(m, vmi, track);
      case 'Scheduling':
        return this.fromScheduling(m, vmi, track);
      case 'Scheduled':
        return this.handOver(m, vmi, track);
      case 'PreparingTarget':
        if (track.failAt === 'PreparingTarget') return this.fail(m, vmi, track, { kind: 'target-down' });
        this.setVmimPhase(m, 'TargetReady');
        return { requeueAfterMs: this.ctx.clock.jitter(700) };
      case 'TargetReady':
        this.modifyVmi(namespace, vmi.metadata.name, (o) => startOnVmi(o));
        this.setVmimPhase(m, 'Running');
        return { requeueAfterMs: this.transferMs(vmi) };
      case 'Running':
        if (track.failAt === 'Running') return this.fail(m, vmi, track, { kind: 'handler', reason: this.ctx.clock.pick(TRANSFER_FAILURES)! });
        return this.succeed(m, vmi, track);
      default:
        return;
    }
  }

  /** A final migration lets go of its finalizer; the five newest finished ones per VMI are kept. */
  private finalize(m: Any): ReconcileResult {
    this.scheduler.release(m.metadata.uid);
    this.active.delete(m.metadata.uid);
    if (!(m.metadata.finalizers ?? []).includes(MIGRATION_FINALIZER)) return;
    this.ctx.client.modify(VMIM_KEY, m.metadata.namespace, m.metadata.name, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== MIGRATION_FINALIZER) } }));
    if (!m.metadata.deletionTimestamp) collectFinishedMigrations(this.ctx, m.metadata.namespace, m.spec?.vmiName);
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
    const source = vmi.status.nodeName as string;
    let outbound = 0;
    for (const node of this.active.values()) if (node === source) outbound++;
    // While Pending the migration records its source pod (controller.SetSourcePod).
    if (!m.status?.migrationState?.sourcePod) {
      this.ctx.client.modify(VMIM_KEY, m.metadata.namespace, m.metadata.name, (o) => ((statusOf(o).migrationState = { sourcePod: this.podOf(vmi) }), o), { subresource: 'status' });
    }
    // Over either limit the migration waits in Pending and is looked at again every 5s, as KubeVirt requeues it.
    if (this.active.size >= limits.parallelMigrationsPerCluster || outbound >= limits.parallelOutboundMigrationsPerNode) return { requeueAfterMs: 5000 };
    this.active.set(m.metadata.uid, source);
    track.targetPod = launcherPodName(vmi.metadata.name);
    track.podCreatedAt = Date.now();
    this.setVmimPhase(m, 'Scheduling');
    this.ctx.events.record(m, 'Normal', 'SuccessfulCreate', `Created migration target pod ${track.targetPod}`, CONTROLLER);
    return this.place(m, vmi, track);
  }

  /** The scheduler binds the target pod (never to the source node), or it stays Pending and Unschedulable. */
  private place(m: Any, vmi: Any, track: Track): ReconcileResult {
    const placed = this.scheduler.schedule(vmi, { excludeNode: vmi.status.nodeName, addedNodeSelector: m.spec?.addedNodeSelector });
    if (placed.node) {
      const targetNode = placed.node.metadata.name!;
      const address = ((placed.node as Any).status?.addresses ?? []).find((a: Any) => a.type === 'InternalIP')?.address ?? '';
      track.plan = { uid: m.metadata.uid, sourceNode: vmi.status.nodeName, sourcePod: this.podOf(vmi), targetNode, targetPod: track.targetPod!, targetPodUid: newPodUid(), targetNodeAddress: address };
      this.scheduler.reserve(m.metadata.uid, targetNode, podNeed(vmi));
      return { requeueAfterMs: this.ctx.clock.jitter(3500) };
    }
    if (!track.unschedulableNoted) {
      track.unschedulableNoted = true;
      // The scheduler reports on the pod; KubeVirt notes it on the migration.
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: track.targetPod, namespace: vmi.metadata.namespace, uid: newPodUid() } } as KubeObject;
      this.ctx.events.record(pod, 'Warning', 'FailedScheduling', placed.message ?? 'target pod unschedulable', 'default-scheduler');
      this.ctx.events.record(m, 'Warning', 'migrationTargetPodUnschedulable', `Migration target pod for VMI [${vmi.metadata.namespace}/${vmi.metadata.name}] is currently unschedulable.`, CONTROLLER);
    }
    return { requeueAfterMs: 5000 };
  }

  private fromScheduling(m: Any, vmi: Any, track: Track): ReconcileResult {
    if (track.failAt === 'Scheduling') return this.fail(m, vmi, track, { kind: 'target-pod-failed' });
    if (track.plan) {
      this.setVmimPhase(m, 'Scheduled');
      return { requeueAfterMs: this.ctx.clock.jitter(900) };
    }
    // The target pod stays Pending; KubeVirt deletes it after the unschedulable (or catch-all pending) timeout.
    const annotation = (k: string, d: number) => {
      const v = Number.parseInt(m.metadata.annotations?.[`kubevirt.io/${k}`] ?? '', 10);
      return Number.isFinite(v) ? v : d;
    };
    const unschedulableS = annotation('migrationUnschedulablePodTimeoutSeconds', UNSCHEDULABLE_TIMEOUT_S);
    const pendingS = annotation('migrationPendingPodTimeoutSeconds', PENDING_TIMEOUT_S);
    const waitedMs = (Date.now() - (track.podCreatedAt ?? Date.now())) * this.ctx.clock.speed;
    if (waitedMs >= Math.min(unschedulableS, pendingS) * 1000) {
      return this.fail(m, vmi, track, { kind: 'pod-timeout', namespace: vmi.metadata.namespace, pod: track.targetPod!, unschedulable: unschedulableS <= pendingS });
    }
    const placed = this.place(m, vmi, track);
    if (track.plan) return placed;
    return { requeueAfterMs: Math.max(10, Math.min(5000, Math.min(unschedulableS, pendingS) * 1000 - waitedMs + 10)) };
  }

  private handOver(m: Any, vmi: Any, track: Track): ReconcileResult {
    const plan = track.plan!;
    const config = this.ctx.migrationLimits();
    this.modifyVmi(vmi.metadata.namespace, vmi.metadata.name, (o) => beginOnVmi(o, plan, config));
    this.setVmimPhase(m, 'PreparingTarget');
    this.ctx.events.record(m, 'Normal', 'SuccessfulHandOver', 'Migration target pod is ready for preparation by virt-handler.', CONTROLLER);
    return { requeueAfterMs: this.ctx.clock.jitter(2000) };
  }

  private succeed(m: Any, vmi: Any, track: Track): ReconcileResult {
    const plan = track.plan!;
    const ns = vmi.metadata.namespace;
    const updated = this.modifyVmi(ns, vmi.metadata.name, (o) => succeedOnVmi(this.ctx, o, plan, this.ips.allocate(plan.targetNode)));
    this.pods.set(vmi.metadata.uid, plan.targetPod);
    this.active.delete(m.metadata.uid);
    this.setVmimPhase(m, 'Succeeded', (o) => finalOnVmim(o, updated));
    this.ctx.events.record(m, 'Normal', 'SuccessfulMigration', 'Source node reported migration succeeded', CONTROLLER);
    if (updated) this.ctx.events.record(updated, 'Normal', 'Migrated', `The VirtualMachineInstance migrated to node ${plan.targetNode}.`, 'virt-handler');
    this.ctx.log(`migration ${ns}/${m.metadata.name} of ${vmi.metadata.name}: ${plan.sourceNode} -> ${plan.targetNode} succeeded`);
  }

  private fail(m: Any, vmi: Any | undefined, track: Track, failure: Failure): ReconcileResult {
    const report = reportFailure(failure);
    this.active.delete(m.metadata.uid);
    const plan = track.plan;
    const handedOff = Boolean(plan && vmi?.status?.migrationState?.migrationUid === m.metadata.uid);
    let updated: KubeObject | undefined = vmi;
    if (vmi) updated = this.modifyVmi(vmi.metadata.namespace, vmi.metadata.name, (o) => failOnVmi(o, plan, handedOff ? report : undefined));
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.setVmimPhase(m, 'Failed', (o) => {
      finalOnVmim(o, updated);
      const st = statusOf(o);
      if (report.abortCondition && !(st.conditions ?? []).some((c: Any) => c.type === 'migrationAbortRequested')) {
        // virt-controller sets only type, status and lastProbeTime on this condition.
        st.conditions = [...(st.conditions ?? []), { type: 'migrationAbortRequested', status: 'True', lastProbeTime: now, lastTransitionTime: null }];
      }
    });
    for (const e of report.onMigration) this.ctx.events.record(m, e.type, e.reason, e.message, e.component);
    if (vmi && report.onVmi && handedOff) this.ctx.events.record(vmi, report.onVmi.type, report.onVmi.reason, report.onVmi.message.replace('{uid}', m.metadata.uid), report.onVmi.component);
    this.ctx.log(`migration ${m.metadata.namespace}/${m.metadata.name} of ${m.spec?.vmiName} failed: ${report.failureReason ?? report.onMigration.at(-1)?.message}`);
    this.scheduler.release(m.metadata.uid);
  }

  /** Deleting a migration cancels it: before hand-off the controller fails it; after, the source aborts the transfer first. */
  private cancel(m: Any, vmi: Any, track: Track, phase: string): ReconcileResult {
    if (!HANDED_OFF.includes(phase)) return this.fail(m, vmi, track, { kind: 'canceled', namespace: vmi.metadata.namespace, pod: phase === 'Pending' ? undefined : track.targetPod });
    if (vmi.status?.migrationState?.abortStatus !== 'Aborting') {
      this.modifyVmi(vmi.metadata.namespace, vmi.metadata.name, (o) => Object.assign(statusOf(o).migrationState ?? {}, { abortRequested: true, abortStatus: 'Aborting' }));
      return { requeueAfterMs: this.ctx.clock.jitter(1500) };
    }
    return this.fail(m, vmi, track, { kind: 'aborted' });
  }
}
