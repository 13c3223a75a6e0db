// Whether the controller VM's running VMI predates what deploy just applied.
// A VMI reads its cloud-init (settings, run id, scripts, tool versions) and
// its VM template only when it boots: KubeVirt does not push either into a
// running VMI. So a re-deploy that changed them must restart the VMI (delete
// it; the VM's runStrategy Always boots a new one), and one that changed
// nothing must not. The test covers a deploy killed between the update and
// the restart, too: it compares the VMI's age with when our field manager
// last changed the cloud-init Secret, and the VM generation the VMI was
// created from with the VM's.
import { VM_NAME } from '../cloudinit/names.js';
import { type ApplyOutcome, FIELD_MANAGER, type LiveObject, deleteObject, readObject } from './apply.js';
import type { Connection } from './connection.js';

export const VMI_API_VERSION = 'kubevirt.io/v1';

/** The controller VM's VMI ref in `namespace`. */
export function vmiRef(namespace: string) {
  return { apiVersion: VMI_API_VERSION, kind: 'VirtualMachineInstance', name: VM_NAME, namespace };
}

function epochSeconds(t: unknown): number | undefined {
  if (t instanceof Date) return Math.floor(t.getTime() / 1000);
  if (typeof t === 'string' && t !== '') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  return undefined;
}

/** When our field manager last changed `obj` (managedFields time, second precision). */
function lastAppliedAt(obj: LiveObject): number | undefined {
  const entries = obj.metadata?.managedFields ?? [];
  const ours = entries.filter((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
  const times = ours.map((m) => epochSeconds(m.time)).filter((t): t is number => t !== undefined);
  return times.length ? Math.max(...times) : undefined;
}

export interface StaleVmi {
  vmi: LiveObject;
  reason: string;
}

/**
 * The running VMI and why it must restart, or undefined when there is no VMI
 * yet (the VM controller will create a fresh one), it is already going, or it
 * is current.
 */
export async function staleVmi(
  conn: Connection,
  namespace: string,
  vm: LiveObject,
  cloudInit: { live: LiveObject; outcome: ApplyOutcome },
): Promise<StaleVmi | undefined> {
  const vmi = await readObject(conn, vmiRef(namespace));
  if (!vmi || vmi.metadata?.deletionTimestamp) return undefined;
  if (cloudInit.outcome === 'updated') return { vmi, reason: 'its cloud-init changed' };
  const fromGeneration = Number(vmi.metadata?.annotations?.['kubevirt.io/vm-generation']);
  const generation = vm.metadata?.generation;
  if (Number.isFinite(fromGeneration) && fromGeneration > 0 && generation !== undefined && fromGeneration < generation) {
    return { vmi, reason: `it was started from VM generation ${fromGeneration}, the VM is at ${generation}` };
  }
  const created = epochSeconds(vmi.metadata?.creationTimestamp);
  const changed = lastAppliedAt(cloudInit.live);
  if (created !== undefined && changed !== undefined && changed > created) {
    return { vmi, reason: 'its cloud-init changed after it started' };
  }
  return undefined;
}

/** Deletes exactly that VMI; the VM (runStrategy Always) boots a new one. */
export async function restartVmi(conn: Connection, namespace: string, vmi: LiveObject): Promise<void> {
  await deleteObject(conn, vmiRef(namespace), { uid: vmi.metadata?.uid });
}
