// The slice of Kubernetes' protobuf schema the simulated API server needs to
// read kubectl 1.32+ request bodies, as a protobufjs JSON descriptor. Field
// names and numbers are the ones in the upstream generated.proto files
// (k8s.io/apimachinery runtime and meta/v1, k8s.io/api core/v1, rbac/v1,
// authorization/v1); those numbers never change once released, so a subset
// stays wire-compatible with every client version. Fields not listed here are
// skipped by the decoder, as an older server would.

import type { INamespace, IType } from 'protobufjs/light.js';

const str = (id: number) => ({ id, type: 'string' });
const bool = (id: number) => ({ id, type: 'bool' });
const int64 = (id: number) => ({ id, type: 'int64' });
const msg = (id: number, type: string) => ({ id, type });
const list = (id: number, type = 'string') => ({ id, type, rule: 'repeated' });
const dict = (id: number, type = 'string') => ({ id, keyType: 'string', type });

const meta = {
  Time: { fields: { seconds: int64(1), nanos: { id: 2, type: 'int32' } } },
  FieldsV1: { fields: { Raw: { id: 1, type: 'bytes' } } },
  OwnerReference: {
    fields: { kind: str(1), name: str(3), uid: str(4), apiVersion: str(5), controller: bool(6), blockOwnerDeletion: bool(7) },
  },
  ManagedFieldsEntry: {
    fields: {
      manager: str(1),
      operation: str(2),
      apiVersion: str(3),
      time: msg(4, 'Time'),
      fieldsType: str(6),
      fieldsV1: msg(7, 'FieldsV1'),
      subresource: str(8),
    },
  },
  ObjectMeta: {
    fields: {
      name: str(1),
      generateName: str(2),
      namespace: str(3),
      selfLink: str(4),
      uid: str(5),
      resourceVersion: str(6),
      generation: int64(7),
      creationTimestamp: msg(8, 'Time'),
      deletionTimestamp: msg(9, 'Time'),
      deletionGracePeriodSeconds: int64(10),
      labels: dict(11),
      annotations: dict(12),
      ownerReferences: list(13, 'OwnerReference'),
      finalizers: list(14),
      managedFields: list(17, 'ManagedFieldsEntry'),
    },
  },
  LabelSelectorRequirement: { fields: { key: str(1), operator: str(2), values: list(3) } },
  LabelSelector: { fields: { matchLabels: dict(1), matchExpressions: list(2, 'LabelSelectorRequirement') } },
};

const core = {
  ObjectReference: {
    fields: { kind: str(1), namespace: str(2), name: str(3), uid: str(4), apiVersion: str(5), resourceVersion: str(6), fieldPath: str(7) },
  },
  LocalObjectReference: { fields: { name: str(1) } },
  NamespaceCondition: {
    fields: { type: str(1), status: str(2), lastTransitionTime: msg(4, 'meta.Time'), reason: str(5), message: str(6) },
  },
  NamespaceSpec: { fields: { finalizers: list(1) } },
  NamespaceStatus: { fields: { phase: str(1), conditions: list(2, 'NamespaceCondition') } },
  Namespace: { fields: { metadata: msg(1, 'meta.ObjectMeta'), spec: msg(2, 'NamespaceSpec'), status: msg(3, 'NamespaceStatus') } },
  ConfigMap: { fields: { metadata: msg(1, 'meta.ObjectMeta'), data: dict(2), binaryData: dict(3, 'bytes'), immutable: bool(4) } },
  Secret: {
    fields: { metadata: msg(1, 'meta.ObjectMeta'), data: dict(2, 'bytes'), type: str(3), stringData: dict(4), immutable: bool(5) },
  },
  ServiceAccount: {
    fields: {
      metadata: msg(1, 'meta.ObjectMeta'),
      secrets: list(2, 'ObjectReference'),
      imagePullSecrets: list(3, 'LocalObjectReference'),
      automountServiceAccountToken: bool(4),
    },
  },
};

const rbac = {
  PolicyRule: { fields: { verbs: list(1), apiGroups: list(2), resources: list(3), resourceNames: list(4), nonResourceURLs: list(5) } },
  Subject: { fields: { kind: str(1), apiGroup: str(2), name: str(3), namespace: str(4) } },
  RoleRef: { fields: { apiGroup: str(1), kind: str(2), name: str(3) } },
  AggregationRule: { fields: { clusterRoleSelectors: list(1, 'meta.LabelSelector') } },
  Role: { fields: { metadata: msg(1, 'meta.ObjectMeta'), rules: list(2, 'PolicyRule') } },
  ClusterRole: {
    fields: { metadata: msg(1, 'meta.ObjectMeta'), rules: list(2, 'PolicyRule'), aggregationRule: msg(3, 'AggregationRule') },
  },
  RoleBinding: { fields: { metadata: msg(1, 'meta.ObjectMeta'), subjects: list(2, 'Subject'), roleRef: msg(3, 'RoleRef') } },
  ClusterRoleBinding: { fields: { metadata: msg(1, 'meta.ObjectMeta'), subjects: list(2, 'Subject'), roleRef: msg(3, 'RoleRef') } },
};

const authz = {
  FieldSelectorRequirement: { fields: { key: str(1), operator: str(2), values: list(3) } },
  FieldSelectorAttributes: { fields: { rawSelector: str(1), requirements: list(2, 'FieldSelectorRequirement') } },
  LabelSelectorAttributes: { fields: { rawSelector: str(1), requirements: list(2, 'meta.LabelSelectorRequirement') } },
  ResourceAttributes: {
    fields: {
      namespace: str(1),
      verb: str(2),
      group: str(3),
      version: str(4),
      resource: str(5),
      subresource: str(6),
      name: str(7),
      fieldSelector: msg(8, 'FieldSelectorAttributes'),
      labelSelector: msg(9, 'LabelSelectorAttributes'),
    },
  },
  NonResourceAttributes: { fields: { path: str(1), verb: str(2) } },
  SelfSubjectAccessReviewSpec: {
    fields: { resourceAttributes: msg(1, 'ResourceAttributes'), nonResourceAttributes: msg(2, 'NonResourceAttributes') },
  },
  SubjectAccessReviewStatus: { fields: { allowed: bool(1), reason: str(2), evaluationError: str(3), denied: bool(4) } },
  SelfSubjectAccessReview: {
    fields: {
      metadata: msg(1, 'meta.ObjectMeta'),
      spec: msg(2, 'SelfSubjectAccessReviewSpec'),
      status: msg(3, 'SubjectAccessReviewStatus'),
    },
  },
  SelfSubjectRulesReviewSpec: { fields: { namespace: str(1) } },
  SelfSubjectRulesReview: { fields: { metadata: msg(1, 'meta.ObjectMeta'), spec: msg(2, 'SelfSubjectRulesReviewSpec') } },
  // authentication.k8s.io/v1 (kubectl auth whoami): the request carries only metadata.
  SelfSubjectReview: { fields: { metadata: msg(1, 'meta.ObjectMeta') } },
};

const runtime = {
  TypeMeta: { fields: { apiVersion: str(1), kind: str(2) } },
  Unknown: { fields: { typeMeta: msg(1, 'TypeMeta'), raw: { id: 2, type: 'bytes' }, contentEncoding: str(3), contentType: str(4) } },
};

// protobufjs reads JSON-described types as proto3 by default, where a false
// or 0 on the wire is indistinguishable from "absent"; Kubernetes is proto2.
const proto2 = (types: Record<string, IType>): INamespace => ({
  nested: Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { edition: 'proto2', ...type }])),
});

export const descriptor: INamespace = {
  nested: { meta: proto2(meta), core: proto2(core), rbac: proto2(rbac), authz: proto2(authz), runtime: proto2(runtime) },
};

/** apiVersion/kind -> message type in `descriptor`. */
export const kindTypes: Readonly<Record<string, string>> = {
  'v1/Namespace': 'core.Namespace',
  'v1/ConfigMap': 'core.ConfigMap',
  'v1/Secret': 'core.Secret',
  'v1/ServiceAccount': 'core.ServiceAccount',
  'rbac.authorization.k8s.io/v1/Role': 'rbac.Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'rbac.ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'rbac.RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'rbac.ClusterRoleBinding',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'authz.SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'authz.SelfSubjectRulesReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'authz.SelfSubjectReview',
};

/**
 * Go writes every plain field, zero or not, so a zero value on the wire means
 * "unset" and is dropped like JSON's omitempty would. These fields are Go
 * pointers instead: they are on the wire only when the client set them, and
 * then a false, 0 or empty message is a deliberate value that must survive.
 */
export const pointerFields: ReadonlySet<string> = new Set([
  'meta.ObjectMeta.deletionGracePeriodSeconds',
  'meta.OwnerReference.controller',
  'meta.OwnerReference.blockOwnerDeletion',
  'core.ConfigMap.immutable',
  'core.Secret.immutable',
  'core.ServiceAccount.automountServiceAccountToken',
  'rbac.ClusterRole.aggregationRule',
  'authz.ResourceAttributes.fieldSelector',
  'authz.ResourceAttributes.labelSelector',
  'authz.SelfSubjectAccessReviewSpec.resourceAttributes',
  'authz.SelfSubjectAccessReviewSpec.nonResourceAttributes',
]);
