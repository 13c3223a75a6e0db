// Built-in kinds are described by @kubernetes/client-node's generated model
// classes. Their attribute maps keep the JSON names and most types, but flatten
// resource.Quantity to `string`; the table below restores those, because the
// real server accepts plain numbers there.
import * as k8s from '@kubernetes/client-node';
import type { ModelSchema, TypeSpec } from './schema.js';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

/** `Model.field` whose value (or map values) are resource.Quantity. */
const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1ResourceFieldSelector.divisor',
  'V1NodeStatus.capacity',
  'V1NodeStatus.allocatable',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1PersistentVolumeSpec.capacity',
  'V1ResourceQuotaSpec.hard',
  'V1ResourceQuotaStatus.hard',
  'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.min',
  'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V1PodSpec.overhead',
  'V1Overhead.podFixed',
  'V1ContainerStatus.allocatedResources',
  'V1CSIStorageCapacity.capacity',
  'V1CSIStorageCapacity.maximumVolumeSize',
  'V2MetricTarget.averageValue',
  'V2MetricTarget.value',
  'V2MetricValueStatus.averageValue',
  'V2MetricValueStatus.value',
]);

/**
 * Fields of the served built-in kinds whose Go type is a named string type:
 * a decode error names it (`of type v1.Protocol`). Others print `string`.
 */
const NAMED_STRINGS: Record<string, string> = {
  'V1ObjectMeta.uid': 'types.UID',
  'V1OwnerReference.uid': 'types.UID',
  'V1ManagedFieldsEntry.operation': 'v1.ManagedFieldsOperationType',
  'V1Secret.type': 'v1.SecretType',
  'V1NamespaceSpec.finalizers': 'v1.FinalizerName',
  'V1NamespaceStatus.phase': 'v1.NamespacePhase',
  'V1NamespaceCondition.type': 'v1.NamespaceConditionType',
  'V1NamespaceCondition.status': 'v1.ConditionStatus',
  'V1NodeStatus.phase': 'v1.NodePhase',
  'V1NodeCondition.type': 'v1.NodeConditionType',
  'V1NodeCondition.status': 'v1.ConditionStatus',
  'V1NodeAddress.type': 'v1.NodeAddressType',
  'V1Taint.effect': 'v1.TaintEffect',
  'V1ServiceSpec.type': 'v1.ServiceType',
  'V1ServiceSpec.sessionAffinity': 'v1.ServiceAffinity',
  'V1ServiceSpec.externalTrafficPolicy': 'v1.ServiceExternalTrafficPolicy',
  'V1ServiceSpec.internalTrafficPolicy': 'v1.ServiceInternalTrafficPolicy',
  'V1ServiceSpec.ipFamilies': 'v1.IPFamily',
  'V1ServiceSpec.ipFamilyPolicy': 'v1.IPFamilyPolicy',
  'V1ServicePort.protocol': 'v1.Protocol',
  'V1PersistentVolumeClaimSpec.accessModes': 'v1.PersistentVolumeAccessMode',
  'V1PersistentVolumeClaimSpec.volumeMode': 'v1.PersistentVolumeMode',
  'V1PersistentVolumeClaimStatus.phase': 'v1.PersistentVolumeClaimPhase',
  'V1PersistentVolumeClaimStatus.accessModes': 'v1.PersistentVolumeAccessMode',
  'V1PersistentVolumeClaimCondition.type': 'v1.PersistentVolumeClaimConditionType',
  'V1PersistentVolumeClaimCondition.status': 'v1.ConditionStatus',
};

function named(t: TypeSpec, go: string): TypeSpec {
  if (t.k === 'string') return { k: 'string', go };
  if (t.k === 'array') return { k: 'array', of: named(t.of, go) };
  return t;
}

function modelClass(name: string): ModelClass | undefined {
  const c = (k8s as unknown as Record<string, unknown>)[name];
  if (typeof c === 'function' && typeof (c as Partial<ModelClass>).getAttributeTypeMap === 'function') return c as unknown as ModelClass;
  return undefined;
}

export function clientNodeModel(name: string): ModelSchema | undefined {
  const cls = modelClass(name);
  if (!cls) return undefined;
  const fields = new Map<string, TypeSpec>();
  for (const a of cls.getAttributeTypeMap()) {
    let t = parseType(a.type, a.format);
    const where = `${name}.${a.baseName}`;
    if (QUANTITY_FIELDS.has(where)) t = t.k === 'map' ? { k: 'map', of: { k: 'quantity' } } : { k: 'quantity' };
    const go = NAMED_STRINGS[where];
    if (go) t = named(t, go);
    fields.set(a.baseName, t);
  }
  // The client models carry no required list; built-in required fields are
  // enforced by each kind's own validation, not by decoding.
  return { key: name, pkg: 'client-node', name, flavor: 'go', fields, required: [] };
}

function parseType(type: string, format: string): TypeSpec {
  const t = type.trim();
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr) return { k: 'array', of: parseType(arr[1]!, format) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map) return { k: 'map', of: parseType(map[1]!, format) };
  switch (t) {
    case 'string':
      return format === 'byte' ? { k: 'bytes' } : { k: 'string' };
    case 'number':
      if (format === 'int32' || format === 'int64') return { k: 'int', go: format };
      return { k: 'float' };
    case 'boolean':
      return { k: 'bool' };
    case 'Date':
      return { k: 'date' };
    case 'V1MicroTime':
      return { k: 'date', micro: true };
    case 'IntOrString':
      return { k: 'intstr' };
    case 'any':
    case 'object':
      return { k: 'any' };
  }
  if (modelClass(t)) return { k: 'ref', key: t };
  // An unknown type name: accept anything rather than reject a valid object.
  return { k: 'any' };
}

/** Go package and type name of a client-node model: V1Container -> v1.Container. */
export function goTypeName(model: string): { pkg: string; name: string } {
  const m = /^(?:[A-Z][a-z0-9]*?)*?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(model);
  if (!m) return { pkg: 'v1', name: model };
  return { pkg: m[1]!.toLowerCase(), name: m[2]! };
}
