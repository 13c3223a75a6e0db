// Strategic merge patch metadata of built-in fields (the patchStrategy and
// patchMergeKey struct tags of k8s.io/api), published in /openapi/v3 as
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key. kubectl's
// client-side apply computes its patch for built-in kinds from these; lists
// not named here are replaced as a whole, as in the real API.

export interface PatchMeta {
  strategy: string;
  key?: string;
}

const merge = (key?: string): PatchMeta => (key ? { strategy: 'merge', key } : { strategy: 'merge' });
const retain = (key: string): PatchMeta => ({ strategy: 'merge,retainKeys', key });

const CONTAINER_LISTS = (model: string): [string, PatchMeta][] => [
  [`${model}.ports`, merge('containerPort')],
  [`${model}.env`, merge('name')],
  [`${model}.volumeMounts`, merge('mountPath')],
  [`${model}.volumeDevices`, merge('devicePath')],
];

/** By client-node `Model.jsonField`. */
export const PATCH_META: Record<string, PatchMeta> = Object.fromEntries([
  ['V1ObjectMeta.finalizers', merge()],
  ['V1ObjectMeta.ownerReferences', merge('uid')],
  ['V1PodSpec.volumes', retain('name')],
  ['V1PodSpec.initContainers', merge('name')],
  ['V1PodSpec.containers', merge('name')],
  ['V1PodSpec.ephemeralContainers', merge('name')],
  ['V1PodSpec.imagePullSecrets', merge('name')],
  ['V1PodSpec.hostAliases', merge('ip')],
  ['V1PodSpec.topologySpreadConstraints', merge('topologyKey')],
  ['V1PodSpec.resourceClaims', retain('name')],
  ['V1PodSpec.schedulingGates', merge('name')],
  ...CONTAINER_LISTS('V1Container'),
  ...CONTAINER_LISTS('V1EphemeralContainer'),
  ['V1PodStatus.conditions', merge('type')],
  ['V1PodStatus.podIPs', merge('ip')],
  ['V1PodStatus.hostIPs', merge('ip')],
  ['V1PodStatus.resourceClaimStatuses', retain('name')],
  ['V1NodeSpec.podCIDRs', merge()],
  ['V1NodeStatus.conditions', merge('type')],
  ['V1NodeStatus.addresses', merge('type')],
  ['V1NamespaceStatus.conditions', merge('type')],
  ['V1ServiceSpec.ports', merge('port')],
  ['V1ServiceStatus.conditions', merge('type')],
  ['V1ServiceAccount.secrets', merge('name')],
  ['V1PersistentVolumeClaimStatus.conditions', merge('type')],
  ['V1DeploymentSpec.strategy', { strategy: 'retainKeys' }],
  ['V1DeploymentStatus.conditions', merge('type')],
  ['V1ReplicaSetStatus.conditions', merge('type')],
  ['V1StatefulSetStatus.conditions', merge('type')],
  ['V1DaemonSetStatus.conditions', merge('type')],
  ['V1JobStatus.conditions', merge('type')],
]);
