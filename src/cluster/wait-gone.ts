// Waiting until deleted objects are really gone: a VirtualMachine and its VMI
// carry finalizers, so a delete returns long before they disappear.
import { type ObjectRef, readObject } from './apply.js';
import type { Connection } from './connection.js';
import { type PollOptions, pollUntil } from './wait.js';

/** Waits until none of `refs` exists (or, with a uid, that incarnation); returns those still there at the timeout. */
export async function waitUntilGone(conn: Connection, refs: (ObjectRef & { uid?: string })[], opts: PollOptions): Promise<ObjectRef[]> {
  let left = refs;
  const r = await pollUntil(async () => {
    const still: typeof refs = [];
    for (const ref of left) {
      const live = await readObject(conn, ref);
      if (live && (!ref.uid || live.metadata?.uid === ref.uid)) still.push(ref);
    }
    left = still;
    return still.length === 0 ? true : undefined;
  }, opts);
  return r.ok ? [] : left;
}
