// The KubeVirt, CDI and OpenShift console kinds as their CRDs declare them
// (names, short names, categories, status subresources, printer columns):
// kubevirt/kubevirt pkg/virt-operator/resource/generate/components/crds.go.
import type { PrinterColumn, ResourceType } from '../api/resource-type.js';
import { ALL_VERBS } from '../api/resource-type.js';
import type { KubeObject } from '../api/types.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const st = (o: KubeObject) => (o as Any).status ?? {};
const condition = (o: KubeObject, type: string) => ((st(o).conditions ?? []) as Any[]).find((c) => c.type === type)?.status;
const age: PrinterColumn = { name: 'Age', type: 'date', value: (o) => o.metadata.creationTimestamp };

const crd = (
  group: string,
  version: string,
  resource: string,
  singular: string,
  kind: string,
  extra: Partial<ResourceType> & Pick<ResourceType, 'model'>,
): ResourceType => ({
  group,
  version,
  resource,
  singular,
  kind,
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: ['status'],
  custom: true,
  tracksGeneration: true,
  categories: ['all'],
  ...extra,
});

export const KUBEVIRT_GROUP = 'kubevirt.io';
export const SUBRESOURCES_GROUP = 'subresources.kubevirt.io';
export const CDI_GROUP = 'cdi.kubevirt.io';
export const CONSOLE_GROUP = 'console.openshift.io';

export const VM = crd(KUBEVIRT_GROUP, 'v1', 'virtualmachines', 'virtualmachine', 'VirtualMachine', {
  shortNames: ['vm', 'vms'],
  model: { pkg: 'kubevirt', name: 'V1VirtualMachine' },
  printerColumns: [age, { name: 'Status', type: 'string', description: 'Human Readable Status', value: (o) => st(o).printableStatus }, { name: 'Ready', type: 'string', value: (o) => condition(o, 'Ready') }],
});

// The VMI CRD has no status subresource: virt-controller and virt-handler write the whole object.
export const VMI = crd(KUBEVIRT_GROUP, 'v1', 'virtualmachineinstances', 'virtualmachineinstance', 'VirtualMachineInstance', {
  shortNames: ['vmi', 'vmis'],
  subresources: [],
  model: { pkg: 'kubevirt', name: 'V1VirtualMachineInstance' },
  printerColumns: [
    age,
    { name: 'Phase', type: 'string', value: (o) => st(o).phase },
    { name: 'IP', type: 'string', value: (o) => st(o).interfaces?.[0]?.ipAddress },
    { name: 'NodeName', type: 'string', value: (o) => st(o).nodeName },
    { name: 'Ready', type: 'string', value: (o) => condition(o, 'Ready') },
    { name: 'Live-Migratable', type: 'string', priority: 1, value: (o) => condition(o, 'LiveMigratable') },
    { name: 'Paused', type: 'string', priority: 1, value: (o) => condition(o, 'Paused') },
  ],
});

export const VMIM = crd(KUBEVIRT_GROUP, 'v1', 'virtualmachineinstancemigrations', 'virtualmachineinstancemigration', 'VirtualMachineInstanceMigration', {
  shortNames: ['vmim', 'vmims'],
  model: { pkg: 'kubevirt', name: 'V1VirtualMachineInstanceMigration' },
  printerColumns: [
    { name: 'Phase', type: 'string', description: 'The current phase of VM instance migration', value: (o) => st(o).phase },
    { name: 'VMI', type: 'string', description: 'The name of the VMI to perform the migration on', value: (o) => (o as Any).spec?.vmiName },
  ],
});

export const KUBEVIRT = crd(KUBEVIRT_GROUP, 'v1', 'kubevirts', 'kubevirt', 'KubeVirt', {
  shortNames: ['kv', 'kvs'],
  model: { pkg: 'kubevirt', name: 'V1KubeVirt' },
  printerColumns: [age, { name: 'Phase', type: 'string', value: (o) => st(o).phase }],
});

export const DATAVOLUME = crd(CDI_GROUP, 'v1beta1', 'datavolumes', 'datavolume', 'DataVolume', {
  shortNames: ['dv', 'dvs'],
  model: { pkg: 'containerized-data-importer', name: 'V1beta1DataVolume' },
  printerColumns: [
    { name: 'Phase', type: 'string', description: 'The phase the data volume is in', value: (o) => st(o).phase },
    { name: 'Progress', type: 'string', description: 'Transfer progress in percentage if known, N/A otherwise', value: (o) => st(o).progress },
    { name: 'Restarts', type: 'integer', description: 'The number of times the transfer has been restarted.', value: (o) => st(o).restartCount ?? 0 },
    age,
  ],
});

/** OpenShift's ConsoleCLIDownload (cluster-scoped; no schema at hand, so not strictly validated). */
export const CONSOLE_CLI_DOWNLOAD: ResourceType = {
  ...crd(CONSOLE_GROUP, 'v1', 'consoleclidownloads', 'consoleclidownload', 'ConsoleCLIDownload', { model: undefined }),
  namespaced: false,
  categories: undefined,
  subresources: ['status'],
  printerColumns: [{ name: 'Display name', type: 'string', value: (o) => (o as Any).spec?.displayName }, age],
};
