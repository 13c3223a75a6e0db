// Shared by the watch, history and observe tests: creating migrations through
// a client that meets the injected faults too (so every request is retried),
// and comparing a view's store with a fresh list of the cluster on the fields
// a list can know (what only watching over time knows, such as the node a VMI
// left or its IPs before a move, is left out).
import { readFileSync } from 'node:fs';
import { readNamespace } from '../../src/cluster/observe.js';
import type { Connection } from '../../src/cluster/connection.js';
import type { ClusterState } from '../../src/state/cluster-state.js';
import type { FleetVmi, Migration } from '../../src/state/types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a request again until it answers (the test's own requests meet the injected 5xx and outages too). */
export async function retried<T>(fn: () => Promise<T>, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw new Error(`${what}: still failing after ${timeoutMs} ms: ${(e as Error).message}`);
      await sleep(150);
    }
  }
}

const VMIM = { group: 'kubevirt.io', version: 'v1', plural: 'virtualmachineinstancemigrations' };

/** Creates a VMIM for `vmi` (generateName, so a retried create after a lost answer makes a second one, which the test tolerates by reading uids back). */
export async function createMigration(conn: Connection, vmi: string, labels: Record<string, string> = {}): Promise<string> {
  const body = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { generateName: `test-${vmi}-`, labels }, spec: { vmiName: vmi } };
  const created = (await retried(
    () => conn.custom.createNamespacedCustomObject({ ...VMIM, namespace: conn.namespace, body }),
    `create a migration of ${vmi}`,
  )) as Any;
  return created.metadata.uid as string;
}

/** Every VMIM of the namespace, raw. */
export async function listMigrations(conn: Connection): Promise<Any[]> {
  const list = (await retried(() => conn.custom.listNamespacedCustomObject({ ...VMIM, namespace: conn.namespace }), 'list migrations')) as Any;
  return list.items as Any[];
}

/** Waits until no VMIM of the namespace is in flight. */
export async function allFinal(conn: Connection, timeoutMs = 60_000): Promise<Any[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const items = await listMigrations(conn);
    if (items.every((m) => m.status?.phase === 'Succeeded' || m.status?.phase === 'Failed')) return items;
    if (Date.now() > end) throw new Error(`migrations still in flight after ${timeoutMs} ms: ${items.filter((m) => !['Succeeded', 'Failed'].includes(m.status?.phase)).map((m) => `${m.metadata.name}:${m.status?.phase}`).join(', ')}`);
    await sleep(200);
  }
}

/** A VMI as a fresh list shows it. */
export function fleetTruth(v: FleetVmi) {
  return {
    name: v.name,
    uid: v.uid,
    phase: v.phase,
    node: v.node,
    ips: v.ips,
    migratable: v.migratable,
    migratableReason: v.migratableReason,
    deleting: v.deleting,
    migrationState: v.migrationState,
    migrationTargetNode: v.migrationTargetNode,
    inFlight: v.inFlight,
    migrations: v.migrations,
    lastDurationSec: v.lastDurationSec,
  };
}

/** A migration as its VMIM (and the controller's record) shows it. */
export function migrationTruth(m: Migration) {
  return {
    uid: m.uid,
    name: m.name,
    vmi: m.vmi,
    cause: m.cause,
    runId: m.runId,
    phase: m.phase,
    phaseTimes: m.phaseTimes,
    created: m.created,
    started: m.started,
    ended: m.ended,
    sourceNode: m.sourceNode,
    targetNode: m.targetNode,
    sourcePod: m.sourcePod,
    targetPod: m.targetPod,
    outcome: m.outcome,
    outcomeFrom: m.outcomeFrom,
    failureReason: m.failureReason,
  };
}

export function byName<T>(record: Record<string, T> | ReadonlyMap<string, T>, project: (v: T) => unknown): Record<string, unknown> {
  const entries = record instanceof Map ? [...record.entries()] : Object.entries(record);
  return Object.fromEntries(entries.map(([k, v]) => [k, project(v)]));
}

/** Differences between a view's state and a fresh list, in words ('' when they agree). */
export async function differences(conn: Connection, state: ClusterState, runId?: string): Promise<string> {
  const fresh = (await retried(() => readNamespace(conn, { history: false, nodes: false, ...(runId ? { runId } : {}) }), 'a fresh list')).store.getState();
  const out: string[] = [];
  const fleetA = byName(state.fleet, fleetTruth);
  const fleetB = byName(fresh.fleet, fleetTruth);
  for (const name of new Set([...Object.keys(fleetA), ...Object.keys(fleetB)])) {
    const a = JSON.stringify(fleetA[name]);
    const b = JSON.stringify(fleetB[name]);
    if (a !== b) out.push(`VMI ${name}: view ${a} / cluster ${b}`);
  }
  for (const [uid, m] of Object.entries(fresh.migrations)) {
    const a = JSON.stringify(state.migrations[uid] ? migrationTruth(state.migrations[uid]) : undefined);
    const b = JSON.stringify(migrationTruth(m));
    if (a !== b) out.push(`migration ${uid}: view ${a} / cluster ${b}`);
  }
  // The view may know more migrations than the cluster still holds (garbage-collected ones), never fewer, and none still in flight.
  for (const m of Object.values(state.migrations)) {
    if (!fresh.migrations[m.uid] && m.outcome === 'in-flight') out.push(`migration ${m.uid} is in flight in the view but gone from the cluster`);
  }
  const ca = JSON.stringify({ ...state.controller, heartbeatAt: undefined });
  const cb = JSON.stringify({ ...fresh.controller, heartbeatAt: undefined });
  if (ca !== cb && state.controller.heartbeatAt === fresh.controller.heartbeatAt) out.push(`controller: view ${ca} / cluster ${cb}`);
  return out.join('\n');
}

/** Polls until the view agrees with a fresh list; returns how long it took. */
export async function converges(conn: Connection, state: () => ClusterState, timeoutMs: number, runId?: string): Promise<number> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    last = await differences(conn, state(), runId);
    if (last === '') return Date.now() - start;
    await sleep(250);
  }
  throw new Error(`the view did not converge within ${timeoutMs} ms:\n${last}`);
}

/** The history file's lines, parsed. */
export function historyLines(path: string): Migration[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Migration);
}
