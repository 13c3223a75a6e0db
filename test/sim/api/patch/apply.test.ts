import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch, serverSideApply, updateManagedFields } from '../../../../src/sim/api/patch/index.js';
import type { KubeObject } from '../../../../src/sim/api/types.js';
import type { ModelRef } from '../../../../src/sim/api/resource-type.js';
import { at, fixture, frozen, thrown } from './helpers.js';

const CM: ModelRef = { pkg: 'client-node', name: 'V1ConfigMap' };
const SVC: ModelRef = { pkg: 'client-node', name: 'V1Service' };
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';
const LAST = 'kubectl.kubernetes.io/last-applied-configuration';
const opts = (manager: string, time: string, extra: object = {}) => ({ manager, force: false, time, model: CM, resource: { group: '', resource: 'configmaps' }, name: 'c', ...extra });
const cfg = (data: Record<string, string>, meta: object = {}): KubeObject => frozen({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ...meta }, data });
const entries = (o: KubeObject) => (o.metadata.managedFields ?? []).map((e) => [e.manager, e.operation, e.fieldsV1]);

describe('serverSideApply', () => {
  it('creates the object with one Apply entry owning exactly what the configuration sets', () => {
    const out = serverSideApply(undefined, cfg({ k: 'v' }, { labels: { app: 'a' } }), opts('kubectl', T0));
    expect(out).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'default',
        labels: { app: 'a' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } } }],
      },
      data: { k: 'v' },
    });
  });

  it('answers a field another manager owns with 409 Conflict and the server wording', () => {
    const live = serverSideApply(undefined, cfg({ k: 'v' }), opts('alpha', T0));
    const e = thrown(() => serverSideApply(live, cfg({ k: 'w' }), opts('beta', T1)));
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "alpha": .data.k',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.k' }] },
      code: 409,
    });
  });

  it('lists several conflicts by manager, naming updaters with their apiVersion', () => {
    let live = serverSideApply(undefined, cfg({ a: '1', b: '2', c: '3' }), opts('beta', T0));
    const next = { ...live, data: { a: '1', b: '2', c: 'x' } } as KubeObject;
    live = { ...next, metadata: { ...next.metadata, managedFields: updateManagedFields(live, next, { manager: 'alpha', operation: 'Update', apiVersion: 'v1', time: T1, model: CM }) } };
    const e = thrown(() => serverSideApply(live, cfg({ a: '9', b: '9', c: '9' }), opts('gamma', T2)));
    expect(e.message).toBe('Apply failed with 3 conflicts: conflicts with "alpha" using v1:\n- .data.c\nconflicts with "beta":\n- .data.a\n- .data.b');
    expect(e.details?.causes?.map((c) => [c.field, c.message])).toEqual([
      ['.data.c', 'conflict with "alpha" using v1'],
      ['.data.a', 'conflict with "beta"'],
      ['.data.b', 'conflict with "beta"'],
    ]);
  });

  it('shares fields applied with the same value, and moves them when forced', () => {
    const live = serverSideApply(undefined, cfg({ k: 'v', j: '1' }), opts('alpha', T0));
    const shared = serverSideApply(live, cfg({ k: 'v' }), opts('beta', T1));
    expect(entries(shared)).toEqual([
      ['alpha', 'Apply', { 'f:data': { 'f:j': {}, 'f:k': {} } }],
      ['beta', 'Apply', { 'f:data': { 'f:k': {} } }],
    ]);
    const forced = serverSideApply(shared, cfg({ k: 'w' }), opts('gamma', T2, { force: true }));
    expect(forced.data).toEqual({ k: 'w', j: '1' });
    expect(entries(forced)).toEqual([
      ['alpha', 'Apply', { 'f:data': { 'f:j': {} } }],
      ['gamma', 'Apply', { 'f:data': { 'f:k': {} } }],
    ]);
  });

  it('removes what the applier stopped setting, unless someone else owns it', () => {
    const live = serverSideApply(undefined, cfg({ a: '1', b: '2' }, { labels: { x: 'y' } }), opts('alpha', T0));
    const both = serverSideApply(live, cfg({ b: '2' }), opts('beta', T1));
    const bare = frozen({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } });
    const out = serverSideApply(both, bare, opts('alpha', T2));
    expect(out.data).toEqual({ b: '2' });
    expect(out.metadata.labels).toBeUndefined();
    expect(entries(out)).toEqual([['beta', 'Apply', { 'f:data': { 'f:b': {} } }]]);
  });

  it('merges keyed lists by their keys, defaulting protocol, and leaves other owners\' items', () => {
    const svc = (ports: object[]): KubeObject => frozen({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports } });
    const o = (m: string, t: string, force = false) => ({ ...opts(m, t), model: SVC, force, resource: { group: '', resource: 'services' }, name: 's' });
    const a = serverSideApply(undefined, svc([{ port: 80, targetPort: 8080 }]), o('alpha', T0));
    const b = serverSideApply(a, svc([{ port: 443, protocol: 'TCP' }, { port: 80 }]), o('beta', T1));
    expect(at(b, 'spec', 'ports')).toEqual([{ port: 443, protocol: 'TCP' }, { port: 80, targetPort: 8080 }]);
    expect(entries(b)[1]).toEqual(['beta', 'Apply', { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} }, 'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } } } }]);
    const e = thrown(() => serverSideApply(b, svc([{ port: 80, targetPort: 9090 }]), o('beta', T2)));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alpha": .spec.ports[port=80,protocol="TCP"].targetPort');
  });

  it('replaces atomic lists whole and owns them as one field (KubeVirt lists are atomic)', () => {
    const vm = (disks: object[]): KubeObject => frozen({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm', namespace: 'default' }, spec: { template: { spec: { domain: { devices: { disks } } } } } });
    const o = (m: string, t: string) => ({ ...opts(m, t), model: { pkg: 'kubevirt', name: 'V1VirtualMachine' } as ModelRef, resource: { group: 'kubevirt.io', resource: 'virtualmachines' }, name: 'vm' });
    const a = serverSideApply(undefined, vm([{ name: 'root' }, { name: 'data' }]), o('alpha', T0));
    expect(entries(a)[0]?.[2]).toEqual({ 'f:spec': { 'f:template': { 'f:spec': { 'f:domain': { 'f:devices': { 'f:disks': {} } } } } } });
    const e = thrown(() => serverSideApply(a, vm([{ name: 'root' }]), o('beta', T1)));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "alpha": .spec.template.spec.domain.devices.disks');
    const same = serverSideApply(a, vm([{ name: 'root' }, { name: 'data' }]), o('beta', T1));
    expect(entries(same).map((x) => x[0])).toEqual(['alpha', 'beta']);
  });

  it('attributes an object without managedFields to "before-first-apply"', () => {
    const legacy = cfg({ k: 'v' }, { uid: 'u', resourceVersion: '3' });
    const e = thrown(() => serverSideApply(legacy, cfg({ k: 'w' }), opts('alpha', T1)));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.k');
  });

  it('refuses managedFields in the configuration and a kind other than the request\'s', () => {
    const withMf = { ...cfg({}), metadata: { name: 'c', managedFields: [] } } as KubeObject;
    const e = thrown(() => serverSideApply(undefined, withMf, opts('a', T0)));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'metadata.managedFields must be nil']);
    const secret = frozen({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } });
    expect(thrown(() => serverSideApply(undefined, secret, opts('a', T0, { apiVersion: 'v1', kind: 'ConfigMap' }))).message).toBe('invalid object type: /v1, Kind=Secret');
  });

  it('does not modify its inputs', () => {
    const live = frozen(serverSideApply(undefined, cfg({ a: '1' }), opts('alpha', T0)));
    const config = cfg({ a: '1', b: '2' });
    expect(() => serverSideApply(live, config, opts('alpha', T1))).not.toThrow();
  });
});

describe('client-side apply, then kubectl apply --server-side', () => {
  const csa = fixture('kubectl-csa-configmap.json');
  const ssa = fixture('kubectl-ssa-after-csa-configmap.json');
  const created = csa.create.body as KubeObject;
  const live1: KubeObject = frozen({ ...created, metadata: { ...created.metadata, uid: 'u', resourceVersion: '1', managedFields: updateManagedFields(undefined, created, { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: T0, model: CM }) } });
  const patched = applyStrategicMergePatch(live1, csa.patch.body, CM) as KubeObject;
  const live2: KubeObject = frozen({ ...patched, metadata: { ...patched.metadata, managedFields: updateManagedFields(live1, patched, { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: T1, model: CM }) } });

  it('the second client-side apply leaves one updater entry', () => {
    expect(live2.data).toEqual({ k: 'two' });
    expect(entries(live2)).toEqual([['kubectl-client-side-apply', 'Update', { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST}`]: {} } } }]]);
  });

  it('shares unchanged fields with the client-side applier (which is why kubectl then rewrites managedFields), and rewrites last-applied', () => {
    const out = serverSideApply(live2, ssa.apply.body, opts('kubectl', T2, { name: 'cfg' }));
    expect(out.metadata.managedFields).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } },
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST}`]: {} } } },
      },
    ]);
    expect(out.metadata.annotations?.[LAST]).toBe('{"apiVersion":"v1","data":{"k":"two"},"kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"}}\n');
  });

  it('still conflicts for another manager, and for kubectl where live drifted from last-applied', () => {
    const changed = { ...ssa.apply.body, data: { k: 'three' } };
    expect(thrown(() => serverSideApply(live2, changed, opts('my-tool', T2, { name: 'cfg' }))).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.k',
    );
    const drifted: KubeObject = frozen({ ...live2, data: { k: 'edited' } });
    expect(thrown(() => serverSideApply(drifted, changed, opts('kubectl', T2, { name: 'cfg' }))).code).toBe(409);
    const taken = serverSideApply(live2, changed, opts('kubectl', T2, { name: 'cfg' }));
    expect(taken.data).toEqual({ k: 'three' });
    expect(entries(taken)).toEqual([
      ['kubectl', 'Apply', { 'f:data': { 'f:k': {} } }],
      ['kubectl-client-side-apply', 'Update', { 'f:data': {}, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST}`]: {} } } }],
    ]);
  });
});
