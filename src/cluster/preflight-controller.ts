// A chaos-migration controller already deployed in the namespace: its VM
// (virtwork-chaos-migration-0), or objects of one left behind (labelled
// component chaos-migration). Deploy updates it in place; the report names
// its run and state so that nobody is surprised.
import { COMPONENT, LABEL_COMPONENT, LABEL_RUN_ID, STATUS_MAP_NAME, VM_NAME } from '../cloudinit/names.js';
import type { Settings } from '../cloudinit/settings.js';
import type { Connection } from './connection.js';
import { type Obj, asObj, at, isForbidden, isMissing, itemsOf, labelsOf, messageOf, nameOf, str } from './preflight-fields.js';
import { type ExistingController, type PreflightCheck, check } from './preflight-types.js';

export interface ControllerResult {
  check: PreflightCheck;
  existing?: ExistingController;
}

const COMPONENT_SELECTOR = `${LABEL_COMPONENT}=${COMPONENT}`;

async function optional<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

export async function checkExistingController(conn: Connection, settings: Settings, kubevirtInstalled: boolean): Promise<ControllerResult> {
  const ns = settings.namespace;
  try {
    let vm: Obj | undefined;
    if (kubevirtInstalled) {
      vm = asObj(
        await optional(() =>
          conn.call(`Reading VM ${VM_NAME}`, () => conn.custom.getNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', name: VM_NAME })),
        ),
      );
      if (!vm) {
        const vms = itemsOf(
          await conn.call(`Listing VMs in ${ns}`, () =>
            conn.custom.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', labelSelector: COMPONENT_SELECTOR }),
          ),
        );
        vm = vms[0];
      }
    }
    const status = await optional(() => conn.call(`Reading ConfigMap ${STATUS_MAP_NAME}`, () => conn.core.readNamespacedConfigMap({ name: STATUS_MAP_NAME, namespace: ns })));
    const leftovers = vm
      ? []
      : (await conn.call(`Listing ConfigMaps in ${ns}`, () => conn.core.listNamespacedConfigMap({ namespace: ns, labelSelector: COMPONENT_SELECTOR }))).items;
    if (!vm && !status && leftovers.length === 0) return { check: check('controller', 'ok', `none deployed in ${ns}`) };
    const runId = (vm ? labelsOf(vm)[LABEL_RUN_ID] : undefined) ?? status?.metadata?.labels?.[LABEL_RUN_ID] ?? leftovers[0]?.metadata?.labels?.[LABEL_RUN_ID];
    const state = status?.data?.state || undefined;
    const existing: ExistingController = { vm: vm ? nameOf(vm) : VM_NAME, ...(runId ? { runId } : {}), ...(state ? { state } : {}) };
    const run = runId ? ` of run ${runId}` : '';
    if (!vm) {
      const names = [...new Set([...(status ? [STATUS_MAP_NAME] : []), ...leftovers.map((c) => c.metadata?.name ?? '')])].filter(Boolean);
      return {
        existing,
        check: check('controller', 'warn', `objects${run} are left in ${ns} without the controller VM (${names.join(', ')})`, `Deploy completes them, or remove them with teardown${runId ? ` --run-id ${runId}` : ''}.`),
      };
    }
    const parts = [str(at(vm, 'status', 'printableStatus')), state ? `state ${state}` : status ? undefined : 'no status yet'].filter(Boolean);
    return {
      existing,
      check: check('controller', 'ok', `${existing.vm}${run} is already deployed in ${ns}${parts.length ? ` (${parts.join(', ')})` : ''}; deploy updates it in place, keeping its paused state and status`),
    };
  } catch (e) {
    if (isForbidden(e)) return { check: check('controller', 'warn', `cannot tell whether a controller is already deployed: ${messageOf(e)}`) };
    throw e;
  }
}
