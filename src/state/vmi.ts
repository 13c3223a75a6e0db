// A VirtualMachineInstance as one row of the fleet. Pure: the previous
// FleetVmi carries what only watching over time can know (the node it left,
// when it moved), and `now` dates a move we see happen.
import { LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_RUN_ID, MANAGED_BY } from '../cloudinit/names.js';
import { asArray, asObject, asString, at, conditionOf, labelsOf, sameStringMap, sameStrings, stringAt } from './json.js';
import type { FleetVmi, VmiMigrationState } from './types.js';

export const LABEL_MIGRATION_TARGET_NODE = 'kubevirt.io/migrationTargetNodeName';

/** status.migrationState (of a VMI or a VMIM), or undefined when there is none. */
export function readMigrationState(v: unknown): VmiMigrationState | undefined {
  const ms = asObject(v);
  if (!ms) return undefined;
  const out: VmiMigrationState = { completed: ms.completed === true, failed: ms.failed === true };
  const set = (key: keyof VmiMigrationState, field: string, trim = false) => {
    const s = asString(ms[field]);
    const value = trim ? s?.trim() : s;
    if (value) (out as unknown as Record<string, unknown>)[key] = value;
  };
  set('uid', 'migrationUid');
  set('sourceNode', 'sourceNode');
  set('targetNode', 'targetNode');
  set('sourcePod', 'sourcePod');
  set('targetPod', 'targetPod');
  set('started', 'startTimestamp');
  set('ended', 'endTimestamp');
  // virt-handler writes "Live migration aborted " with a trailing space.
  set('failureReason', 'failureReason', true);
  set('abortStatus', 'abortStatus');
  return out;
}

/** Every address of every interface, in order, without repeats. */
export function vmiIps(vmi: unknown): string[] {
  const out: string[] = [];
  for (const iface of asArray(at(vmi, 'status', 'interfaces'))) {
    const many = asArray(at(iface, 'ipAddresses')).filter((a): a is string => typeof a === 'string' && a !== '');
    const list = many.length > 0 ? many : [asString(at(iface, 'ipAddress'))].filter((a): a is string => a !== undefined);
    for (const ip of list) if (!out.includes(ip)) out.push(ip);
  }
  return out;
}

/** The LiveMigratable condition: undefined while KubeVirt has not set it. */
export function liveMigratable(vmi: unknown): { migratable?: boolean; reason?: string } {
  const c = conditionOf(vmi, 'LiveMigratable');
  if (!c) return {};
  const reason = asString(c.reason);
  return { migratable: c.status === 'True', ...(reason ? { reason } : {}) };
}

/** The owning VirtualMachine's name. */
export function ownerVm(vmi: unknown): string | undefined {
  for (const ref of asArray(at(vmi, 'metadata', 'ownerReferences'))) {
    if (at(ref, 'kind') === 'VirtualMachine') return asString(at(ref, 'name'));
  }
  return undefined;
}

/**
 * The FleetVmi for a VMI object. A node change between `previous` and this
 * object (same uid, both nodes known) records previousNode, previousIps and
 * nodeChangedAt = now; otherwise those carry over. A VMI first seen after a
 * completed, successful migration onto its node gets previousNode from its
 * migrationState (we did not see the move, so no nodeChangedAt). A new uid
 * under the same name is another VMI: nothing carries over. The migration
 * counters (inFlight, migrations, lastDurationSec) carry over from previous;
 * the reducers derive them from the migrations.
 */
export function fleetVmiFrom(vmi: unknown, previous: FleetVmi | undefined, now: number): FleetVmi | undefined {
  const name = stringAt(vmi, 'metadata', 'name');
  if (!name) return undefined;
  const uid = stringAt(vmi, 'metadata', 'uid') ?? '';
  const labels = labelsOf(vmi);
  const node = stringAt(vmi, 'status', 'nodeName');
  const migrationState = readMigrationState(at(vmi, 'status', 'migrationState'));
  const prev = previous && previous.uid === uid ? previous : undefined;
  const out: FleetVmi = {
    namespace: stringAt(vmi, 'metadata', 'namespace') ?? previous?.namespace ?? '',
    name,
    uid,
    virtwork: labels[LABEL_MANAGED_BY] === MANAGED_BY,
    phase: stringAt(vmi, 'status', 'phase') ?? '',
    ips: vmiIps(vmi),
    migrations: prev?.migrations ?? 0,
    deleting: at(vmi, 'metadata', 'deletionTimestamp') != null,
    labels,
  };
  const component = labels[LABEL_COMPONENT];
  if (component) out.component = component;
  const runId = labels[LABEL_RUN_ID];
  if (runId) out.runId = runId;
  if (node) out.node = node;
  const { migratable, reason } = liveMigratable(vmi);
  if (migratable !== undefined) out.migratable = migratable;
  if (reason) out.migratableReason = reason;
  const vm = ownerVm(vmi);
  if (vm) out.vm = vm;
  const targetNode = labels[LABEL_MIGRATION_TARGET_NODE];
  if (targetNode) out.migrationTargetNode = targetNode;
  if (migrationState) out.migrationState = migrationState;

  if (prev?.node && node && prev.node !== node) {
    out.previousNode = prev.node;
    out.nodeChangedAt = now;
    if (prev.ips.length > 0) out.previousIps = prev.ips;
  } else if (prev?.previousNode) {
    out.previousNode = prev.previousNode;
    if (prev.nodeChangedAt !== undefined) out.nodeChangedAt = prev.nodeChangedAt;
    if (prev.previousIps) out.previousIps = prev.previousIps;
  } else if (
    migrationState?.completed &&
    !migrationState.failed &&
    migrationState.sourceNode &&
    migrationState.sourceNode !== node &&
    (migrationState.targetNode === undefined || migrationState.targetNode === node)
  ) {
    out.previousNode = migrationState.sourceNode;
  }
  if (prev?.inFlight) out.inFlight = prev.inFlight;
  if (prev?.lastDurationSec !== undefined) out.lastDurationSec = prev.lastDurationSec;
  return out;
}

function sameMigrationState(a: VmiMigrationState | undefined, b: VmiMigrationState | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof VmiMigrationState>;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

function sameInFlight(a: FleetVmi['inFlight'], b: FleetVmi['inFlight']): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.uid === b.uid && a.name === b.name && a.phase === b.phase && a.targetNode === b.targetNode;
}

/**
 * Field-by-field equality, so that a VMI update that changes nothing we show
 * (a resourceVersion bump, guest-agent details) keeps the old object and
 * memoized rows stay as they are.
 */
export function sameFleetVmi(a: FleetVmi, b: FleetVmi): boolean {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof FleetVmi>;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    switch (k) {
      case 'ips':
      case 'previousIps':
        if (!sameStrings(x as string[] | undefined, y as string[] | undefined)) return false;
        break;
      case 'labels':
        if (!sameStringMap(x as Record<string, string> | undefined, y as Record<string, string> | undefined)) return false;
        break;
      case 'migrationState':
        if (!sameMigrationState(x as VmiMigrationState | undefined, y as VmiMigrationState | undefined)) return false;
        break;
      case 'inFlight':
        if (!sameInFlight(x as FleetVmi['inFlight'], y as FleetVmi['inFlight'])) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
