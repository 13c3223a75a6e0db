// Pure helpers that write a VMI's status the way virt-controller and
// virt-handler do: phases with transition timestamps, conditions, interfaces.
import { randomBytes, randomUUID } from 'node:crypto';
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const FINAL_VMI_PHASES = ['Succeeded', 'Failed'];

export function statusOf(o: KubeObject): Any {
  const x = o as Any;
  x.status ??= {};
  return x.status;
}

/** Sets the phase and appends its transition timestamp (once per phase change). */
export function setPhase(o: KubeObject, phase: string, now = timestamp()): void {
  const st = statusOf(o);
  if (st.phase === phase) return;
  st.phase = phase;
  st.phaseTransitionTimestamps = [...(st.phaseTransitionTimestamps ?? []), { phase, phaseTransitionTimestamp: now }];
}

/** Sets a condition, keeping lastTransitionTime when its status does not change. */
export function setCondition(o: KubeObject, c: { type: string; status: string; reason?: string; message?: string }, now = timestamp()): void {
  const st = statusOf(o);
  const list: Any[] = st.conditions ?? [];
  const old = list.find((x) => x.type === c.type);
  const next: Any = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
  if (c.reason) next.reason = c.reason;
  if (c.message) next.message = c.message;
  st.conditions = old ? list.map((x) => (x.type === c.type ? next : x)) : [...list, next];
}

export function removeCondition(o: KubeObject, type: string): void {
  const st = statusOf(o);
  if (st.conditions) st.conditions = (st.conditions as Any[]).filter((c) => c.type !== type);
}

export function conditionStatus(o: KubeObject, type: string): string | undefined {
  return ((o as Any).status?.conditions ?? []).find((c: Any) => c.type === type)?.status;
}

export function newPodUid(): string {
  return randomUUID();
}

/** virt-launcher pod names carry a 5-character suffix, as a ReplicaSet-less generated pod name does. */
export function launcherPodName(vmiName: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % alphabet.length];
  return `virt-launcher-${vmiName}-${suffix}`;
}

export function macAddress(): string {
  const b = randomBytes(5);
  return ['02', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

/** The pod-network interface status (masquerade: the guest sees 10.0.2.2, the pod IP is what others see). */
export function podInterface(ip: string, mac: string): Any {
  return {
    name: 'default',
    interfaceName: 'eth0',
    ipAddress: ip,
    ipAddresses: [ip],
    mac,
    infoSource: 'domain, guest-agent',
    queueCount: 1,
    podInterfaceName: 'eth0',
  };
}
