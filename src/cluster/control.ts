// Live control of a running controller: pause, resume and `set KEY=VALUE`
// merge-patch the config ConfigMap (only the keys given, validated as the
// settings flags are) and then wait for the controller to confirm, which it
// does by reporting in its status ConfigMap the resourceVersion of the config
// it last applied (`config-resource-version`) and its effective settings.
// A change is confirmed when that resourceVersion has reached ours and the
// settings line shows every value we wrote.
import { type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { type ConfigData, configPatch, parseConfigAssignment } from '../cloudinit/config-data.js';
import { CONFIG_MAP_NAME, STATUS_MAP_NAME } from '../cloudinit/names.js';
import { DEFAULT_SETTINGS, type ParseOptions, type Settings } from '../cloudinit/settings.js';
import type { ControllerStatus } from '../cloudinit/status-format.js';
import { FIELD_MANAGER, readObject } from './apply.js';
import type { Connection } from './connection.js';
import { readStatusMap, resourceVersionReached } from './control-status.js';
import { ClusterError, describeError } from './errors.js';
import { pollUntil, retryTransient } from './wait.js';
import { formatDuration } from './wait-duration.js';

export const DEFAULT_CONFIRM_TIMEOUT_MS = 15_000;

export interface ControlOptions {
  /** How long the controller gets to confirm (default 15 s). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

export interface ConfigChange {
  namespace: string;
  /** The keys written and their values. */
  patch: ConfigData;
  /** The config ConfigMap's resourceVersion after the write. */
  resourceVersion: string;
  /** The controller's status that confirmed it. */
  status: ControllerStatus;
}

/** Nothing to control: no controller is deployed in the namespace. */
export class NoControllerError extends ClusterError {}

/** The write happened but the controller did not confirm it in time (or ignored a value). */
export class UnconfirmedError extends ClusterError {}

const configRef = (namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: CONFIG_MAP_NAME, namespace });

/** The config ConfigMap's data; NoControllerError when the controller's ConfigMaps are not there. */
export async function readConfigData(conn: Connection, namespace: string): Promise<ConfigData> {
  const cm = await readObject(conn, configRef(namespace));
  if (!cm) {
    throw new NoControllerError(
      `no chaos-migration controller is deployed in namespace ${namespace} (ConfigMap ${CONFIG_MAP_NAME} not found): run deploy first, or pass -n with the controller's namespace`,
    );
  }
  return ((cm as { data?: ConfigData }).data ?? {}) as ConfigData;
}

async function ensureStatusMap(conn: Connection, namespace: string): Promise<void> {
  if (!(await readStatusMap(conn, namespace))) {
    throw new NoControllerError(
      `the chaos-migration controller in namespace ${namespace} has no status ConfigMap (${STATUS_MAP_NAME}), so no change can be confirmed: run deploy again to restore it`,
    );
  }
}

/** The settings line spells booleans and lists as the script normalises them. */
function reflected(status: ControllerStatus, patch: ConfigData): string[] {
  return Object.entries(patch)
    .filter(([k, v]) => status.settings[k] !== undefined && status.settings[k] !== v)
    .map(([k, v]) => `${k}=${v} (it runs with ${k}=${status.settings[k]})`);
}

/**
 * Merge-patches `patch` into the config ConfigMap and waits until the
 * controller confirms it. The patch is not validated here: callers pass the
 * output of configPatch (set) or a fixed `paused` value.
 */
export async function setConfig(conn: Connection, namespace: string, patch: ConfigData, opts: ControlOptions = {}): Promise<ConfigChange> {
  await readConfigData(conn, namespace);
  await ensureStatusMap(conn, namespace);
  const body = { ...configRef(namespace), metadata: { name: CONFIG_MAP_NAME, namespace }, data: patch };
  // A merge patch of fixed values is idempotent: safe to send again after a lost answer.
  const written = await retryTransient(() =>
    conn.call(`patch ConfigMap ${CONFIG_MAP_NAME}`, () => conn.objects.patch(body as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch)),
  );
  const rv = written.metadata?.resourceVersion ?? '';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  let ignored: string[] = [];
  const r = await pollUntil(async () => {
    const m = await readStatusMap(conn, namespace);
    if (!m || !resourceVersionReached(m.status.configResourceVersion, rv)) return undefined;
    ignored = reflected(m.status, patch);
    return m.status;
  }, { timeoutMs, pollMs: opts.pollMs ?? 250, signal: opts.signal });
  if (!r.ok) {
    const last = r.lastError === undefined ? '' : ` (last API error: ${describeError(r.lastError, conn.server)})`;
    throw new UnconfirmedError(`the controller has not confirmed the change within ${formatDuration(timeoutMs)}: is it running? see \`status\`${last}`);
  }
  if (ignored.length) {
    throw new UnconfirmedError(`the controller read the change (resourceVersion ${rv}) but did not apply ${ignored.join(', ')}: see its log (config-invalid events)`);
  }
  return { namespace, patch, resourceVersion: rv, status: r.value };
}

export function pause(conn: Connection, namespace: string, opts: ControlOptions = {}): Promise<ConfigChange> {
  return setConfig(conn, namespace, { paused: 'true' }, opts);
}

export function resume(conn: Connection, namespace: string, opts: ControlOptions = {}): Promise<ConfigChange> {
  return setConfig(conn, namespace, { paused: 'false' }, opts);
}

/**
 * `set KEY=VALUE ...`: each assignment is checked on its own first (bad
 * input is reported before the cluster is asked anything), then min <= max
 * against the live ConfigMap, then only the changed keys are written.
 * Throws SettingsError for bad input.
 */
export async function setAssignments(
  conn: Connection,
  namespace: string,
  assignments: readonly string[],
  opts: ControlOptions & ParseOptions = {},
): Promise<ConfigChange> {
  for (const a of assignments) parseConfigAssignment(a, opts);
  const current = await readConfigData(conn, namespace);
  // Keys absent from the ConfigMap fall back to the unit's values, which are the rendered defaults unless deploy set them.
  const base: Settings = { ...DEFAULT_SETTINGS, namespace, runId: 'unused' };
  const patch = configPatch(current, assignments, base, opts);
  return setConfig(conn, namespace, patch, opts);
}
