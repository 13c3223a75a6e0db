import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../../src/sim/api/patch/index.js';
import type { ModelRef } from '../../../../src/sim/api/resource-type.js';
import { at, fixture, frozen, thrown } from './helpers.js';

const SERVICE: ModelRef = { pkg: 'client-node', name: 'V1Service' };
const NODE: ModelRef = { pkg: 'client-node', name: 'V1Node' };
const svc = (ports: number[], extra: Record<string, unknown> = {}) =>
  frozen({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', finalizers: ['example.com/a', 'example.com/b'] },
    spec: { selector: { app: 'web' }, ports: ports.map((port) => ({ name: `p${port}`, port, protocol: 'TCP' })), ...extra },
  });
const ports = (o: unknown) => (at(o, 'spec', 'ports') as { port: number }[]).map((p) => p.port);

describe('applyStrategicMergePatch with what kubectl apply sends', () => {
  const fx = fixture('kubectl-csa-service.json');

  it('applies the captured client-side apply patch: order, deletions, parallel lists, nulls', () => {
    const live = frozen(fx.create.body);
    const out = applyStrategicMergePatch(live, frozen(fx.patch.body), SERVICE);
    expect(at(out, 'metadata', 'finalizers')).toEqual(['example.com/b']);
    expect(at(out, 'metadata', 'labels')).toEqual({ app: 'web' });
    expect(at(out, 'spec', 'ports')).toEqual([
      { name: 'https', port: 443, targetPort: 9443 },
      { name: 'metrics', port: 9090, targetPort: 9090 },
    ]);
    expect(at(out, 'metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration')).toContain('"metrics"');
    expect(JSON.stringify(out)).not.toContain('$');
    expect(at(live, 'spec', 'ports')).toHaveLength(2);
  });

  it('keeps a port another writer added where it was, around the patched ones', () => {
    const spec = fx.create.body.spec as { ports: object[] };
    const extra = { name: 'extra', port: 9000 };
    const live = frozen({ ...fx.create.body, spec: { ...spec, ports: [extra, ...spec.ports] } });
    expect(ports(applyStrategicMergePatch(live, fx.patch.body, SERVICE))).toEqual([9000, 443, 9090]);
    const live2 = frozen({ ...fx.create.body, spec: { ...spec, ports: [...spec.ports, extra] } });
    expect(ports(applyStrategicMergePatch(live2, fx.patch.body, SERVICE))).toEqual([443, 9090, 9000]);
  });
});

describe('applyStrategicMergePatch list strategies', () => {
  it('$setElementOrder reorders a merge list even when no item changes', () => {
    const out = applyStrategicMergePatch(svc([80, 443, 8080]), { spec: { '$setElementOrder/ports': [{ port: 8080 }, { port: 80 }, { port: 443 }] } }, SERVICE);
    expect(ports(out)).toEqual([8080, 80, 443]);
  });

  it('merges ports by port instead of replacing the list', () => {
    const out = applyStrategicMergePatch(svc([80, 443]), { spec: { ports: [{ port: 443, targetPort: 8443 }] } }, SERVICE);
    expect(at(out, 'spec', 'ports')).toEqual([
      { name: 'p80', port: 80, protocol: 'TCP' },
      { name: 'p443', port: 443, protocol: 'TCP', targetPort: 8443 },
    ]);
  });

  it('puts new items of a merge list before the server-only ones, as the server orders them', () => {
    expect(at(applyStrategicMergePatch(svc([80]), { metadata: { finalizers: ['example.com/c', 'example.com/a'] } }, SERVICE), 'metadata', 'finalizers')).toEqual([
      'example.com/c',
      'example.com/a',
      'example.com/b',
    ]);
    expect(ports(applyStrategicMergePatch(svc([80]), { spec: { ports: [{ port: 1 }] } }, SERVICE))).toEqual([1, 80]);
  });

  it('$deleteFromPrimitiveList removes values from a merge primitive list', () => {
    const out = applyStrategicMergePatch(svc([80]), { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a', 'nope'] } }, SERVICE);
    expect(at(out, 'metadata', 'finalizers')).toEqual(['example.com/b']);
  });

  it('merges node conditions and addresses by type, but replaces taints', () => {
    const node = frozen({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] },
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'MemoryPressure', status: 'False' },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      },
    });
    const out = applyStrategicMergePatch(
      node,
      { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletDown' }], addresses: [{ type: 'Hostname', address: 'n1' }] } },
      NODE,
    );
    expect(at(out, 'spec', 'taints')).toEqual([{ key: 'b', effect: 'NoExecute' }]);
    expect(at(out, 'status', 'conditions')).toEqual([
      { type: 'Ready', status: 'False', reason: 'KubeletDown' },
      { type: 'MemoryPressure', status: 'False' },
    ]);
    expect(at(out, 'status', 'addresses')).toEqual([
      { type: 'Hostname', address: 'n1' },
      { type: 'InternalIP', address: '10.0.0.1' },
    ]);
  });

  it('merges ServiceAccount secrets by name and replaces RBAC rules and subjects', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's' }, secrets: [{ name: 'a' }] };
    expect(at(applyStrategicMergePatch(sa, { secrets: [{ name: 'b' }] }, { pkg: 'client-node', name: 'V1ServiceAccount' }), 'secrets')).toEqual([{ name: 'b' }, { name: 'a' }]);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ verbs: ['get'], resources: ['pods'], apiGroups: [''] }] };
    const rules = [{ verbs: ['list'], resources: ['nodes'], apiGroups: [''] }];
    expect(applyStrategicMergePatch(role, { rules }, { pkg: 'client-node', name: 'V1Role' }).rules).toEqual(rules);
    const rb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'r' }, subjects: [{ kind: 'User', name: 'a' }] };
    expect(applyStrategicMergePatch(rb, { subjects: [{ kind: 'User', name: 'b' }] }, { pkg: 'client-node', name: 'V1RoleBinding' }).subjects).toEqual([{ kind: 'User', name: 'b' }]);
  });

  it('merges ownerReferences by uid', () => {
    const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: '1' }] } };
    const out = applyStrategicMergePatch(o, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Y', name: 'y', uid: '2' }] } }, { pkg: 'client-node', name: 'V1ConfigMap' });
    expect((at(out, 'metadata', 'ownerReferences') as { uid: string }[]).map((r) => r.uid)).toEqual(['2', '1']);
  });
});

describe('applyStrategicMergePatch directives', () => {
  it('$patch: replace replaces a map or a list; $patch: delete empties a map or drops an item', () => {
    const s = svc([80, 443]);
    expect(at(applyStrategicMergePatch(s, { spec: { selector: { $patch: 'replace', tier: 'x' } } }, SERVICE), 'spec', 'selector')).toEqual({ tier: 'x' });
    expect(ports(applyStrategicMergePatch(s, { spec: { ports: [{ $patch: 'replace' }, { port: 1 }] } }, SERVICE))).toEqual([1]);
    expect(at(applyStrategicMergePatch(s, { spec: { selector: { $patch: 'delete' } } }, SERVICE), 'spec', 'selector')).toEqual({});
    expect(ports(applyStrategicMergePatch(s, { spec: { ports: [{ $patch: 'delete', port: 80 }] } }, SERVICE))).toEqual([443]);
  });

  it('refuses $patch: merge as the server does', () => {
    const inList = thrown(() => applyStrategicMergePatch(svc([80]), { spec: { ports: [{ $patch: 'merge', port: 80 }] } }, SERVICE));
    expect([inList.code, inList.message]).toEqual([500, 'merging lists cannot yet be specified in the patch']);
    const inMap = thrown(() => applyStrategicMergePatch(svc([80]), { spec: { selector: { $patch: 'merge', a: 'b' } } }, SERVICE));
    expect([inMap.code, inMap.message]).toEqual([500, 'unknown patch type: merge in map: map[$patch:merge a:b]']);
  });

  it('$retainKeys clears the keys it does not list and polices the patch', () => {
    const s = svc([80], { type: 'ClusterIP', sessionAffinity: 'None' });
    const out = applyStrategicMergePatch(s, { spec: { $retainKeys: ['ports', 'selector', 'type'], type: 'NodePort' } }, SERVICE);
    expect(Object.keys(at(out, 'spec') as object).sort()).toEqual(['ports', 'selector', 'type']);
    expect(at(out, 'spec', 'type')).toBe('NodePort');
    const e = thrown(() => applyStrategicMergePatch(s, { spec: { $retainKeys: ['ports'], type: 'NodePort' } }, SERVICE));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'invalid patch format of retainKeys']);
  });

  it('words malformed directives and items like the server', () => {
    expect(thrown(() => applyStrategicMergePatch(svc([80]), { metadata: { '$deleteFromPrimitiveListX/finalizers': ['a'] } }, SERVICE)).message).toBe('invalid patch format of primitive list');
    expect(thrown(() => applyStrategicMergePatch(svc([80]), { spec: { '$setElementOrder/ports': 'x' } }, SERVICE)).message).toBe('expected a []interface {}, but received a string');
    const noKey = thrown(() => applyStrategicMergePatch(svc([80]), { spec: { ports: [{ name: 'x' }] } }, SERVICE));
    expect([noKey.code, noKey.message]).toEqual([500, 'map: map[name:x] does not contain declared merge key: port']);
    const order = thrown(() => applyStrategicMergePatch(svc([80, 443]), { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 443, name: 'y' }] } }, SERVICE));
    expect(order.message).toBe("The order in patch list:\n[map[name:y port:443]]\n doesn't match $setElementOrder list:\n[map[port:80]]\n");
    const mixed = thrown(() => applyStrategicMergePatch(svc([80]), { metadata: { finalizers: [['x']] } }, SERVICE));
    expect([mixed.code, mixed.message]).toEqual([500, 'list element types are not identical: [[example.com/a example.com/b] [[x]]]']);
    const noFinalizers = { ...svc([80]), metadata: { name: 'web', finalizers: [] } };
    const lol = thrown(() => applyStrategicMergePatch(noFinalizers, { metadata: { finalizers: [['x']] } }, SERVICE));
    expect([lol.code, lol.reason]).toEqual([422, 'Invalid']);
  });

  it('refuses a body that is not an object, with encoding/json wording', () => {
    const e = thrown(() => applyStrategicMergePatch(svc([80]), [{ op: 'add' }], SERVICE));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}']);
    expect(thrown(() => applyStrategicMergePatch(svc([80]), '{"spec": {]}', SERVICE)).message).toBe("invalid character ']' looking for beginning of object key string");
  });
});

describe('applyStrategicMergePatch without a table', () => {
  const vm = frozen({
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'vm', finalizers: ['a'] },
    spec: { template: { spec: { domain: { devices: { disks: [{ name: 'root' }, { name: 'data' }] } } } } },
  });

  it('behaves like a merge patch: lists are replaced, maps merge, null deletes', () => {
    const out = applyStrategicMergePatch(vm, { spec: { running: true, template: { spec: { domain: { devices: { disks: [{ name: 'root' }] } } } } } }, { pkg: 'kubevirt', name: 'V1VirtualMachine' });
    expect(at(out, 'spec', 'template', 'spec', 'domain', 'devices', 'disks')).toEqual([{ name: 'root' }]);
    expect(at(out, 'spec', 'running')).toBe(true);
    expect(at(out, 'metadata', 'finalizers')).toEqual(['a']);
  });

  it('still honours ObjectMeta strategies and consumes directives instead of storing them', () => {
    const out = applyStrategicMergePatch(vm, { metadata: { finalizers: ['b'], '$setElementOrder/finalizers': ['a', 'b'] } }, { pkg: 'kubevirt', name: 'V1VirtualMachine' });
    expect(at(out, 'metadata')).toEqual({ name: 'vm', finalizers: ['a', 'b'] });
    expect(applyStrategicMergePatch(vm, { spec: { x: 1 } }, undefined).spec).toEqual({ ...vm.spec, x: 1 });
  });
});
