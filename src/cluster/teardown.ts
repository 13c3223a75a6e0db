// teardown: removes every object deploy created, found by virtwork's labels
// (component chaos-migration, managed-by virtwork, and the run id when given)
// rather than by name, so that it also removes what a deploy of another
// version or a killed deploy left behind, RBAC included. The controller VM
// goes first (its VMI stops migrating at once) and is awaited until its VMI is
// gone; then the rest, bindings before roles, the ServiceAccount last. The
// run's VirtualMachineInstanceMigrations carry the same labels but stay, for
// history and reports, unless deleteMigrations.
import {
  COMPONENT,
  LABEL_COMPONENT,
  LABEL_MANAGED_BY,
  LABEL_RUN_ID,
  MANAGED_BY,
} from '../cloudinit/names.js';
import { type ObjectRef, deleteObject, describeRef } from './apply.js';
import type { Connection } from './connection.js';
import { ClusterError, isNotFound } from './errors.js';
import { type DeployStep, StepTracker } from './deploy-steps.js';
import { AbortedError, retryTransient, throwIfAborted } from './wait.js';
import { formatDuration } from './wait-duration.js';
import { waitUntilGone } from './wait-gone.js';

export const DEFAULT_TEARDOWN_TIMEOUT_MS = 5 * 60_000;

export interface TeardownOptions {
  namespace: string;
  /** Only this run's objects; a run id with no objects is a failure. */
  runId?: string;
  /** Also delete the run's VirtualMachineInstanceMigrations (kept for history otherwise). */
  deleteMigrations?: boolean;
  onStep?: (s: DeployStep) => void;
  signal?: AbortSignal;
  /** How long the VM, its VMI and deleted migrations get to disappear (default 5 minutes). */
  timeoutMs?: number;
  pollMs?: number;
}

export interface FoundObject extends ObjectRef {
  uid?: string;
  runId?: string;
}

export interface TeardownPlan {
  namespace: string;
  /** Run ids of the objects to remove. */
  runIds: string[];
  /** What teardown removes, in removal order (migrations not included). */
  objects: FoundObject[];
  /** The run's migrations: deleted with deleteMigrations, kept otherwise. */
  migrations: FoundObject[];
  /** Controller VMIs (removed with their VM; a VMI without its VM is deleted directly). */
  vmis: FoundObject[];
}

export interface TeardownResult {
  namespace: string;
  runIds: string[];
  removed: FoundObject[];
  migrationsDeleted: number;
  migrationsKept: number;
  steps: DeployStep[];
}

/** A teardown that could not remove everything; `removed` is what it did remove. */
/** Nothing carries the run id asked for (a typo, or a run not deployed yet). */
export class NoSuchRunError extends ClusterError {}

export class TeardownError extends ClusterError {
  constructor(
    message: string,
    readonly removed: FoundObject[],
    readonly steps: DeployStep[],
  ) {
    super(message);
    this.name = 'TeardownError';
  }
}

export function controllerSelector(runId?: string): string {
  return [`${LABEL_COMPONENT}=${COMPONENT}`, `${LABEL_MANAGED_BY}=${MANAGED_BY}`, ...(runId ? [`${LABEL_RUN_ID}=${runId}`] : [])].join(',');
}

interface Listed {
  metadata?: { name?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: { kind?: string; name?: string }[] };
}

/** Removal order: the VM first (stops the controller), bindings before roles, the ServiceAccount last. */
const KINDS = [
  { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
] as const;

async function listKind(conn: Connection, namespace: string, kind: string, labelSelector: string): Promise<Listed[]> {
  const what = `list ${kind}s in namespace ${namespace}`;
  const call = <T>(fn: () => Promise<T>) => retryTransient(() => conn.call(what, fn));
  const custom = async (plural: string) => {
    try {
      const r = (await call(() => conn.custom.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace, plural, labelSelector }))) as { items?: Listed[] };
      return r.items ?? [];
    } catch (e) {
      // No KubeVirt: nothing of that kind can exist.
      if (isNotFound(e)) return [];
      throw e;
    }
  };
  switch (kind) {
    case 'VirtualMachine':
      return custom('virtualmachines');
    case 'VirtualMachineInstance':
      return custom('virtualmachineinstances');
    case 'VirtualMachineInstanceMigration':
      return custom('virtualmachineinstancemigrations');
    case 'RoleBinding':
      return (await call(() => conn.rbac.listNamespacedRoleBinding({ namespace, labelSelector }))).items;
    case 'Role':
      return (await call(() => conn.rbac.listNamespacedRole({ namespace, labelSelector }))).items;
    case 'ConfigMap':
      return (await call(() => conn.core.listNamespacedConfigMap({ namespace, labelSelector }))).items;
    case 'Secret':
      return (await call(() => conn.core.listNamespacedSecret({ namespace, labelSelector }))).items;
    case 'ServiceAccount':
      return (await call(() => conn.core.listNamespacedServiceAccount({ namespace, labelSelector }))).items;
    default:
      throw new Error(`teardown does not list ${kind}`);
  }
}

function found(apiVersion: string, kind: string, namespace: string, o: Listed): FoundObject {
  const runId = o.metadata?.labels?.[LABEL_RUN_ID];
  return { apiVersion, kind, namespace, name: o.metadata?.name ?? '', ...(o.metadata?.uid ? { uid: o.metadata.uid } : {}), ...(runId ? { runId } : {}) };
}

/**
 * What teardown would remove. Lists every chaos-migration object of the
 * namespace and filters by run id here, so that an unknown run id can be
 * answered with the run ids that do exist.
 */
export async function planTeardown(conn: Connection, opts: { namespace: string; runId?: string }): Promise<TeardownPlan> {
  const ns = opts.namespace;
  const selector = controllerSelector();
  const mine = (o: FoundObject) => opts.runId === undefined || o.runId === opts.runId;
  const all: FoundObject[] = [];
  for (const k of KINDS) for (const o of await listKind(conn, ns, k.kind, selector)) all.push(found(k.apiVersion, k.kind, ns, o));
  const migrations = (await listKind(conn, ns, 'VirtualMachineInstanceMigration', selector)).map((o) => found('kubevirt.io/v1', 'VirtualMachineInstanceMigration', ns, o));
  const vmis = (await listKind(conn, ns, 'VirtualMachineInstance', selector)).map((o) => found('kubevirt.io/v1', 'VirtualMachineInstance', ns, o));
  const objects = all.filter(mine);
  const ownMigrations = migrations.filter(mine);
  if (opts.runId !== undefined && objects.length === 0 && ownMigrations.length === 0) {
    const runs = [...new Set([...all, ...migrations].map((o) => o.runId).filter((r): r is string => Boolean(r)))];
    throw new NoSuchRunError(
      `there is no chaos-migration run ${opts.runId} in namespace ${ns}: ${runs.length ? `runs found: ${runs.join(', ')}` : 'no chaos-migration objects are deployed there'}`,
    );
  }
  return {
    namespace: ns,
    runIds: [...new Set([...objects, ...ownMigrations].map((o) => o.runId).filter((r): r is string => Boolean(r)))],
    objects,
    migrations: ownMigrations,
    vmis: vmis.filter(mine),
  };
}

export async function teardown(conn: Connection, opts: TeardownOptions): Promise<TeardownResult> {
  const ns = opts.namespace;
  const tracker = new StepTracker(opts.onStep);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS;
  const poll = { pollMs: opts.pollMs, signal: opts.signal, timeoutMs };
  const removed: FoundObject[] = [];
  const problems: string[] = [];
  let found: TeardownPlan | undefined;
  await tracker.run('find', `Find the chaos-migration objects in namespace ${ns}`, async () => {
    const p = await planTeardown(conn, opts);
    found = p;
    const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
    return `${n(p.objects.length, 'object')}${p.runIds.length ? ` of run ${p.runIds.join(', ')}` : ''}, ${n(p.migrations.length, 'migration')}`;
  });
  const plan = found!;

  /** Runs one removal step; a failure is collected so that the rest is still removed. */
  const step = async (id: string, title: string, body: () => Promise<string | { skipped: string }>) => {
    throwIfAborted(opts.signal, 'teardown was interrupted: run teardown again to finish it');
    try {
      await tracker.run(id, title, body);
    } catch (e) {
      if (e instanceof AbortedError) throw new AbortedError('teardown was interrupted: run teardown again to finish it');
      problems.push(e instanceof Error ? e.message : String(e));
    }
  };

  const vms = plan.objects.filter((o) => o.kind === 'VirtualMachine');
  for (const vm of vms) {
    await step(`delete-vm-${vm.name}`, `Delete VirtualMachine ${vm.name} and wait for its VMI to go`, async () => {
      if (await deleteObject(conn, vm, vm.uid ? { uid: vm.uid } : {})) removed.push(vm);
      const vmi = plan.vmis.find((v) => v.name === vm.name);
      const left = await waitUntilGone(conn, [vm, ...(vmi ? [vmi] : [])], poll);
      if (left.length) throw new ClusterError(`${left.map(describeRef).join(' and ')} ${left.length > 1 ? 'are' : 'is'} still there ${formatDuration(timeoutMs)} after the delete: see kubectl describe vmi ${vm.name} -n ${ns}`);
      return vmi ? 'VM and VMI gone' : 'gone';
    });
  }
  // A controller VMI whose VM is already gone (deleted with orphan propagation) is removed directly.
  for (const vmi of plan.vmis.filter((v) => !vms.some((vm) => vm.name === v.name))) {
    await step(`delete-vmi-${vmi.name}`, `Delete VMI ${vmi.name}`, async () => {
      if (await deleteObject(conn, vmi, vmi.uid ? { uid: vmi.uid } : {})) removed.push(vmi);
      const left = await waitUntilGone(conn, [vmi], poll);
      if (left.length) throw new ClusterError(`VMI ${vmi.name} is still there ${formatDuration(timeoutMs)} after the delete`);
      return 'gone';
    });
  }

  let migrationsDeleted = 0;
  if (opts.deleteMigrations && plan.migrations.length) {
    await step('delete-migrations', `Delete the run's ${plan.migrations.length} migration${plan.migrations.length === 1 ? '' : 's'}`, async () => {
      for (const m of plan.migrations) if (await deleteObject(conn, m, m.uid ? { uid: m.uid } : {})) migrationsDeleted++;
      const left = await waitUntilGone(conn, plan.migrations, poll);
      if (left.length) throw new ClusterError(`${left.length} migration${left.length === 1 ? ' is' : 's are'} still there ${formatDuration(timeoutMs)} after the delete`);
      return `deleted ${migrationsDeleted}`;
    });
  } else if (plan.migrations.length) {
    tracker.skip('keep-migrations', 'Keep the run\'s migrations', `kept ${plan.migrations.length} for history (--delete-migrations removes them)`);
  }

  for (const o of plan.objects.filter((x) => x.kind !== 'VirtualMachine')) {
    await step(`delete-${o.kind.toLowerCase()}-${o.name}`, `Delete ${describeRef(o)}`, async () => {
      if (await deleteObject(conn, o, o.uid ? { uid: o.uid } : {})) {
        removed.push(o);
        return 'deleted';
      }
      return { skipped: 'already gone' };
    });
  }

  if (problems.length) {
    throw new TeardownError(
      `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}; removed ${removed.length} object${removed.length === 1 ? '' : 's'}: run teardown again to finish`,
      removed,
      tracker.steps,
    );
  }
  return {
    namespace: ns,
    runIds: plan.runIds,
    removed,
    migrationsDeleted,
    migrationsKept: plan.migrations.length - migrationsDeleted,
    steps: tracker.steps,
  };
}
