// Whether a VMI can live-migrate, as virt-controller computes the
// LiveMigratable condition: shared (ReadWriteMany) storage for every PVC,
// masquerade (not bridge) on the pod network, no host devices.
import type { SystemClient } from '../api/system-client.js';
import type { KubeObject } from '../api/types.js';
import { DV_KEY } from './context.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Migratability {
  migratable: boolean;
  reason?: string;
  message?: string;
}

function accessModesOf(client: SystemClient, namespace: string, claim: string, dataVolume: boolean): string[] {
  const pvc = client.get('persistentvolumeclaims', namespace, claim) as Any | undefined;
  if (pvc) return pvc.status?.accessModes ?? pvc.spec?.accessModes ?? [];
  if (dataVolume) {
    const dv = client.get(DV_KEY, namespace, claim) as Any | undefined;
    return dv?.spec?.pvc?.accessModes ?? dv?.spec?.storage?.accessModes ?? [];
  }
  return [];
}

export function migratability(client: SystemClient, vmi: KubeObject): Migratability {
  const spec = (vmi as Any).spec ?? {};
  const ns = vmi.metadata.namespace!;
  for (const v of spec.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName ?? v.dataVolume?.name;
    if (!claim) continue;
    const modes = accessModesOf(client, ns, claim, Boolean(v.dataVolume));
    if (!modes.includes('ReadWriteMany')) {
      return {
        migratable: false,
        reason: 'DisksNotLiveMigratable',
        message: `cannot migrate VMI: PVC ${claim} is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)`,
      };
    }
  }
  const podNetworks = new Set((spec.networks ?? []).filter((n: Any) => n.pod).map((n: Any) => n.name));
  const bridgeOnPod = (spec.domain?.devices?.interfaces ?? []).some((i: Any) => i.bridge && podNetworks.has(i.name));
  if (bridgeOnPod) {
    return { migratable: false, reason: 'InterfaceNotLiveMigratable', message: 'cannot migrate VMI which does not use masquerade to connect to the pod network' };
  }
  const devices = spec.domain?.devices ?? {};
  if ((devices.hostDevices ?? []).length > 0 || (devices.gpus ?? []).length > 0) {
    return { migratable: false, reason: 'HostDeviceNotLiveMigratable', message: 'VMI uses a PCI host devices' };
  }
  return { migratable: true };
}
