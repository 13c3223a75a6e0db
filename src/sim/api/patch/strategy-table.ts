// The strategic fields of the kinds this server serves, with the tags of
// k8s.io/api (core/v1, rbac/v1) and apimachinery's ObjectMeta: the
// `patchStrategy`/`patchMergeKey` struct tags strategic merge patch reads, and
// the `+listType`/`+listMapKey`/`+mapType`/`+structType` markers server-side
// apply reads. Every other list is atomic (replaced by strategic merge patch,
// owned as a whole by server-side apply) and every other map merges key by
// key; nested types come from @kubernetes/client-node's attribute type maps.
import type { Json } from '../types.js';

export type ListType = 'atomic' | 'set' | 'map';

export interface FieldTag {
  /** `patchStrategy` of the struct tag. */
  patchStrategy?: 'merge' | 'replace';
  /** `patchMergeKey` of the struct tag. */
  patchMergeKey?: string;
  /** `+listType`; lists without one are atomic. */
  listType?: ListType;
  /** `+listMapKey`s, for `listType: map`. */
  listMapKeys?: string[];
  /** OpenAPI defaults of key fields: server-side apply keys an item that omits them with the default. */
  keyDefaults?: Record<string, Json>;
  /** `+mapType=atomic` on a map field. */
  atomic?: boolean;
}

const mergeBy = (key: string): FieldTag => ({ patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key] });
const ATOMIC: FieldTag = { listType: 'atomic' };
const MERGE_SET: FieldTag = { patchStrategy: 'merge', listType: 'set' };

/** Per client-node model class, per JSON field name. */
export const FIELD_TAGS: Record<string, Record<string, FieldTag>> = {
  V1ObjectMeta: {
    finalizers: MERGE_SET,
    ownerReferences: mergeBy('uid'),
    managedFields: ATOMIC,
  },
  V1NamespaceSpec: { finalizers: ATOMIC },
  V1NamespaceStatus: { conditions: mergeBy('type') },
  V1NodeSpec: { podCIDRs: MERGE_SET, taints: ATOMIC },
  V1NodeStatus: {
    conditions: mergeBy('type'),
    addresses: mergeBy('type'),
    images: ATOMIC,
    volumesInUse: ATOMIC,
    volumesAttached: ATOMIC,
  },
  V1ServiceAccount: { secrets: mergeBy('name'), imagePullSecrets: ATOMIC },
  V1ServiceSpec: {
    ports: { patchStrategy: 'merge', patchMergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    selector: { atomic: true },
    clusterIPs: ATOMIC,
    externalIPs: ATOMIC,
    ipFamilies: ATOMIC,
    loadBalancerSourceRanges: ATOMIC,
  },
  V1ServiceStatus: { conditions: mergeBy('type') },
  V1LoadBalancerStatus: { ingress: ATOMIC },
  V1LoadBalancerIngress: { ports: ATOMIC },
  V1PersistentVolumeClaimSpec: { accessModes: ATOMIC },
  V1PersistentVolumeClaimStatus: { conditions: mergeBy('type'), accessModes: ATOMIC },
  V1Role: { rules: ATOMIC },
  V1ClusterRole: { rules: ATOMIC },
  V1AggregationRule: { clusterRoleSelectors: ATOMIC },
  V1RoleBinding: { subjects: ATOMIC },
  V1ClusterRoleBinding: { subjects: ATOMIC },
  V1PolicyRule: { apiGroups: ATOMIC, resources: ATOMIC, verbs: ATOMIC, resourceNames: ATOMIC, nonResourceURLs: ATOMIC },
};

/** Types marked `+structType=atomic`: owned as one value by server-side apply. */
export const ATOMIC_STRUCTS = new Set([
  'V1LabelSelector',
  'V1ObjectReference',
  'V1LocalObjectReference',
  'V1TypedLocalObjectReference',
  'V1NodeSelector',
]);

/**
 * The kinds with a table, each with the fields an empty object of its Go type
 * already carries (non-pointer structs): an update that first sets them
 * modifies them rather than adding them, so managedFields shows no `.` there.
 */
export const SERVED_KINDS: Record<string, { present: string[] }> = {
  V1Namespace: { present: ['metadata', 'spec', 'status'] },
  V1Node: { present: ['metadata', 'spec', 'status', 'status.daemonEndpoints', 'status.daemonEndpoints.kubeletEndpoint', 'status.nodeInfo'] },
  V1Secret: { present: ['metadata'] },
  V1ConfigMap: { present: ['metadata'] },
  V1ServiceAccount: { present: ['metadata'] },
  CoreV1Event: { present: ['metadata', 'involvedObject', 'source'] },
  V1Service: { present: ['metadata', 'spec', 'status', 'status.loadBalancer'] },
  V1PersistentVolumeClaim: { present: ['metadata', 'spec', 'status', 'spec.resources'] },
  V1Role: { present: ['metadata'] },
  V1RoleBinding: { present: ['metadata', 'roleRef'] },
  V1ClusterRole: { present: ['metadata'] },
  V1ClusterRoleBinding: { present: ['metadata', 'roleRef'] },
};

/** Other spellings of served model names. */
export const MODEL_ALIASES: Record<string, string> = { V1Event: 'CoreV1Event' };
