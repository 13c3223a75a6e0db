// The run id of what is already deployed in a namespace. A re-deploy without
// --run-id keeps it, so that the objects' virtwork/run-id labels, the
// controller's history (it resets its status for a new run id) and
// `teardown --run-id` keep pointing at one run instead of orphaning the old one.
import { CONFIG_MAP_NAME, CONTROLLER_NAME, LABEL_RUN_ID, STATUS_MAP_NAME, VM_NAME } from '../cloudinit/names.js';
import type { Settings } from '../cloudinit/settings.js';
import { readObject } from './apply.js';
import type { Connection } from './connection.js';

/** Where to look, most telling first: the VM is what runs; the rest are what a killed deploy may have left. */
const HOLDERS = [
  { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: VM_NAME },
  { apiVersion: 'v1', kind: 'ConfigMap', name: CONFIG_MAP_NAME },
  { apiVersion: 'v1', kind: 'ServiceAccount', name: CONTROLLER_NAME },
  { apiVersion: 'v1', kind: 'ConfigMap', name: STATUS_MAP_NAME },
];

/** The virtwork/run-id label of the controller's objects in `namespace`, if any is deployed. */
export async function deployedRunId(conn: Connection, namespace: string): Promise<string | undefined> {
  for (const h of HOLDERS) {
    // Without KubeVirt the VirtualMachine kind's discovery answers 404, which reads as absent.
    const live = await readObject(conn, { ...h, namespace });
    const id = live?.metadata?.labels?.[LABEL_RUN_ID];
    if (id) return id;
  }
  return undefined;
}

/**
 * `settings` with the deployed run id when the user gave none (`explicit`
 * false) and one is deployed; otherwise `settings` as they are.
 */
export async function withDeployedRunId(conn: Connection, settings: Settings, explicit: boolean): Promise<Settings> {
  if (explicit) return settings;
  const runId = await deployedRunId(conn, settings.namespace);
  return runId ? { ...settings, runId } : settings;
}
