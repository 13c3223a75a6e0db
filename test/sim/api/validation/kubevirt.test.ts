/* eslint-disable @typescript-eslint/no-explicit-any -- these tests take valid objects apart to build malformed ones */
import { describe, expect, it } from 'vitest';
import { fieldValidationAnswer, hasModel, validateAgainstModel } from '../../../../src/sim/api/validation/index.js';
import { migration, virtworkVm } from './fixtures.js';

const VM = { pkg: 'kubevirt', name: 'V1VirtualMachine' } as const;
const VMI = { pkg: 'kubevirt', name: 'V1VirtualMachineInstance' } as const;
const VMIM = { pkg: 'kubevirt', name: 'V1VirtualMachineInstanceMigration' } as const;
const KV = { pkg: 'kubevirt', name: 'V1KubeVirt' } as const;
const DV = { pkg: 'containerized-data-importer', name: 'V1beta1DataVolume' } as const;
const vmTarget = { kind: 'VirtualMachine', version: 'v1', group: 'kubevirt.io', name: 'virtwork-cpu-0', custom: true };

const clean = { unknownFields: [], typeErrors: [], missingRequired: [] };

describe('KubeVirt and CDI kinds', () => {
  it('knows the served models', () => {
    for (const m of [VM, VMI, VMIM, KV, DV]) expect(hasModel(m)).toBe(true);
    expect(hasModel({ pkg: 'kubevirt', name: 'V1Nope' })).toBe(false);
  });

  it('accepts a virtwork-style VirtualMachine and a migration as they are', () => {
    expect(validateAgainstModel(VM, virtworkVm())).toEqual(clean);
    expect(validateAgainstModel(VMIM, migration())).toEqual(clean);
  });

  it('accepts a VMI, a KubeVirt CR with configuration and a DataVolume', () => {
    const vmi = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'v' }, spec: (virtworkVm().spec as { template: { spec: unknown } }).template.spec };
    expect(validateAgainstModel(VMI, vmi)).toEqual(clean);
    const kv = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'KubeVirt',
      metadata: { name: 'kubevirt', namespace: 'kubevirt' },
      spec: {
        configuration: {
          developerConfiguration: { featureGates: ['LiveMigration'] },
          migrations: { bandwidthPerMigration: '64Mi', completionTimeoutPerGiB: 800, parallelMigrationsPerCluster: 5, allowPostCopy: false },
        },
        workloadUpdateStrategy: { workloadUpdateMethods: ['LiveMigrate'] },
      },
    };
    expect(validateAgainstModel(KV, kv)).toEqual(clean);
    const dv = {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'd' },
      spec: { source: { registry: { url: 'docker://quay.io/containerdisks/fedora:42' } }, storage: { resources: { requests: { storage: 5368709120 } } } },
    };
    expect(validateAgainstModel(DV, dv)).toEqual(clean);
  });

  it('accepts what the CRD preserves or prunes quietly: template metadata, nulls under fields, numeric quantities', () => {
    const vm = virtworkVm() as any;
    vm.spec.template.metadata.anything = { goes: [1, 2] };
    vm.spec.dataVolumeTemplates[0].metadata.whatever = true;
    vm.spec.running = null;
    vm.spec.template.spec.domain.resources.requests.memory = 2147483648;
    expect(validateAgainstModel(VM, vm)).toEqual(clean);
  });

  it('finds unknown fields: metadata first, then the pruned paths sorted', () => {
    const vm = virtworkVm() as any;
    vm.spec.templat = {};
    vm.spec.template.spec.domain.devices.interfaces[0].masquerade = { mode: 'x' };
    vm.spec.template.spec.domain.devices.disks[1].cdrom2 = {};
    vm.metadata.nmae = 'x';
    vm.extra = 1;
    expect(validateAgainstModel(VM, vm).unknownFields).toEqual([
      'metadata.nmae',
      'extra',
      'spec.templat',
      'spec.template.spec.domain.devices.disks[1].cdrom2',
      'spec.template.spec.domain.devices.interfaces[0].masquerade.mode',
    ]);
  });

  it('answers Strict with 400 and Warn with warnings', () => {
    const vm = virtworkVm() as any;
    vm.spec.foo = 1;
    vm.spec.template.spec.domain.bar = 2;
    const r = validateAgainstModel(VM, vm);
    const strict = fieldValidationAnswer(r, 'Strict', vmTarget);
    expect(strict.error?.code).toBe(400);
    expect(strict.error?.reason).toBe('BadRequest');
    expect(strict.error?.message).toBe(
      'VirtualMachine in version "v1" cannot be handled as a VirtualMachine: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.domain.bar"',
    );
    expect(fieldValidationAnswer(r, 'Warn', vmTarget)).toEqual({ warnings: ['unknown field "spec.foo"', 'unknown field "spec.template.spec.domain.bar"'] });
    expect(fieldValidationAnswer(r, 'Ignore', vmTarget)).toEqual({ warnings: [] });
  });

  it('answers type errors with 422 Invalid and field causes', () => {
    const vm = virtworkVm() as any;
    vm.spec.running = 'string';
    vm.spec.template.spec.domain.cpu.cores = 1.5;
    vm.spec.template.spec.domain.resources.requests.memory = '2 GiB';
    const r = validateAgainstModel(VM, vm);
    // In body order: `running` was added after `template`.
    expect(r.typeErrors).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.template.spec.domain.cpu.cores',
        message: 'Invalid value: "number": spec.template.spec.domain.cpu.cores in body must be of type integer: "number"',
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.template.spec.domain.resources.requests.memory',
        message: `Invalid value: "2 GiB": spec.template.spec.domain.resources.requests.memory in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'`,
      },
      { reason: 'FieldValueTypeInvalid', field: 'spec.running', message: 'Invalid value: "string": spec.running in body must be of type boolean: "string"' },
    ]);
    const answer = fieldValidationAnswer(r, 'Strict', vmTarget);
    expect(answer.error?.code).toBe(422);
    expect(answer.error?.message).toMatch(/^VirtualMachine\.kubevirt\.io "virtwork-cpu-0" is invalid: \[spec\.template\.spec\.domain\.cpu\.cores: Invalid value: "number": /);
    expect(answer.error?.message).toMatch(/, spec\.running: Invalid value: "string": spec\.running in body must be of type boolean: "string"\]$/);
    expect(answer.error?.details?.causes).toHaveLength(3);
  });

  it('reports missing required fields and nulls inside arrays', () => {
    const vm = virtworkVm() as any;
    delete vm.spec.template;
    vm.spec.dataVolumeTemplates.push(null);
    const r = validateAgainstModel(VM, vm);
    expect(r.missingRequired).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template' }]);
    expect(r.typeErrors).toEqual([
      { reason: 'FieldValueTypeInvalid', field: 'spec.dataVolumeTemplates[1]', message: 'Invalid value: "null": spec.dataVolumeTemplates[1] in body must be of type object: "null"' },
    ]);
    const answer = fieldValidationAnswer(r, 'Warn', vmTarget);
    expect(answer.error?.message).toBe(
      'VirtualMachine.kubevirt.io "virtwork-cpu-0" is invalid: [spec.dataVolumeTemplates[1]: Invalid value: "null": spec.dataVolumeTemplates[1] in body must be of type object: "null", spec.template: Required value]',
    );
  });

  it('checks date-time fields', () => {
    const m = migration() as any;
    m.status.migrationState.startTimestamp = 'yesterday';
    expect(validateAgainstModel(VMIM, m).typeErrors).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'status.migrationState.startTimestamp',
        message: 'Invalid value: "yesterday": status.migrationState.startTimestamp in body must be of type date-time: "yesterday"',
      },
    ]);
  });

  it('decodes a custom resource metadata as an ObjectMeta: bad types are a 400', () => {
    const vm = virtworkVm() as any;
    vm.metadata.labels = { tier: 1 };
    const r = validateAgainstModel(VM, vm);
    const answer = fieldValidationAnswer(r, 'Ignore', vmTarget);
    expect(answer.error?.code).toBe(400);
    expect(answer.error?.message).toBe(
      'VirtualMachine in version "v1" cannot be handled as a VirtualMachine: json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string',
    );
  });

  it('lists duplicates before unknown fields for custom resources', () => {
    const vm = virtworkVm() as any;
    vm.spec.foo = 1;
    const r = { ...validateAgainstModel(VM, vm), duplicateFields: ['spec.runStrategy'] };
    expect(fieldValidationAnswer(r, 'Strict', vmTarget).error?.message).toBe(
      'VirtualMachine in version "v1" cannot be handled as a VirtualMachine: strict decoding error: duplicate field "spec.runStrategy", unknown field "spec.foo"',
    );
  });
});
