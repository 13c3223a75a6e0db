// Reading the controller's status ConfigMap (written only by the controller
// script; format in src/cloudinit/status-format.ts), and comparing the
// resourceVersion it reports having applied with one we wrote.
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import { type ControllerStatus, parseStatusData } from '../cloudinit/status-format.js';
import type { Connection } from './connection.js';
import { isNotFound } from './errors.js';
import { retryTransient } from './wait.js';

export interface StatusMap {
  resourceVersion: string;
  data: Record<string, string>;
  status: ControllerStatus;
}

/** The status ConfigMap of `namespace`, parsed leniently; undefined when it does not exist. */
export async function readStatusMap(conn: Connection, namespace: string): Promise<StatusMap | undefined> {
  try {
    const cm = await retryTransient(() => conn.call(`read ConfigMap ${STATUS_MAP_NAME}`, () => conn.core.readNamespacedConfigMap({ name: STATUS_MAP_NAME, namespace })));
    const data = cm.data ?? {};
    return { resourceVersion: cm.metadata?.resourceVersion ?? '', data, status: parseStatusData(data).status };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Whether the controller has applied at least resourceVersion `wanted`.
 * resourceVersions are opaque to clients in general, but every Kubernetes
 * API server hands out increasing integers (etcd revisions); when either is
 * not an integer only equality counts.
 */
export function resourceVersionReached(reported: string, wanted: string): boolean {
  if (reported === '' || wanted === '') return false;
  if (/^\d+$/.test(reported) && /^\d+$/.test(wanted)) return BigInt(reported) >= BigInt(wanted);
  return reported === wanted;
}
