// Real-world objects that a real cluster accepts as they are.

/** A virtwork-style VM: containerDisk root, cloud-init from a Secret, masquerade networking, a data volume. */
export function virtworkVm(): Record<string, unknown> {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: {
      name: 'virtwork-cpu-0',
      namespace: 'virtwork',
      labels: { 'app.kubernetes.io/managed-by': 'virtwork', 'virtwork/workload': 'cpu' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      creationTimestamp: null,
    },
    spec: {
      runStrategy: 'Always',
      dataVolumeTemplates: [
        {
          metadata: { name: 'virtwork-cpu-0-data', creationTimestamp: null, labels: { app: 'virtwork' } },
          spec: {
            source: { blank: {} },
            storage: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard' },
          },
        },
      ],
      template: {
        metadata: { creationTimestamp: null, labels: { 'kubevirt.io/domain': 'virtwork-cpu-0', 'virtwork/workload': 'cpu' } },
        spec: {
          domain: {
            cpu: { cores: 2, sockets: 1, threads: 1 },
            memory: { guest: '2Gi' },
            resources: { requests: { memory: '2Gi', cpu: 1 }, limits: { cpu: '2' } },
            devices: {
              disks: [
                { name: 'rootdisk', disk: { bus: 'virtio' }, bootOrder: 1 },
                { name: 'cloudinitdisk', disk: { bus: 'virtio' } },
                { name: 'data', disk: { bus: 'virtio' } },
              ],
              interfaces: [{ name: 'default', masquerade: {}, ports: [{ port: 22, protocol: 'TCP' }] }],
              rng: {},
            },
            machine: { type: 'q35' },
          },
          evictionStrategy: 'LiveMigrate',
          terminationGracePeriodSeconds: 30,
          networks: [{ name: 'default', pod: {} }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'virtwork', operator: 'Exists', effect: 'NoSchedule' }],
          volumes: [
            { name: 'rootdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:42', imagePullPolicy: 'IfNotPresent' } },
            { name: 'cloudinitdisk', cloudInitNoCloud: { secretRef: { name: 'virtwork-cpu-0-cloudinit' } } },
            { name: 'data', dataVolume: { name: 'virtwork-cpu-0-data' } },
          ],
        },
      },
    },
    status: {
      created: true,
      ready: true,
      printableStatus: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T10:00:00Z' }],
      volumeSnapshotStatuses: [{ name: 'rootdisk', enabled: false, reason: 'No VolumeSnapshotClass' }],
    },
  };
}

export function migration(): Record<string, unknown> {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstanceMigration',
    metadata: { generateName: 'chaos-migration-', namespace: 'virtwork', labels: { 'chaos.virtwork/run': 'r1' } },
    spec: { vmiName: 'virtwork-cpu-0' },
    status: {
      phase: 'Succeeded',
      phaseTransitionTimestamps: [{ phase: 'Pending', phaseTransitionTimestamp: '2025-01-01T10:00:00Z' }],
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: null }],
      migrationState: {
        sourceNode: 'node-a',
        targetNode: 'node-b',
        completed: true,
        startTimestamp: '2025-01-01T10:00:01Z',
        endTimestamp: '2025-01-01T10:00:09Z',
        mode: 'PreCopy',
        migrationUid: 'b1f1c1a0-0000-4000-8000-000000000001',
      },
    },
  };
}

export function configMap(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'chaos-config', namespace: 'virtwork', labels: { app: 'chaos' }, creationTimestamp: null },
    data: { 'interval': '30s', 'config.yaml': 'a: 1\n' },
    binaryData: { blob: 'aGVsbG8=' },
    immutable: false,
  };
}

export function role(): Record<string, unknown> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'chaos-controller', namespace: 'virtwork' },
    rules: [
      { apiGroups: ['kubevirt.io'], resources: ['virtualmachineinstances', 'virtualmachineinstancemigrations'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['chaos-config'], verbs: ['get'] },
    ],
  };
}
