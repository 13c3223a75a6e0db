import { describe, expect, it } from 'vitest';
import { openapiV3GroupVersion, openapiV3Root } from '../../../../src/sim/api/openapi.js';
import { ALL_VERBS, type ResourceType } from '../../../../src/sim/api/resource-type.js';

const rt = (group: string, resource: string, kind: string, model: ResourceType['model'], extra: Partial<ResourceType> = {}): ResourceType => ({
  group,
  version: group === 'cdi.kubevirt.io' ? 'v1beta1' : 'v1',
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  custom: group.includes('kubevirt'),
  model,
  ...extra,
});

const RTS: ResourceType[] = [
  rt('', 'configmaps', 'ConfigMap', { pkg: 'client-node', name: 'V1ConfigMap' }),
  rt('', 'services', 'Service', { pkg: 'client-node', name: 'V1Service' }, { subresources: ['status'] }),
  rt('', 'namespaces', 'Namespace', { pkg: 'client-node', name: 'V1Namespace' }, { namespaced: false }),
  rt('rbac.authorization.k8s.io', 'roles', 'Role', { pkg: 'client-node', name: 'V1Role' }),
  rt('kubevirt.io', 'virtualmachines', 'VirtualMachine', { pkg: 'kubevirt', name: 'V1VirtualMachine' }, { subresources: ['status'] }),
  rt('kubevirt.io', 'virtualmachineinstancemigrations', 'VirtualMachineInstanceMigration', { pkg: 'kubevirt', name: 'V1VirtualMachineInstanceMigration' }),
  rt('cdi.kubevirt.io', 'datavolumes', 'DataVolume', { pkg: 'containerized-data-importer', name: 'V1beta1DataVolume' }),
];

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What kubectl's server-side field validation check looks for. */
function patchOperation(doc: Any, gvk: { group: string; version: string; kind: string }): Any | undefined {
  for (const item of Object.values(doc.paths as Any)) {
    const op = (item as Any).patch;
    const ext = op?.['x-kubernetes-group-version-kind'];
    if (ext && ext.group === gvk.group && ext.version === gvk.version && ext.kind === gvk.kind) return op;
  }
  return undefined;
}

function refsResolve(doc: Any): string[] {
  const missing: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && !doc.components.schemas[x.replace('#/components/schemas/', '')]) missing.push(x);
        else visit(x);
      }
    }
  };
  visit(doc);
  return missing;
}

describe('/openapi/v3', () => {
  it('indexes every group-version with a stable content hash', () => {
    const root = openapiV3Root(RTS) as Any;
    expect(Object.keys(root.paths)).toEqual(['api/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/kubevirt.io/v1', 'apis/cdi.kubevirt.io/v1beta1']);
    expect(root.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(root.paths['apis/kubevirt.io/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/kubevirt\.io\/v1\?hash=/);
    expect(openapiV3Root([...RTS])).toEqual(root);
    expect(openapiV3GroupVersion(RTS, 'apps', 'v1')).toBeUndefined();
  });

  it('gives every kind a PATCH operation with its GVK and a fieldValidation parameter', () => {
    for (const r of RTS) {
      const doc = openapiV3GroupVersion(RTS, r.group, r.version) as Any;
      const op = patchOperation(doc, { group: r.group, version: r.version, kind: r.kind });
      expect(op, r.kind).toBeDefined();
      expect(op!.parameters.some((p: Any) => p.name === 'fieldValidation' && p.in === 'query')).toBe(true);
      const types = Object.keys(op!.requestBody.content);
      expect(types.includes('application/strategic-merge-patch+json')).toBe(!r.custom);
      expect(refsResolve(doc)).toEqual([]);
    }
  });

  it('publishes the kinds schemas with x-kubernetes-group-version-kind and patch metadata', () => {
    const core = openapiV3GroupVersion(RTS, '', 'v1') as Any;
    const cm = core.components.schemas['io.k8s.api.core.v1.ConfigMap'];
    expect(cm['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'ConfigMap', version: 'v1' }]);
    expect(Object.keys(cm.properties)).toEqual(['apiVersion', 'binaryData', 'data', 'immutable', 'kind', 'metadata']);
    const spec = core.components.schemas['io.k8s.api.core.v1.ServiceSpec'];
    expect(spec.properties.ports).toMatchObject({ type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'port' });
    const meta = core.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
    expect(meta.properties.finalizers['x-kubernetes-patch-strategy']).toBe('merge');
    const kv = openapiV3GroupVersion(RTS, 'kubevirt.io', 'v1') as Any;
    const vm = kv.components.schemas['io.kubevirt.v1.VirtualMachine'];
    expect(vm['x-kubernetes-group-version-kind']).toEqual([{ group: 'kubevirt.io', kind: 'VirtualMachine', version: 'v1' }]);
    expect(vm.required).toEqual(['spec']);
    expect(kv.paths['/apis/kubevirt.io/v1/namespaces/{namespace}/virtualmachines/{name}/status'].patch).toBeDefined();
  });
});
