// KubeVirt's default ClusterRoles as virt-operator installs them, by version:
// before v1.5 kubevirt.io:admin and :edit may migrate (virtualmachines/migrate
// and all verbs on migrations); from v1.5 (kubevirt PR #13497) they only read
// migrations and a separate, non-aggregated kubevirt.io:migrate grants it.
import type { KubeObject } from '../api/types.js';
import type { KubeVirtContext } from './context.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const ALL = ['get', 'delete', 'create', 'update', 'patch', 'list', 'watch', 'deletecollection'];
const EDIT = ['get', 'delete', 'create', 'update', 'patch', 'list', 'watch'];
const READ = ['get', 'list', 'watch'];

const CORE_KINDS = ['virtualmachines', 'virtualmachineinstances', 'virtualmachineinstancepresets', 'virtualmachineinstancereplicasets'];
const EXTRA_GROUPS: [string, string[]][] = [
  ['snapshot.kubevirt.io', ['virtualmachinesnapshots', 'virtualmachinesnapshotcontents', 'virtualmachinerestores']],
  ['export.kubevirt.io', ['virtualmachineexports']],
  ['clone.kubevirt.io', ['virtualmachineclones']],
  ['instancetype.kubevirt.io', ['virtualmachineinstancetypes', 'virtualmachinepreferences']],
  ['pool.kubevirt.io', ['virtualmachinepools']],
];

function writerRules(verbs: string[], canMigrate: boolean): Rule[] {
  const vmSub = ['virtualmachines/start', 'virtualmachines/stop', 'virtualmachines/restart', 'virtualmachines/addvolume', 'virtualmachines/removevolume', 'virtualmachines/memorydump', 'virtualmachines/expand-spec'];
  if (canMigrate) vmSub.push('virtualmachines/migrate');
  return [
    { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/console', 'virtualmachineinstances/vnc', 'virtualmachineinstances/vnc/screenshot', 'virtualmachineinstances/portforward', 'virtualmachineinstances/guestosinfo', 'virtualmachineinstances/filesystemlist', 'virtualmachineinstances/userlist'], verbs: ['get'] },
    { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/pause', 'virtualmachineinstances/unpause', 'virtualmachineinstances/addvolume', 'virtualmachineinstances/removevolume', 'virtualmachineinstances/freeze', 'virtualmachineinstances/unfreeze', 'virtualmachineinstances/softreboot'], verbs: ['update'] },
    { apiGroups: ['subresources.kubevirt.io'], resources: vmSub, verbs: ['update'] },
    { apiGroups: ['kubevirt.io'], resources: canMigrate ? [...CORE_KINDS, 'virtualmachineinstancemigrations'] : CORE_KINDS, verbs },
    ...(canMigrate ? [] : [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: READ }]),
    ...EXTRA_GROUPS.map(([g, r]) => ({ apiGroups: [g], resources: r, verbs })),
    { apiGroups: ['kubevirt.io'], resources: ['kubevirts'], verbs: ['get', 'list'] },
    { apiGroups: ['migrations.kubevirt.io'], resources: ['migrationpolicies'], verbs: ['get', 'list', 'watch'] },
  ];
}

function role(name: string, rules: Rule[], aggregateTo?: string): KubeObject {
  const labels: Record<string, string> = { 'app.kubernetes.io/component': 'kubevirt', 'app.kubernetes.io/managed-by': 'virt-operator', 'kubevirt.io': '' };
  if (aggregateTo) labels[`rbac.authorization.k8s.io/aggregate-to-${aggregateTo}`] = 'true';
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules };
}

export function kubevirtClusterRoles(ctx: KubeVirtContext): KubeObject[] {
  const split = ctx.atLeast(5);
  const roles = [
    role('kubevirt.io:default', [
      { apiGroups: ['subresources.kubevirt.io'], resources: ['version', 'guestfs'], verbs: ['get', 'list'] },
      { apiGroups: ['kubevirt.io'], resources: ['kubevirts'], verbs: ['get', 'list'] },
    ]),
    role('kubevirt.io:admin', writerRules(ALL, !split), 'admin'),
    role('kubevirt.io:edit', writerRules(EDIT, !split), 'edit'),
    role('kubevirt.io:view', [
      { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/guestosinfo', 'virtualmachineinstances/filesystemlist', 'virtualmachineinstances/userlist'], verbs: ['get'] },
      { apiGroups: ['kubevirt.io'], resources: [...CORE_KINDS, 'virtualmachineinstancemigrations'], verbs: READ },
      ...EXTRA_GROUPS.map(([g, r]) => ({ apiGroups: [g], resources: r, verbs: READ })),
      { apiGroups: ['kubevirt.io'], resources: ['kubevirts'], verbs: ['get', 'list'] },
    ], 'view'),
  ];
  if (split) {
    roles.push(
      role('kubevirt.io:migrate', [
        { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/migrate'], verbs: ['update'] },
        { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: ALL },
      ]),
    );
  }
  return roles;
}

export function kubevirtClusterRoleBindings(): KubeObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubevirt.io:default', labels: { 'app.kubernetes.io/managed-by': 'virt-operator', 'kubevirt.io': '' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubevirt.io:default' },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:unauthenticated' },
      ],
    },
  ];
}
