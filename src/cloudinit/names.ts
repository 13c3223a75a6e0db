// Names, paths and labels of everything the chaos-migration controller owns.
// One place, because render, deploy, teardown, the TUI and the controller
// script (through the unit's environment) must all agree on them.

/** virtwork's namespace, every command's default (not the kubeconfig context's). */
export const DEFAULT_NAMESPACE = 'virtwork';

/** virtwork's workload name; also the component label value of every object. */
export const COMPONENT = 'chaos-migration';
/** ServiceAccount, Role and RoleBinding name. */
export const CONTROLLER_NAME = 'virtwork-chaos-migration';
/** virtwork names VMs `virtwork-<workload>-<i>`; this workload has one VM. */
export const VM_NAME = 'virtwork-chaos-migration-0';
/** virtwork's `<vm>-cloudinit` Secret, key `userdata`. */
export const CLOUDINIT_SECRET_NAME = `${VM_NAME}-cloudinit`;
export const CLOUDINIT_SECRET_KEY = 'userdata';
/** The ServiceAccount token Secret that the VM gets as a disk. */
export const TOKEN_SECRET_NAME = 'virtwork-chaos-migration-token';
/** Live settings: read by the script, written by the operator (pause, set). */
export const CONFIG_MAP_NAME = 'virtwork-chaos-migration-config';
/** Written only by the script; see status-format.ts. */
export const STATUS_MAP_NAME = 'virtwork-chaos-migration-status';
/**
 * ISO volume label (and disk serial) of the token disk, so that the guest
 * finds it under /dev/disk/by-label (or by-id) without guessing /dev/vdX.
 */
export const TOKEN_VOLUME_LABEL = 'vwtoken';

/** Paths inside the controller VM. */
export const SCRIPT_PATH = '/usr/local/bin/virtwork-chaos-migration.sh';
export const KUBECONFIG_SCRIPT_PATH = '/usr/local/bin/virtwork-chaos-migration-kubeconfig.sh';
export const FETCH_SCRIPT_PATH = '/usr/local/bin/virtwork-chaos-migration-fetch.sh';
export const UNIT_FILE_NAME = 'virtwork-chaos-migration.service';
export const UNIT_PATH = `/etc/systemd/system/${UNIT_FILE_NAME}`;
export const KUBECONFIG_PATH = '/etc/virtwork/kubeconfig';
export const TOKEN_MOUNT_DIR = '/run/virtwork-chaos-migration/token';
export const BIN_DIR = '/usr/local/bin';

/** Label keys as virtwork spells them. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_RUN_ID = 'virtwork/run-id';
export const MANAGED_BY = 'virtwork';

/**
 * virtwork's four labels with component chaos-migration: they let
 * `virtwork cleanup --run-id` and our teardown find every object of a run.
 */
export function controllerLabels(runId: string): Record<string, string> {
  return {
    [LABEL_NAME]: `virtwork-${COMPONENT}`,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_COMPONENT]: COMPONENT,
    [LABEL_RUN_ID]: runId,
  };
}
