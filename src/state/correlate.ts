// What neither object knows alone: which migration moved a VMI (so that the
// migration gets the VMI's IPs before and after), and for each VMI its
// migration in flight, how many migrations it had and how long the last took.
import { sameStrings } from './json.js';
import { migrationDurationSec, parseTime } from './time.js';
import type { Fleet } from './cluster-state.js';
import type { FleetVmi, Migration } from './types.js';
import { sameFleetVmi } from './vmi.js';

/**
 * After a move the guest agent may report the new address a little later, so
 * ipsAfter keeps following the VMI's IPs for this long after the node change.
 */
export const IP_SETTLE_MS = 60_000;

/**
 * The migration that brought the VMI to its current node: the one its
 * migrationState names, if that one targeted this node, else the newest
 * migration of the VMI that targeted this node (or had not said where yet)
 * and did not fail.
 */
export function migrationThatMoved(vmi: FleetVmi, migrations: Readonly<Record<string, Migration>>): Migration | undefined {
  const uid = vmi.migrationState?.uid;
  const named = uid ? migrations[uid] : undefined;
  if (named && named.vmi === vmi.name && (named.targetNode === undefined || named.targetNode === vmi.node)) return named;
  let best: Migration | undefined;
  let bestAt = -Infinity;
  for (const m of Object.values(migrations)) {
    if (m.vmi !== vmi.name || m.outcome === 'failed' || m.outcome === 'aborted') continue;
    if (m.targetNode !== undefined ? m.targetNode !== vmi.node : m.outcome !== 'in-flight') continue;
    const at = parseTime(m.created) ?? 0;
    if (at > bestAt) {
      best = m;
      bestAt = at;
    }
  }
  return best;
}

/**
 * Puts the VMI's IPs onto the migration that moved it: ipsBefore from the
 * IPs it had on the node it left (unless captured when the migration
 * started), ipsAfter following its IPs for IP_SETTLE_MS after the move.
 * Returns the updated migration, or undefined when nothing changes.
 */
export function correlateIps(migrations: Readonly<Record<string, Migration>>, vmi: FleetVmi, now: number): Migration | undefined {
  if (vmi.nodeChangedAt === undefined || now - vmi.nodeChangedAt > IP_SETTLE_MS || !vmi.node) return undefined;
  const m = migrationThatMoved(vmi, migrations);
  if (!m) return undefined;
  // A migration whose source is known but is not the node the VMI left moved it elsewhere.
  if (m.sourceNode && vmi.previousNode && m.sourceNode !== vmi.previousNode) return undefined;
  const next: Migration = { ...m };
  let changed = false;
  if (!m.ipsBefore && vmi.previousIps && vmi.previousIps.length > 0) {
    next.ipsBefore = vmi.previousIps;
    changed = true;
  }
  if (vmi.ips.length > 0 && !sameStrings(m.ipsAfter, vmi.ips)) {
    next.ipsAfter = vmi.ips;
    changed = true;
  }
  return changed ? next : undefined;
}

/**
 * ipsBefore for a migration first seen in flight: the VMI's IPs now, while it
 * still runs on the source (skipped when it is known to be elsewhere).
 */
export function captureIpsBefore(m: Migration, vmi: FleetVmi | undefined): Migration {
  if (m.outcome !== 'in-flight' || m.ipsBefore || !vmi || vmi.ips.length === 0 || !vmi.node) return m;
  if (m.sourceNode && m.sourceNode !== vmi.node) return m;
  return { ...m, ipsBefore: vmi.ips };
}

/**
 * Whether m (at time t) comes after the current pick (at curAt). Timestamps
 * have whole seconds, so ties are common when migrations are quick; they go
 * to the later created, then to the greater uid, so that the pick never
 * depends on the order the migrations were seen in (a watch and a fresh list
 * see them in different orders).
 */
function isLater(t: number, m: Migration, curAt: number, cur: Migration | undefined): boolean {
  if (!cur || t !== curAt) return !cur || t > curAt;
  const created = parseTime(m.created) ?? 0;
  const curCreated = parseTime(cur.created) ?? 0;
  return created !== curCreated ? created > curCreated : m.uid > cur.uid;
}

interface Aggregate {
  count: number;
  inFlight?: Migration;
  inFlightAt: number;
  last?: Migration;
  lastAt: number;
}

/**
 * Recomputes, for the named VMIs, the IP correlation and the fields derived
 * from migrations (inFlight: the newest migration still in flight;
 * migrations: how many; lastDurationSec: of the latest finished). One pass
 * over the migrations. Returns only what changed, so that the caller copies
 * its (possibly large) records at most once per reduction.
 */
export function deriveFleet(
  fleet: Fleet,
  migrations: Readonly<Record<string, Migration>>,
  names: ReadonlySet<string>,
  now: number,
): { vmis: FleetVmi[]; migrations: Migration[] } {
  const out = { vmis: [] as FleetVmi[], migrations: [] as Migration[] };
  if (names.size === 0) return out;
  for (const name of names) {
    const vmi = fleet.get(name);
    const m = vmi ? correlateIps(migrations, vmi, now) : undefined;
    if (m) out.migrations.push(m);
  }
  // IPs do not enter the aggregates, so the migrations as given serve for them.
  const agg = new Map<string, Aggregate>();
  for (const m of Object.values(migrations)) {
    if (!names.has(m.vmi)) continue;
    let a = agg.get(m.vmi);
    if (!a) agg.set(m.vmi, (a = { count: 0, inFlightAt: -Infinity, lastAt: -Infinity }));
    a.count++;
    const created = parseTime(m.created) ?? 0;
    if (m.outcome === 'in-flight') {
      if (isLater(created, m, a.inFlightAt, a.inFlight)) {
        a.inFlight = m;
        a.inFlightAt = created;
      }
    } else if (migrationDurationSec(m) !== undefined) {
      const ended = parseTime(m.ended) ?? created;
      if (isLater(ended, m, a.lastAt, a.last)) {
        a.last = m;
        a.lastAt = ended;
      }
    }
  }
  for (const name of names) {
    const vmi = fleet.get(name);
    if (!vmi) continue;
    const a = agg.get(name);
    const next: FleetVmi = { ...vmi, migrations: a?.count ?? 0 };
    delete next.inFlight;
    delete next.lastDurationSec;
    if (a?.inFlight) {
      const f = a.inFlight;
      next.inFlight = { uid: f.uid, name: f.name, phase: f.phase, ...(f.targetNode ? { targetNode: f.targetNode } : {}) };
    }
    const last = a?.last ? migrationDurationSec(a.last) : undefined;
    if (last !== undefined) next.lastDurationSec = last;
    if (!sameFleetVmi(next, vmi)) out.vmis.push(next);
  }
  return out;
}
