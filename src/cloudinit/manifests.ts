// Every object of a chaos-migration deploy, in an order `kubectl apply` can
// create: the ServiceAccount before its token Secret (the token controller
// fills a token Secret only for an existing ServiceAccount), the Role before
// its binding, the ConfigMaps and the cloud-init Secret before the VM.

import type { V1VirtualMachine } from '@kubevirt-ui-ext/kubevirt-api/kubevirt';
import { renderCloudConfig } from './cloud-config.js';
import { settingsToConfigData } from './config-data.js';
import {
  CLOUDINIT_SECRET_KEY,
  CLOUDINIT_SECRET_NAME,
  CONFIG_MAP_NAME,
  CONTROLLER_NAME,
  controllerLabels,
  STATUS_MAP_NAME,
  TOKEN_SECRET_NAME,
  TOKEN_VOLUME_LABEL,
  VM_NAME,
} from './names.js';
import type { Settings, Trigger } from './settings.js';

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A Role rule and why the controller script needs exactly it. */
export interface ExplainedRule {
  rule: PolicyRule;
  reason: string;
}

/**
 * Least privilege: the verbs the script's kubectl/virtctl calls make, for the
 * chosen trigger, and nothing cluster-scoped. No `watch` (it polls, so that an
 * outage never leaves it on a dead stream) and no VirtualMachine reads (a
 * VMI's ownerReference gives the VM's name and uid for Events).
 */
export function roleRules(trigger: Trigger): ExplainedRule[] {
  const migrationVerbs = trigger === 'vmim' ? ['get', 'list', 'create', 'delete'] : ['get', 'list', 'patch', 'delete'];
  const migrationWhy =
    trigger === 'vmim'
      ? 'list: migrations in flight and this run\'s own after a restart; create: trigger a migration; get: follow it; delete: cancel it on timeout (as virtctl migrate-cancel does)'
      : 'list: migrations in flight, this run\'s own after a restart, and the one virtctl just created; get: follow it; patch: add the run id label to it; delete: cancel it on timeout (as virtctl migrate-cancel does)';
  const rules: ExplainedRule[] = [
    {
      rule: { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstances'], verbs: ['get', 'list'] },
      reason: 'list: find targets (phase and LiveMigratable filtered on the client); get: a VMI\'s node and migrationState after its migration',
    },
    {
      rule: { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstancemigrations'], verbs: migrationVerbs },
      reason: migrationWhy,
    },
  ];
  if (trigger === 'virtctl') {
    rules.push({
      rule: { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/migrate'], verbs: ['update'] },
      reason: 'virtctl migrate <vm> is PUT .../virtualmachines/<vm>/migrate',
    });
  }
  rules.push(
    {
      rule: { apiGroups: [''], resources: ['configmaps'], resourceNames: [CONFIG_MAP_NAME, STATUS_MAP_NAME], verbs: ['get'] },
      reason: 'read the live settings every few seconds; read back status and history on start (kubectl patch also reads first)',
    },
    {
      rule: { apiGroups: [''], resources: ['configmaps'], resourceNames: [STATUS_MAP_NAME], verbs: ['patch'] },
      reason: 'merge-patch heartbeat, state, counters and records into its own status ConfigMap',
    },
    {
      rule: { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      reason: 'a Normal/Warning Event on the VM for each migration it triggers and its result',
    },
  );
  return rules;
}

function meta(s: Settings, name: string, annotations?: Record<string, string>): ObjectMeta {
  return { name, namespace: s.namespace, labels: controllerLabels(s.runId), ...(annotations ? { annotations } : {}) };
}

/** The controller VM: virtwork's VM shape, with the token Secret as a labelled disk. */
export function controllerVirtualMachine(s: Settings): V1VirtualMachine {
  const labels = controllerLabels(s.runId);
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: VM_NAME, namespace: s.namespace, labels },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          domain: {
            cpu: { cores: 1 },
            resources: { requests: { memory: '512Mi' } },
            devices: {
              disks: [
                { name: 'containerdisk', disk: { bus: 'virtio' } },
                { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
                // The serial is a second handle for the guest if the label link is missing.
                { name: 'tokendisk', disk: { bus: 'virtio' }, serial: TOKEN_VOLUME_LABEL },
              ],
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          volumes: [
            { name: 'containerdisk', containerDisk: { image: s.containerDiskImage } },
            { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: CLOUDINIT_SECRET_NAME } } },
            { name: 'tokendisk', secret: { secretName: TOKEN_SECRET_NAME, volumeLabel: TOKEN_VOLUME_LABEL } },
          ],
        },
      },
    },
  };
}

/** Every object of the deploy, in apply order. */
export function renderManifests(s: Settings): K8sObject[] {
  const sa = meta(s, CONTROLLER_NAME);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: sa },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(s, TOKEN_SECRET_NAME, { 'kubernetes.io/service-account.name': CONTROLLER_NAME }),
      // No data: the token controller fills token, ca.crt and namespace.
      type: 'kubernetes.io/service-account-token',
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(s, CONTROLLER_NAME),
      rules: roleRules(s.trigger).map((r) => r.rule),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(s, CONTROLLER_NAME),
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: s.namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CONTROLLER_NAME },
    },
    // `paused` is left out so that re-applying never resumes a paused controller.
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(s, CONFIG_MAP_NAME), data: settingsToConfigData(s) },
    // No data: the script owns it, and apply must never wipe what it wrote.
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(s, STATUS_MAP_NAME) },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(s, CLOUDINIT_SECRET_NAME),
      type: 'Opaque',
      // Scripts and settings only; the credentials reach the VM on the token disk.
      stringData: { [CLOUDINIT_SECRET_KEY]: renderCloudConfig(s) },
    },
    { ...controllerVirtualMachine(s), apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: meta(s, VM_NAME) },
  ];
}
