// The default ClusterRoles and ClusterRoleBindings of a kube-apiserver
// (bootstrappolicy, Kubernetes 1.25+ content) for user-facing access: the
// aggregated admin/edit/view roles and the system:aggregate-to-* roles that
// feed them, cluster-admin, and the discovery/basic-user/public-info roles
// every user gets. Rule lists are kept whole, including groups this server
// does not serve, so `kubectl auth can-i --list` reads as on a real cluster.
import type { KubeObject } from '../types.js';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, RBAC_GROUP, SYSTEM_MASTERS } from './rbac-types.js';

export const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Rule = Record<string, string[]>;
const rule = (verbs: string[], apiGroups: string[], resources: string[]): Rule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): Rule => ({ verbs, nonResourceURLs });

const AGGREGATE_TO_ADMIN: Rule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, [RBAC_GROUP], ['rolebindings', 'roles']),
];

const AGGREGATE_TO_EDIT: Rule[] = [
  rule(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], [
    'configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale',
    'secrets', 'serviceaccounts', 'services', 'services/proxy',
  ]),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], [
    'daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale',
    'statefulsets', 'statefulsets/scale',
  ]),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
  rule(WRITE, ['extensions'], [
    'daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies',
    'replicasets', 'replicasets/scale', 'replicationcontrollers/scale',
  ]),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
];

const AGGREGATE_TO_VIEW: Rule[] = [
  rule(READ, [''], [
    'configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers',
    'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status',
  ]),
  rule(READ, [''], [
    'bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status',
    'resourcequotas', 'resourcequotas/status',
  ]),
  // Reading namespaces at namespace scope means reading *this* namespace.
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], [
    'controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status',
    'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status',
  ]),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(READ, ['extensions'], [
    'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses',
    'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale',
  ]),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

function clusterRole(name: string, spec: { rules?: Rule[]; aggregateTo?: string; aggregates?: string }): KubeObject {
  const labels: Record<string, string> = { ...BOOTSTRAP_LABEL };
  if (spec.aggregateTo) labels[`rbac.authorization.k8s.io/aggregate-to-${spec.aggregateTo}`] = 'true';
  const o: KubeObject = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
  };
  if (spec.aggregates) {
    o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${spec.aggregates}`]: 'true' } }] };
  }
  if (spec.rules) o.rules = spec.rules.map((r) => structuredClone(r));
  return o;
}

function clusterRoleBinding(name: string, groups: string[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABEL }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: groups.map((g) => ({ kind: 'Group', apiGroup: RBAC_GROUP, name: g })),
  };
}

/** Fresh copies of the bootstrap ClusterRoles (aggregated ones without rules: the controller fills them). */
export function bootstrapClusterRoles(): KubeObject[] {
  return [
    clusterRole('cluster-admin', { rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] }),
    clusterRole('system:discovery', {
      rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
    }),
    clusterRole('system:basic-user', {
      rules: [
        rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
        rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
      ],
    }),
    clusterRole('system:public-info-viewer', { rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] }),
    clusterRole('admin', { aggregates: 'admin' }),
    clusterRole('edit', { aggregates: 'edit', aggregateTo: 'admin' }),
    clusterRole('view', { aggregates: 'view', aggregateTo: 'edit' }),
    clusterRole('system:aggregate-to-admin', { rules: AGGREGATE_TO_ADMIN, aggregateTo: 'admin' }),
    clusterRole('system:aggregate-to-edit', { rules: AGGREGATE_TO_EDIT, aggregateTo: 'edit' }),
    clusterRole('system:aggregate-to-view', { rules: AGGREGATE_TO_VIEW, aggregateTo: 'view' }),
  ];
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', [SYSTEM_MASTERS]),
    clusterRoleBinding('system:basic-user', [ALL_AUTHENTICATED]),
    clusterRoleBinding('system:discovery', [ALL_AUTHENTICATED]),
    clusterRoleBinding('system:public-info-viewer', [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED]),
  ];
}
