// deploy: creates or updates exactly the objects `render` produces, in their
// order, then waits until the controller runs. Idempotent:
//   - ServiceAccount, Role, RoleBinding, both ConfigMaps, the cloud-init
//     Secret and the VirtualMachine are server-side applied (field manager
//     virtwork-chaos-tui, forced), so a re-apply of the same settings writes
//     nothing. The config ConfigMap is rendered without `paused` and the
//     status ConfigMap without data, so neither the paused state nor the
//     controller's status and history are ever touched after creation.
//   - The token Secret is created when absent and otherwise left alone (its
//     data belongs to the token controller); only its labels follow the run id.
//   - A RoleBinding whose roleRef differs is deleted and re-created (roleRef
//     is immutable).
//   - The VM is created only after the token controller has filled the token
//     Secret: a VM that boots first gets an empty token disk.
//   - A running VMI that predates the applied cloud-init or VM spec is
//     restarted (deploy-restart.ts); a current one is left running.
// A run killed at any step leaves only complete objects behind and completes
// when run again. A failed step is explained in one sentence and rolled back
// by deploy-rollback.ts's rule: what this run created is deleted, what
// existed before stays. An aborted run (the AbortSignal) stops where it is,
// like a killed process: nothing is rolled back.
import { renderManifests, type K8sObject } from '../cloudinit/manifests.js';
import {
  CLOUDINIT_SECRET_NAME,
  CONFIG_MAP_NAME,
  CONTROLLER_NAME,
  STATUS_MAP_NAME,
  TOKEN_SECRET_NAME,
  VM_NAME,
} from '../cloudinit/names.js';
import type { Settings } from '../cloudinit/settings.js';
import type { ControllerStatus } from '../cloudinit/status-format.js';
import {
  type ApplyOutcome,
  applyObject,
  createIfAbsent,
  deleteObject,
  type LiveObject,
  readObject,
  refOf,
} from './apply.js';
import type { Connection } from './connection.js';
import { readStatusMap } from './control-status.js';
import { ClusterError, describeError } from './errors.js';
import { restartVmi, staleVmi, vmiRef } from './deploy-restart.js';
import { type CreatedObject, rollbackCreated } from './deploy-rollback.js';
import { type DeployStep, StepTracker } from './deploy-steps.js';
import { AbortedError, pollUntil, throwIfAborted } from './wait.js';
import { formatDuration } from './wait-duration.js';
import { waitUntilGone } from './wait-gone.js';

export type { DeployStep } from './deploy-steps.js';

export const DEFAULT_DEPLOY_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_TOKEN_TIMEOUT_MS = 60_000;

export interface DeployOptions {
  onStep?: (s: DeployStep) => void;
  signal?: AbortSignal;
  /** The whole deploy, waits included (default 10 minutes). */
  timeoutMs?: number;
  /** How long the token controller gets to fill the token Secret (default 60 s, within timeoutMs). */
  tokenTimeoutMs?: number;
  /** Pause between two polls while waiting (default 500 ms). */
  pollMs?: number;
}

export interface DeployedObject {
  kind: string;
  name: string;
  outcome: ApplyOutcome;
}

export interface DeployResult {
  namespace: string;
  runId: string;
  /** Every rendered object and what this run did to it. */
  objects: DeployedObject[];
  /** Why the controller's VMI was restarted; undefined when it was not. */
  restarted?: string;
  vmi: { name: string; phase: string; node?: string };
  controller: { heartbeat: string; state?: string };
  steps: DeployStep[];
}

/** A deploy that failed; what it had created is gone again unless listed in `leftBehind`. */
export class DeployError extends ClusterError {
  constructor(
    message: string,
    readonly steps: DeployStep[],
    /** "Kind name" of each object this run created and then removed. */
    readonly removed: string[],
    /** One sentence per created object the rollback could not remove. */
    readonly leftBehind: string[],
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

/** The step id and title of each rendered object (ids are stable: the TUI and tests key on them). */
function stepFor(obj: K8sObject): { id: string; title: string } {
  const name = obj.metadata.name;
  const id =
    obj.kind === 'ServiceAccount'
      ? 'service-account'
      : obj.kind === 'Role'
        ? 'role'
        : obj.kind === 'RoleBinding'
          ? 'role-binding'
          : obj.kind === 'VirtualMachine'
            ? 'virtual-machine'
            : name === TOKEN_SECRET_NAME
              ? 'token-secret'
              : name === CONFIG_MAP_NAME
                ? 'config-map'
                : name === STATUS_MAP_NAME
                  ? 'status-map'
                  : name === CLOUDINIT_SECRET_NAME
                    ? 'cloud-init-secret'
                    : `${obj.kind.toLowerCase()}-${name}`;
  return { id, title: `${obj.kind} ${name}` };
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/** RoleBinding roleRef is immutable: a different one means delete and re-create. */
async function applyRoleBinding(conn: Connection, obj: K8sObject, pollMs: number | undefined) {
  const ref = refOf(obj);
  const live = await readObject(conn, ref);
  const want = obj.roleRef as Any;
  const have = live?.roleRef as Any | undefined;
  if (live && have && (have.apiGroup !== want.apiGroup || have.kind !== want.kind || have.name !== want.name)) {
    await deleteObject(conn, ref, { uid: live.metadata?.uid });
    await waitUntilGone(conn, [{ ...ref, uid: live.metadata?.uid }], { timeoutMs: 30_000, pollMs });
    const r = await applyObject(conn, obj);
    return { live: r.live, outcome: 'updated' as const, detail: `re-created: its roleRef was ${have.kind} ${have.name}` };
  }
  return applyObject(conn, obj);
}

function outcomeDetail(obj: K8sObject, outcome: ApplyOutcome, live: LiveObject): string {
  if (obj.metadata.name === CONFIG_MAP_NAME) {
    const paused = (live as Any).data?.paused;
    return paused === undefined ? outcome : `${outcome}; paused=${paused} kept`;
  }
  if (obj.metadata.name === STATUS_MAP_NAME && outcome !== 'created') return `${outcome}; the controller's data is left as it is`;
  if (obj.metadata.name === TOKEN_SECRET_NAME && outcome !== 'created') return `${outcome === 'updated' ? 'relabelled' : 'exists'}; its token is left as it is`;
  return outcome;
}

/** Why a VMI is not Running yet, from its phase and scheduling condition, or the VM's printable status. */
async function vmiProgress(conn: Connection, namespace: string, vmi: LiveObject | undefined): Promise<string> {
  if (vmi) {
    const st = (vmi as Any).status ?? {};
    const sched = (st.conditions ?? []).find((c: Any) => c.type === 'PodScheduled' && c.status === 'False');
    const phase = st.phase || 'Pending';
    return sched ? `phase ${phase}, ${sched.reason ?? 'not scheduled'}: ${oneLine(String(sched.message ?? ''))}` : `phase ${phase}`;
  }
  try {
    const vm = await readObject(conn, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: VM_NAME, namespace });
    const printable = (vm as Any | undefined)?.status?.printableStatus;
    return printable ? `no VMI yet, VM status ${printable}` : 'no VMI yet';
  } catch {
    return 'no VMI yet';
  }
}

/** A hint for the failures people hit most, appended to the sentence. */
function hintFor(message: string, namespace: string): string {
  if (/attempting to grant RBAC permissions not currently held/.test(message)) {
    return ` (the Role grants what you do not hold: ask a cluster admin to bind the ClusterRole kubevirt.io:migrate to you in namespace ${namespace}; preflight lists what is missing)`;
  }
  return '';
}

export async function deploy(conn: Connection, settings: Settings, opts: DeployOptions = {}): Promise<DeployResult> {
  const ns = settings.namespace;
  const tracker = new StepTracker(opts.onStep);
  const totalMs = opts.timeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;
  const deadline = Date.now() + totalMs;
  const remaining = (cap = Infinity) => Math.max(0, Math.min(cap, deadline - Date.now()));
  const poll = { pollMs: opts.pollMs, signal: opts.signal };
  const created: CreatedObject[] = [];
  const objects: DeployedObject[] = [];
  const lives = new Map<string, { live: LiveObject; outcome: ApplyOutcome }>();

  try {
    for (const obj of renderManifests(settings)) {
      if (obj.kind === 'VirtualMachine') await waitForToken(conn, ns, tracker, remaining(opts.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS), poll);
      throwIfAborted(opts.signal);
      const { id, title } = stepFor(obj);
      await tracker.run(id, title, async () => {
        const r =
          obj.metadata.name === TOKEN_SECRET_NAME && obj.kind === 'Secret'
            ? await createIfAbsent(conn, obj)
            : obj.kind === 'RoleBinding'
              ? await applyRoleBinding(conn, obj, opts.pollMs)
              : await applyObject(conn, obj);
        if (r.outcome === 'created') created.push({ ...refOf(obj), uid: r.live.metadata?.uid });
        objects.push({ kind: obj.kind, name: obj.metadata.name, outcome: r.outcome });
        lives.set(obj.metadata.name, r);
        return 'detail' in r && typeof r.detail === 'string' ? r.detail : outcomeDetail(obj, r.outcome, r.live);
      });
    }

    throwIfAborted(opts.signal);
    const vm = lives.get(VM_NAME)!;
    const cloudInit = lives.get(CLOUDINIT_SECRET_NAME)!;
    let restarted: string | undefined;
    let oldVmiUid: string | undefined;
    await tracker.run('restart', `Restart VMI ${VM_NAME} if it predates this deploy`, async () => {
      const stale = await staleVmi(conn, ns, vm.live, cloudInit);
      if (!stale) return { skipped: vm.outcome === 'created' ? 'the VM is new' : 'the running VMI is current' };
      await restartVmi(conn, ns, stale.vmi);
      oldVmiUid = stale.vmi.metadata?.uid;
      restarted = stale.reason;
      return `restarted: ${stale.reason}`;
    });

    throwIfAborted(opts.signal);
    let vmi: LiveObject | undefined;
    await tracker.run('vmi-running', `Wait for VMI ${VM_NAME} to be Running`, async () => {
      let last: LiveObject | undefined;
      const r = await pollUntil(async () => {
        const v = await readObject(conn, vmiRef(ns));
        last = v;
        if (!v || v.metadata?.deletionTimestamp || (oldVmiUid && v.metadata?.uid === oldVmiUid)) return undefined;
        return (v as Any).status?.phase === 'Running' ? v : undefined;
      }, { ...poll, timeoutMs: remaining() });
      if (!r.ok) {
        const why = await vmiProgress(conn, ns, last && last.metadata?.uid !== oldVmiUid ? last : undefined);
        throw new ClusterError(`VMI ${VM_NAME} is not Running within the deploy's ${formatDuration(totalMs)} timeout (${why})${lastErrorClause(conn, r.lastError)}`);
      }
      vmi = r.value;
      const node = (r.value as Any).status?.nodeName;
      return node ? `Running on ${node}` : 'Running';
    });

    throwIfAborted(opts.signal);
    let status: ControllerStatus | undefined;
    await tracker.run('heartbeat', "Wait for the controller's first heartbeat", async () => {
      status = await waitForHeartbeat(conn, settings, remaining(), poll, totalMs);
      return `heartbeat ${status.heartbeat}${status.state ? `, state ${status.state}` : ''}`;
    });

    return {
      namespace: ns,
      runId: settings.runId,
      objects,
      ...(restarted ? { restarted } : {}),
      vmi: { name: VM_NAME, phase: 'Running', ...((vmi as Any)?.status?.nodeName ? { node: (vmi as Any).status.nodeName as string } : {}) },
      controller: { heartbeat: status!.heartbeat, ...(status!.state ? { state: status!.state } : {}) },
      steps: tracker.steps,
    };
  } catch (e) {
    if (e instanceof AbortedError || opts.signal?.aborted) {
      const at = tracker.steps.find((s) => s.status === 'failed' || s.status === 'running');
      const last = tracker.steps[tracker.steps.length - 1];
      const where = at ? ` at step ${at.id}` : last ? ` after step ${last.id}` : '';
      throw new AbortedError(`deploy was interrupted${where}: run deploy again to complete it, or teardown to remove it`);
    }
    const why = oneLine(e instanceof Error ? e.message : String(e));
    const rb = created.length ? await rollbackCreated(conn, created, { pollMs: opts.pollMs }) : { removed: [], failed: [] };
    if (created.length) {
      tracker.record({
        id: 'rollback',
        title: 'Remove what this deploy created',
        status: rb.failed.length ? 'failed' : 'done',
        detail: [rb.removed.length ? `removed ${rb.removed.join(', ')}` : '', rb.failed.length ? `could not remove ${rb.failed.join('; ')}` : '']
          .filter(Boolean)
          .join('; '),
      });
    }
    const undo = !created.length
      ? 'this deploy had created nothing, so nothing was removed'
      : rb.failed.length
        ? `removed ${rb.removed.join(', ') || 'nothing'} of what this deploy created, but could not remove ${rb.failed.join('; ')}: run teardown`
        : `removed what this deploy had created (${rb.removed.join(', ')})`;
    throw new DeployError(oneLine(`${why}${hintFor(why, ns)}; ${undo}.`), tracker.steps, rb.removed, rb.failed);
  }
}

function lastErrorClause(conn: Connection, e: unknown): string {
  return e === undefined ? '' : `; last API error: ${describeError(e, conn.server)}`;
}

async function waitForToken(
  conn: Connection,
  ns: string,
  tracker: StepTracker,
  timeoutMs: number,
  poll: { pollMs?: number; signal?: AbortSignal },
): Promise<void> {
  await tracker.run('token-filled', `Wait for the token controller to fill Secret ${TOKEN_SECRET_NAME}`, async () => {
    const ref = { apiVersion: 'v1', kind: 'Secret', name: TOKEN_SECRET_NAME, namespace: ns };
    const r = await pollUntil(async () => {
      const s = await readObject(conn, ref);
      // Only presence is checked: the token itself is never read into a message.
      return (s as Any | undefined)?.data?.token ? true : undefined;
    }, { ...poll, timeoutMs });
    if (!r.ok) {
      throw new ClusterError(
        `the token controller has not filled Secret ${TOKEN_SECRET_NAME} within ${formatDuration(timeoutMs)}: it must be of type kubernetes.io/service-account-token and name ServiceAccount ${CONTROLLER_NAME}, and kube-controller-manager must be running${lastErrorClause(conn, r.lastError)}`,
      );
    }
    return 'token, ca.crt and namespace are in place';
  });
}

/**
 * A heartbeat written while we watch, by a controller running this run id.
 * The heartbeat seen first is not enough: on a re-deploy it may be the one
 * the previous VMI wrote before it was restarted.
 */
async function waitForHeartbeat(
  conn: Connection,
  settings: Settings,
  timeoutMs: number,
  poll: { pollMs?: number; signal?: AbortSignal },
  totalMs: number,
): Promise<ControllerStatus> {
  const ns = settings.namespace;
  const first = (await readStatusMap(conn, ns))?.status;
  let last = first;
  const r = await pollUntil(async () => {
    const m = await readStatusMap(conn, ns);
    last = m?.status;
    const s = m?.status;
    return s && s.heartbeat !== '' && s.heartbeat !== first?.heartbeat && s.runId === settings.runId ? s : undefined;
  }, { ...poll, timeoutMs });
  if (r.ok) return r.value;
  const other = last?.runId && last.runId !== settings.runId ? `; the status ConfigMap reports run id ${last.runId}, not ${settings.runId}` : '';
  throw new ClusterError(
    `the controller has not written a heartbeat to ConfigMap ${STATUS_MAP_NAME} within the deploy's ${formatDuration(totalMs)} timeout although its VMI is Running${other}: look at the guest (virtctl console ${VM_NAME}; journalctl -u virtwork-chaos-migration)${lastErrorClause(conn, r.lastError)}`,
  );
}
