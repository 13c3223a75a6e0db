// The built-in kinds this server serves, with what discovery, field selectors
// and `kubectl get` columns of a real server say about them.
import { ALL_VERBS, type PrinterColumn, type ResourceRegistry, type ResourceType } from './resource-type.js';
import { age, ageColumn, nameColumn } from './table.js';
import type { KubeObject } from './types.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const s = (o: KubeObject) => o as Any;
const countKeys = (m: unknown) => (m && typeof m === 'object' ? Object.keys(m).length : 0);

function col(name: string, value: (o: Any) => unknown, extra: Partial<PrinterColumn> = {}): PrinterColumn {
  return { name, type: 'string', value: (o) => value(s(o)), ...extra };
}

// RBAC kinds print their creation time itself, not an age.
const createdAt: PrinterColumn = { name: 'Created At', type: 'string', format: 'date', description: 'creation time', value: (o) => o.metadata.creationTimestamp };

function nodeStatus(n: Any): string {
  const ready = (n.status?.conditions ?? []).find((c: Any) => c.type === 'Ready');
  const parts = [ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
  if (n.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(n: Any): string {
  const roles = Object.keys(n.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function servicePorts(svc: Any): string {
  const ports = (svc.spec?.ports ?? []) as Any[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function involved(e: Any): string {
  const io = e.involvedObject ?? {};
  return `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
}

const core = (resource: string, singular: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group: '',
  version: 'v1',
  resource,
  singular,
  kind,
  namespaced,
  verbs: ALL_VERBS,
  subresources: [],
  custom: false,
  allowUnconditionalUpdate: true,
  model: { pkg: 'client-node', name: `V1${kind}` },
  ...extra,
});

const rbac = (resource: string, singular: string, kind: string, namespaced: boolean, printerColumns: PrinterColumn[]): ResourceType => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource,
  singular,
  kind,
  namespaced,
  verbs: ALL_VERBS,
  subresources: [],
  custom: false,
  allowUnconditionalUpdate: true,
  nameIsPathSegment: true,
  model: { pkg: 'client-node', name: `V1${kind}` },
  printerColumns,
});

export const CORE = {
  namespaces: core('namespaces', 'namespace', 'Namespace', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    nameIsLabel: true,
    selectableFields: { 'status.phase': (o) => String(s(o).status?.phase ?? '') },
    printerColumns: [col('Status', (o) => o.status?.phase)],
  }),
  nodes: core('nodes', 'node', 'Node', false, {
    shortNames: ['no'],
    subresources: ['status'],
    selectableFields: { 'spec.unschedulable': (o) => String(Boolean(s(o).spec?.unschedulable)) },
    printerColumns: [
      nameColumn,
      col('Status', nodeStatus),
      col('Roles', nodeRoles),
      ageColumn,
      col('Version', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''),
      col('Internal-IP', (o) => (o.status?.addresses ?? []).find((a: Any) => a.type === 'InternalIP')?.address ?? '<none>', { priority: 1 }),
    ],
  }),
  secrets: core('secrets', 'secret', 'Secret', true, {
    selectableFields: { type: (o) => String(s(o).type ?? '') },
    printerColumns: [col('Type', (o) => o.type), { name: 'Data', type: 'integer', value: (o) => countKeys(s(o).data) }],
  }),
  configmaps: core('configmaps', 'configmap', 'ConfigMap', true, {
    shortNames: ['cm'],
    printerColumns: [{ name: 'Data', type: 'integer', value: (o) => countKeys(s(o).data) + countKeys(s(o).binaryData) }],
  }),
  serviceaccounts: core('serviceaccounts', 'serviceaccount', 'ServiceAccount', true, {
    shortNames: ['sa'],
    printerColumns: [{ name: 'Secrets', type: 'integer', value: (o) => (s(o).secrets ?? []).length }],
  }),
  events: core('events', 'event', 'Event', true, {
    shortNames: ['ev'],
    model: { pkg: 'client-node', name: 'CoreV1Event' },
    selectableFields: Object.fromEntries(
      [
        ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map(
          (f) => [`involvedObject.${f}`, (o: KubeObject) => String(s(o).involvedObject?.[f] ?? '')] as const,
        ),
        ['reason', (o: KubeObject) => String(s(o).reason ?? '')] as const,
        ['reportingComponent', (o: KubeObject) => String(s(o).reportingComponent ?? '')] as const,
        ['source', (o: KubeObject) => String(s(o).source?.component ?? s(o).reportingComponent ?? '')] as const,
        ['type', (o: KubeObject) => String(s(o).type ?? '')] as const,
      ],
    ),
    printerColumns: [
      col('Last Seen', (o) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp)),
      col('Type', (o) => o.type),
      col('Reason', (o) => o.reason),
      col('Object', involved),
      col('Message', (o) => o.message),
      { ...nameColumn, priority: 1 },
    ],
  }),
  services: core('services', 'service', 'Service', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    nameIsLabel: true,
    selectableFields: { 'spec.clusterIP': (o) => String(s(o).spec?.clusterIP ?? ''), 'spec.type': (o) => String(s(o).spec?.type ?? '') },
    printerColumns: [
      col('Type', (o) => o.spec?.type),
      col('Cluster-IP', (o) => o.spec?.clusterIP),
      col('External-IP', (o) => (o.spec?.externalIPs ?? []).join(',') || '<none>'),
      col('Port(s)', servicePorts),
    ],
  }),
  persistentvolumeclaims: core('persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
    subresources: ['status'],
    printerColumns: [
      col('Status', (o) => o.status?.phase),
      col('Volume', (o) => o.spec?.volumeName ?? ''),
      col('Capacity', (o) => o.status?.capacity?.storage ?? ''),
      col('Access Modes', (o) => (o.status?.accessModes ?? o.spec?.accessModes ?? []).map((m: string) => ({ ReadWriteOnce: 'RWO', ReadWriteMany: 'RWX', ReadOnlyMany: 'ROX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',')),
      col('StorageClass', (o) => o.spec?.storageClassName ?? '<unset>'),
      col('VolumeAttributesClass', () => '<unset>'),
    ],
  }),
  roles: rbac('roles', 'role', 'Role', true, [nameColumn, createdAt]),
  rolebindings: rbac('rolebindings', 'rolebinding', 'RoleBinding', true, [
    col('Role', (o) => `${o.roleRef?.kind}/${o.roleRef?.name}`),
    col('Users', (o) => (o.subjects ?? []).filter((x: Any) => x.kind === 'User').map((x: Any) => x.name).join(', '), { priority: 1 }),
    col('Groups', (o) => (o.subjects ?? []).filter((x: Any) => x.kind === 'Group').map((x: Any) => x.name).join(', '), { priority: 1 }),
    col('ServiceAccounts', (o) => (o.subjects ?? []).filter((x: Any) => x.kind === 'ServiceAccount').map((x: Any) => `${x.namespace ?? ''}/${x.name}`).join(', '), { priority: 1 }),
  ]),
  clusterroles: rbac('clusterroles', 'clusterrole', 'ClusterRole', false, [nameColumn, createdAt]),
  clusterrolebindings: rbac('clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false, [
    col('Role', (o) => `${o.roleRef?.kind}/${o.roleRef?.name}`),
    col('Users', (o) => (o.subjects ?? []).filter((x: Any) => x.kind === 'User').map((x: Any) => x.name).join(', '), { priority: 1 }),
    col('Groups', (o) => (o.subjects ?? []).filter((x: Any) => x.kind === 'Group').map((x: Any) => x.name).join(', '), { priority: 1 }),
  ]),
  selfsubjectaccessreviews: {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    subresources: [],
    custom: false,
    model: { pkg: 'client-node', name: 'V1SelfSubjectAccessReview' },
  } satisfies ResourceType,
  selfsubjectrulesreviews: {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
    subresources: [],
    custom: false,
    model: { pkg: 'client-node', name: 'V1SelfSubjectRulesReview' },
  } satisfies ResourceType,
  selfsubjectreviews: {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
    subresources: [],
    custom: false,
    model: { pkg: 'client-node', name: 'V1SelfSubjectReview' },
  } satisfies ResourceType,
};

export function registerCoreKinds(types: ResourceRegistry): void {
  for (const rt of Object.values(CORE)) types.add(rt);
}
