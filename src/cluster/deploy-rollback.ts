// The rollback rule of a failed deploy: every object THIS run created is
// deleted again, newest first (each by uid, so an object someone re-created
// meanwhile is left alone); objects that existed before the run stay, even
// if the run updated them; the VirtualMachine's removal is awaited (its VMI
// too), so nothing of the run is left running.
import { type ObjectRef, deleteObject, describeRef } from './apply.js';
import type { Connection } from './connection.js';
import { describeError } from './errors.js';
import { vmiRef } from './deploy-restart.js';
import { waitUntilGone } from './wait-gone.js';

export interface CreatedObject extends ObjectRef {
  uid?: string;
}

export interface RollbackResult {
  /** "Kind name" of each object removed. */
  removed: string[];
  /** One sentence per object that could not be removed. */
  failed: string[];
}

export async function rollbackCreated(conn: Connection, created: readonly CreatedObject[], opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<RollbackResult> {
  const removed: string[] = [];
  const failed: string[] = [];
  const awaited: (ObjectRef & { uid?: string })[] = [];
  for (const obj of [...created].reverse()) {
    try {
      // Already gone counts as removed (the token controller deletes a token Secret whose ServiceAccount went).
      await deleteObject(conn, obj, obj.uid ? { uid: obj.uid } : {});
      removed.push(describeRef(obj));
      if (obj.kind === 'VirtualMachine') awaited.push(obj, vmiRef(obj.namespace));
    } catch (e) {
      failed.push(`${describeRef(obj)}: ${describeError(e, conn.server)}`);
    }
  }
  if (awaited.length) {
    try {
      const left = await waitUntilGone(conn, awaited, { timeoutMs: opts.timeoutMs ?? 120_000, pollMs: opts.pollMs });
      for (const ref of left) failed.push(`${describeRef(ref)} is still being deleted`);
    } catch (e) {
      failed.push(`waiting for the VM to go: ${describeError(e, conn.server)}`);
    }
  }
  return { removed, failed };
}
