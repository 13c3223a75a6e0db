import { describe, expect, it } from 'vitest';
import { applyJsonPatch, updateManagedFields } from '../../../../src/sim/api/patch/index.js';
import type { KubeObject, ManagedFieldsEntry } from '../../../../src/sim/api/types.js';
import type { ModelRef } from '../../../../src/sim/api/resource-type.js';
import { fixture, frozen } from './helpers.js';

const CM: ModelRef = { pkg: 'client-node', name: 'V1ConfigMap' };
const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';
const upd = (manager: string, time: string, model: ModelRef = CM, extra = {}) => ({ manager, operation: 'Update' as const, apiVersion: 'v1', time, model, ...extra });
const LAST = 'kubectl.kubernetes.io/last-applied-configuration';

function cm(data: Record<string, string>, managedFields?: KubeObject['metadata']['managedFields']): KubeObject {
  const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', uid: 'u1', resourceVersion: '1' }, data };
  if (managedFields) o.metadata.managedFields = managedFields;
  return frozen(o);
}
const fieldsOf = (mf: ManagedFieldsEntry[], manager: string) => mf.find((e) => e.manager === manager)?.fieldsV1;

describe('updateManagedFields on create', () => {
  it('records what kubectl client-side apply created, with "." on maps the empty object lacked', () => {
    const created = fixture('kubectl-csa-configmap.json').create.body;
    expect(updateManagedFields(undefined, created, upd('kubectl-client-side-apply', T0))).toEqual([
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { '.': {}, 'f:drop': {}, 'f:k': {} },
          'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST}`]: {} } },
        },
      },
    ]);
  });

  it('keys list items, keeps atomic maps whole, and knows which structs a typed empty object has', () => {
    const svc = fixture('kubectl-csa-service.json').create.body;
    const [entry] = updateManagedFields(undefined, svc, upd('kubectl-client-side-apply', T0, { pkg: 'client-node', name: 'V1Service' }));
    expect(entry?.fieldsV1).toEqual({
      'f:metadata': {
        'f:annotations': { '.': {}, [`f:${LAST}`]: {} },
        'f:finalizers': { '.': {}, 'v:"example.com/a"': {}, 'v:"example.com/b"': {} },
        'f:labels': { '.': {}, 'f:app': {}, 'f:tier': {} },
      },
      'f:spec': {
        'f:ports': {
          '.': {},
          'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:targetPort': {} },
          'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:targetPort': {} },
        },
        'f:selector': {},
      },
    });
  });

  it('treats custom resources as schemaless: spec gets ".", lists are atomic', () => {
    const vm = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm', labels: { a: 'b' } }, spec: { running: true, template: { spec: { volumes: [{ name: 'root' }] } } } };
    const [entry] = updateManagedFields(undefined, vm, { ...upd('kubectl-create', T0), apiVersion: 'kubevirt.io/v1', model: { pkg: 'kubevirt', name: 'V1VirtualMachine' } });
    expect(entry?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } },
      'f:spec': { '.': {}, 'f:running': {}, 'f:template': { '.': {}, 'f:spec': { '.': {}, 'f:volumes': {} } } },
    });
  });
});

describe('updateManagedFields on update', () => {
  const base = cm({ a: '1', b: '2' }, updateManagedFields(undefined, cm({ a: '1', b: '2' }), upd('alice', T0)));

  it('moves changed fields to the writer and drops entries left empty', () => {
    const mf1 = updateManagedFields(base, cm({ a: 'x', b: '2' }, base.metadata.managedFields), upd('bob', T1));
    expect(mf1.map((e) => [e.manager, e.time, e.fieldsV1])).toEqual([
      ['alice', T0, { 'f:data': { '.': {}, 'f:b': {} } }],
      ['bob', T1, { 'f:data': { 'f:a': {} } }],
    ]);
    const after1 = cm({ a: 'x', b: '2' }, mf1);
    const mf2 = updateManagedFields(after1, cm({ a: 'x', b: 'y' }, mf1), upd('bob', T2));
    // alice keeps the map itself (its "." member), as the server's sets do.
    expect(mf2.map((e) => [e.manager, e.time, e.fieldsV1])).toEqual([
      ['alice', T0, { 'f:data': {} }],
      ['bob', T2, { 'f:data': { 'f:a': {}, 'f:b': {} } }],
    ]);
    const mf3 = updateManagedFields(cm({ a: 'x', b: 'y' }, mf2), cm({ a: 'z', b: 'w' }, mf2), upd('carol', T2));
    expect(mf3.map((e) => e.manager)).toEqual(['alice', 'carol']);
  });

  it('takes removed fields out of every set without giving them to the writer', () => {
    const mf = updateManagedFields(base, cm({ a: '1' }, base.metadata.managedFields), upd('bob', T1));
    expect(mf.map((e) => [e.manager, e.fieldsV1])).toEqual([['alice', { 'f:data': { '.': {}, 'f:a': {} } }]]);
  });

  it('leaves entries and times alone when nothing changed', () => {
    expect(updateManagedFields(base, cm({ a: '1', b: '2' }, base.metadata.managedFields), upd('bob', T1))).toEqual(base.metadata.managedFields);
  });

  it('keeps the live entries when the request carries no managedFields, and resets them on []', () => {
    const bare = cm({ a: '1', b: '2', c: '3' });
    expect(updateManagedFields(base, bare, upd('bob', T1)).map((e) => e.manager)).toEqual(['alice', 'bob']);
    const reset = { ...cm({ a: '1', b: '2', c: '3' }), metadata: { ...bare.metadata, managedFields: [] } };
    expect(updateManagedFields(base, reset, upd('bob', T1)).map((e) => [e.manager, e.fieldsV1])).toEqual([['bob', { 'f:data': { 'f:c': {} } }]]);
  });

  it('honours managedFields a client rewrites, as kubectl does when it upgrades client-side apply to server-side apply', () => {
    const fx = fixture('kubectl-ssa-after-csa-configmap.json');
    const live = frozen({ ...fixture('kubectl-csa-configmap.json').create.body, metadata: { ...fixture('kubectl-csa-configmap.json').create.body.metadata, resourceVersion: '1', managedFields: fx.echoedManagedFields } });
    const next = applyJsonPatch(live, fx.upgrade.body) as KubeObject;
    expect(updateManagedFields(live, next, { ...upd('kubectl', T1), model: CM })).toEqual(fx.upgrade.body[0]?.value);
  });

  it('ignores managedFields sent to a subresource and keys entries by subresource', () => {
    const node = (ready: string, mf?: ManagedFieldsEntry[]): KubeObject =>
      frozen({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', ...(mf ? { managedFields: mf } : {}) }, status: { conditions: [{ type: 'Ready', status: ready }] } });
    const NODE: ModelRef = { pkg: 'client-node', name: 'V1Node' };
    const mf0 = updateManagedFields(undefined, node('False'), { ...upd('kubelet', T0, NODE), subresource: 'status' });
    const mf1 = updateManagedFields(node('False', mf0), node('True', []), { ...upd('kubelet', T1, NODE), subresource: 'status' });
    expect(mf1).toEqual([
      {
        manager: 'kubelet',
        operation: 'Update',
        apiVersion: 'v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } },
        subresource: 'status',
      },
    ]);
  });

  it('does not track fields the write resets, sorts Apply entries first and folds old updaters', () => {
    const svc = (o: object): KubeObject => frozen({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, ...o });
    const SVC: ModelRef = { pkg: 'client-node', name: 'V1Service' };
    const mf = updateManagedFields(undefined, svc({ spec: { type: 'ClusterIP' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }), { ...upd('u', T0, SVC), resetFields: ['status'] });
    expect(mf[0]?.fieldsV1).toEqual({ 'f:spec': { 'f:type': {} } });

    const applied = { manager: 'applier', operation: 'Apply' as const, apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:data': { 'f:z': {} } } };
    let cur = cm({ z: '0' }, [applied]);
    for (let i = 0; i < 11; i++) {
      const next = cm({ ...(cur.data as Record<string, string>), [`k${i}`]: 'v' }, cur.metadata.managedFields);
      cur = cm(next.data as Record<string, string>, updateManagedFields(cur, next, upd(`m${String(i).padStart(2, '0')}`, `2024-05-01T10:00:${String(i).padStart(2, '0')}Z`)));
    }
    const mfs = cur.metadata.managedFields ?? [];
    expect(mfs[0]?.manager).toBe('applier');
    expect(mfs.filter((e) => e.operation === 'Update')).toHaveLength(10);
    expect(mfs.find((e) => e.manager === 'ancient-changes')).toMatchObject({ time: '2024-05-01T10:00:01Z', fieldsV1: { 'f:data': { 'f:k0': {}, 'f:k1': {} } } });
    expect(fieldsOf(mfs, 'm00')).toBeUndefined();
  });

  it('drops managedFields when a keyed list cannot be keyed, as the server does rather than fail the write', () => {
    const svc = (ports: object[]): KubeObject => frozen({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports } });
    expect(updateManagedFields(undefined, svc([{ name: 'no-port' }]), upd('u', T0, { pkg: 'client-node', name: 'V1Service' }))).toEqual([]);
  });
});
