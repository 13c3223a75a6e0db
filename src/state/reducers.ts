// Pure reducers from watch events (in batches), relists, the local history
// and watch health to the next ClusterState. Each returns the state object
// itself when nothing changed, so the store can skip notifying anyone.
//
// Relist semantics (after a list, first or again after a fault):
// - vmis, nodes: the list is the truth; what is not in it is gone.
// - vmims: migrations are history and stay. One that was still in flight and
//   is missing from the list ended unseen: finalizeVanished settles it from
//   the VMI's migrationState when that names it, else marks it failed with
//   outcomeFrom 'inferred', which the controller's record or a final VMIM
//   phase (if one turns up) overrides.
// - statusConfigMaps: no status ConfigMap in the list means no controller.
import { STATUS_MAP_NAME } from '../cloudinit/names.js';
import { type ClusterState, defaultHealth, type EventBatch, type WatchedKind } from './cluster-state.js';
import { controllerViewFrom, emptyControllerView, migrationsFromStatusRecords } from './controller.js';
import { captureIpsBefore } from './correlate.js';
import { Draft } from './draft.js';
import { stringAt } from './json.js';
import { finalizeVanished, mergeMigration } from './merge.js';
import { nodeViewFrom } from './nodes.js';
import type { ControllerView, Migration, ObjectEvent, WatchHealth } from './types.js';
import { fleetVmiFrom, sameFleetVmi } from './vmi.js';
import { enrichFromVmiState, LABEL_VMI_NAME, migrationFrom } from './vmim.js';

function inNamespace(d: Draft, obj: unknown): boolean {
  const ns = stringAt(obj, 'metadata', 'namespace');
  return ns === undefined || ns === d.base.namespace;
}

function applyVmis(d: Draft, events: readonly ObjectEvent[], now: number): void {
  for (const ev of events) {
    const obj = ev.object;
    const name = stringAt(obj, 'metadata', 'name');
    if (!name || !inNamespace(d, obj)) continue;
    const prev = d.fleet.get(name);
    if (ev.type === 'DELETED') {
      const uid = stringAt(obj, 'metadata', 'uid');
      // A late DELETED of an older VMI must not remove its successor of the same name.
      if (prev && (!uid || !prev.uid || prev.uid === uid)) d.removeVmi(name);
      continue;
    }
    const next = fleetVmiFrom(obj, prev, now);
    if (!next || (prev && sameFleetVmi(prev, next))) continue;
    d.setVmi(next);
    const uid = next.migrationState?.uid;
    const m = uid ? d.migrations[uid] : undefined;
    if (m) d.setMigration(enrichFromVmiState(m, next.migrationState));
  }
}

/** Controller hints: its current migration's name and its records' uids. */
function controllerKnows(d: Draft): (name: string, uid: string) => string | undefined {
  let uids: Set<string> | undefined;
  const runId = d.controller.runId ?? d.runId;
  return (name, uid) => {
    if (!runId) return undefined;
    if (d.controller.currentMigration && d.controller.currentMigration === name) return runId;
    uids ??= new Set(d.controller.records.map((r) => r.uid).filter((u) => u !== ''));
    return uids.has(uid) ? runId : undefined;
  };
}

function applyVmims(d: Draft, events: readonly ObjectEvent[]): void {
  const knows = controllerKnows(d);
  for (const ev of events) {
    const obj = ev.object;
    const uid = stringAt(obj, 'metadata', 'uid');
    if (!uid || !inNamespace(d, obj)) continue;
    const prev = d.migrations[uid];
    const vmiName = stringAt(obj, 'spec', 'vmiName') ?? stringAt(obj, 'metadata', 'labels', LABEL_VMI_NAME) ?? '';
    const vmi = d.fleet.get(vmiName);
    let next = migrationFrom(obj, prev, knows(stringAt(obj, 'metadata', 'name') ?? '', uid), vmi?.migrationState);
    if (!next) continue;
    if (ev.type === 'DELETED') next = finalizeVanished(next, vmi?.migrationState);
    if (!prev) next = captureIpsBefore(next, vmi);
    d.setMigration(next);
  }
}

function applyNodes(d: Draft, events: readonly ObjectEvent[]): void {
  for (const ev of events) {
    const name = stringAt(ev.object, 'metadata', 'name');
    if (!name) continue;
    if (ev.type === 'DELETED') {
      d.removeNode(name);
      continue;
    }
    const view = nodeViewFrom(ev.object);
    if (view) d.setNode(view);
  }
}

/** Views are small (at most 200 records): comparing their JSON is cheap next to a redraw. */
function sameControllerView(a: ControllerView, b: ControllerView): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function setController(d: Draft, view: ControllerView): void {
  // The same ConfigMap delivered again (a relist, a resync) changes nothing.
  if (sameControllerView(d.controller, view)) return;
  d.controller = view;
  if (!d.runId && view.runId) d.runId = view.runId;
  for (const rec of migrationsFromStatusRecords(view.records, d.base.namespace, view.runId)) {
    const cur = d.migrations[rec.uid];
    d.setMigration(cur ? mergeMigration(cur, rec) : rec);
  }
  // The VMIM the controller is following is ours even before it is labelled.
  const current = view.currentMigration;
  if (current && view.runId) {
    for (const m of Object.values(d.migrations)) {
      if (m.name === current && m.cause === 'other') d.setMigration({ ...m, cause: 'chaos', runId: m.runId ?? view.runId });
    }
  }
}

function applyStatusConfigMaps(d: Draft, events: readonly ObjectEvent[]): void {
  for (const ev of events) {
    const obj = ev.object;
    if (stringAt(obj, 'metadata', 'name') !== STATUS_MAP_NAME || !inNamespace(d, obj)) continue;
    if (ev.type === 'DELETED') {
      if (d.controller.present) d.controller = emptyControllerView();
    } else setController(d, controllerViewFrom(obj));
  }
}

const APPLY: Record<WatchedKind, (d: Draft, events: readonly ObjectEvent[], now: number) => void> = {
  vmis: applyVmis,
  vmims: (d, e) => applyVmims(d, e),
  nodes: (d, e) => applyNodes(d, e),
  statusConfigMaps: (d, e) => applyStatusConfigMaps(d, e),
};

/**
 * The order within a batch: the controller's status first (it tells which
 * VMIMs are ours), then VMIMs (a migration first seen in flight captures the
 * VMI's IPs before the VMI moves), then VMIs, then nodes.
 */
const BATCH_ORDER: readonly WatchedKind[] = ['statusConfigMaps', 'vmims', 'vmis', 'nodes'];

function reduceOne<S extends ClusterState>(state: S, kind: WatchedKind, events: readonly ObjectEvent[], now: number): S {
  return reduceBatch(state, { [kind]: events }, now);
}

export function reduceVmis<S extends ClusterState>(state: S, events: readonly ObjectEvent[], now: number): S {
  return reduceOne(state, 'vmis', events, now);
}
export function reduceVmims<S extends ClusterState>(state: S, events: readonly ObjectEvent[], now: number): S {
  return reduceOne(state, 'vmims', events, now);
}
export function reduceNodes<S extends ClusterState>(state: S, events: readonly ObjectEvent[], now: number): S {
  return reduceOne(state, 'nodes', events, now);
}
export function reduceStatusConfigMaps<S extends ClusterState>(state: S, events: readonly ObjectEvent[], now: number): S {
  return reduceOne(state, 'statusConfigMaps', events, now);
}

/** Every event of one tick, in one new state; each resource with events counts as synced at `now`. */
export function reduceBatch<S extends ClusterState>(state: S, batch: EventBatch, now: number): S {
  const d = new Draft(state);
  for (const kind of BATCH_ORDER) {
    const events = batch[kind];
    if (!events || events.length === 0) continue;
    APPLY[kind](d, events, now);
    d.synced(kind, now);
  }
  return d.finish(now) as S;
}

/** Replaces a resource's live set with a fresh list (see the relist semantics at the top). */
export function reduceRelist<S extends ClusterState>(state: S, kind: WatchedKind, objects: readonly unknown[], now: number): S {
  const d = new Draft(state);
  const events = objects.map((object) => ({ type: 'MODIFIED' as const, object: object as Record<string, unknown> }));
  const names = (key: 'name' | 'uid') => new Set(objects.map((o) => stringAt(o, 'metadata', key)).filter((n): n is string => n !== undefined));
  switch (kind) {
    case 'vmis': {
      applyVmis(d, events, now);
      const live = names('name');
      for (const name of [...d.fleet.keys()]) if (!live.has(name)) d.removeVmi(name);
      break;
    }
    case 'nodes': {
      applyNodes(d, events);
      const live = names('name');
      for (const name of Object.keys(d.nodes)) if (!live.has(name)) d.removeNode(name);
      break;
    }
    case 'vmims': {
      applyVmims(d, events);
      const live = names('uid');
      for (const m of Object.values(d.migrations)) {
        if (m.outcome !== 'in-flight' || live.has(m.uid) || (m.namespace && m.namespace !== state.namespace)) continue;
        d.setMigration(finalizeVanished(m, d.fleet.get(m.vmi)?.migrationState));
      }
      break;
    }
    case 'statusConfigMaps': {
      const cm = objects.find((o) => stringAt(o, 'metadata', 'name') === STATUS_MAP_NAME && inNamespace(d, o));
      if (cm) setController(d, controllerViewFrom(cm));
      else if (d.controller.present) d.controller = emptyControllerView();
      break;
    }
  }
  d.synced(kind, now);
  return d.finish(now) as S;
}

/**
 * Folds migrations from the local history file (or any other source) in,
 * deduplicated by uid, each merged with what the state knows. `now` only
 * matters for IP correlation of a VMI that moved moments ago; without it none
 * is attempted. A migration the history left in flight stays so until its
 * VMIM is seen final or a vmims relist finds it gone.
 */
export function reduceHistory<S extends ClusterState>(state: S, migrations: readonly Migration[], now = Number.POSITIVE_INFINITY): S {
  const d = new Draft(state);
  for (const m of migrations) {
    if (!m || typeof m.uid !== 'string' || m.uid === '') continue;
    const cur = d.migrations[m.uid];
    d.setMigration(cur ? mergeMigration(cur, m) : m);
  }
  return d.finish(now) as S;
}

export type HealthPatch = Partial<Omit<WatchHealth, 'resource'>>;

/** Merges a health patch; an `error` key set to undefined clears the error. */
export function reduceHealth<S extends ClusterState>(state: S, resource: string, patch: HealthPatch): S {
  const cur = state.health[resource] ?? defaultHealth(resource);
  const next: WatchHealth = { ...cur, ...patch, resource };
  if ('error' in patch && patch.error === undefined) delete next.error;
  const keys = new Set([...Object.keys(cur), ...Object.keys(next)]) as Set<keyof WatchHealth>;
  if (state.health[resource] && [...keys].every((k) => cur[k] === next[k])) return state;
  return { ...state, health: { ...state.health, [resource]: next }, revision: state.revision + 1 };
}
