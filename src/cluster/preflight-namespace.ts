// The namespace deploy writes into must exist: deploy creates objects in it
// but never the namespace itself (it belongs to virtwork, whose VMs live there).
import type { Settings } from '../cloudinit/settings.js';
import type { Connection } from './connection.js';
import { isForbidden, isMissing, messageOf } from './preflight-fields.js';
import { type PreflightCheck, check } from './preflight-types.js';

export interface NamespaceResult {
  check: PreflightCheck;
  exists: boolean;
}

export async function checkNamespace(conn: Connection, settings: Settings): Promise<NamespaceResult> {
  const ns = settings.namespace;
  try {
    const o = await conn.call(`Reading namespace ${ns}`, () => conn.core.readNamespace({ name: ns }));
    if (o.metadata?.deletionTimestamp || o.status?.phase === 'Terminating') {
      return { exists: true, check: check('namespace', 'block', `namespace ${ns} is being deleted`, `Wait until it is gone, then create it again (kubectl create namespace ${ns}) or pick another with -n.`) };
    }
    return { exists: true, check: check('namespace', 'ok', `${ns} exists`) };
  } catch (e) {
    if (isMissing(e)) {
      return {
        exists: false,
        check: check('namespace', 'block', `namespace ${ns} does not exist`, `Create it (kubectl create namespace ${ns}), or run virtwork there first (virtwork run creates it with its VMs), or pick another with -n.`),
      };
    }
    // Reading a namespace is allowed to anyone who may read in it; a denial says little about its existence.
    if (isForbidden(e)) return { exists: true, check: check('namespace', 'warn', `cannot read namespace ${ns}, so going on as if it exists: ${messageOf(e)}`) };
    throw e;
  }
}
