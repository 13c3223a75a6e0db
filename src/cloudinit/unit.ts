// The systemd unit of the controller, virtwork-style: Restart=always,
// RestartSec=10, settings as Environment= lines. Its ExecStartPre writes the
// kubeconfig on every start (not once from runcmd): the token disk mount in
// /run is gone after a reboot, and a start that races the disk simply fails
// and is retried by Restart=always.

import {
  CONFIG_MAP_NAME,
  KUBECONFIG_PATH,
  KUBECONFIG_SCRIPT_PATH,
  SCRIPT_PATH,
  STATUS_MAP_NAME,
  TOKEN_MOUNT_DIR,
  TOKEN_VOLUME_LABEL,
  VM_NAME,
} from './names.js';
import type { Settings } from './settings.js';

/** The environment of both scripts, in the order the unit lists it. */
export function unitEnvironment(s: Settings): [string, string][] {
  return [
    ['MIGRATION_NAMESPACE', s.namespace],
    ['MIGRATION_INTERVAL_MIN', String(s.migrationIntervalMin)],
    ['MIGRATION_INTERVAL_MAX', String(s.migrationIntervalMax)],
    ['MIGRATION_TIMEOUT', String(s.migrationTimeout)],
    ['MIGRATION_TARGET_LABELS', s.migrationTargetLabels],
    ['MIGRATION_EXCLUDE_COMPONENTS', s.migrationExcludeComponents.join(',')],
    ['MIGRATION_DRY_RUN', String(s.migrationDryRun)],
    ['MIGRATION_EXCLUDE_SELF', VM_NAME],
    ['MIGRATION_TRIGGER', s.trigger],
    ['MIGRATION_RUN_ID', s.runId],
    ['MIGRATION_CONFIG_MAP', CONFIG_MAP_NAME],
    ['MIGRATION_STATUS_MAP', STATUS_MAP_NAME],
    ['KUBECONFIG', KUBECONFIG_PATH],
    ['VIRTWORK_API_SERVER', s.apiServer],
    ['VIRTWORK_TOKEN_DIR', TOKEN_MOUNT_DIR],
    ['VIRTWORK_TOKEN_LABEL', TOKEN_VOLUME_LABEL],
  ];
}

/**
 * One Environment= line. Plain values go bare; others (a selector with
 * spaces, an empty value is fine bare) are double-quoted with systemd's
 * escapes, and `%` is doubled because systemd expands specifiers there.
 */
export function environmentLine(key: string, value: string): string {
  const v = value.replaceAll('%', '%%');
  if (/^[A-Za-z0-9._:/@+,=-]*$/.test(v)) return `Environment=${key}=${v}`;
  return `Environment="${key}=${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function renderUnit(s: Settings): string {
  return [
    '[Unit]',
    'Description=virtwork chaos-migration controller (live-migrates virtwork VMs at random intervals)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...unitEnvironment(s).map(([k, v]) => environmentLine(k, v)),
    `ExecStartPre=${KUBECONFIG_SCRIPT_PATH}`,
    `ExecStart=${SCRIPT_PATH}`,
    'Restart=always',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
