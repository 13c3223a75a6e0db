import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../../src/sim/api/patch/index.js';
import { frozen, thrown } from './helpers.js';

const node = () =>
  frozen({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', labels: { a: '1', b: '2' } },
    spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'j', effect: 'NoExecute' }] },
  });

describe('applyMergePatch (RFC 7386)', () => {
  it('merges maps, deletes on null and replaces lists whole', () => {
    const target = node();
    const out = applyMergePatch(target, { metadata: { labels: { a: null, c: '3' } }, spec: { taints: [{ key: 'z', effect: 'NoSchedule' }] } });
    expect(out.metadata).toEqual({ name: 'n1', labels: { b: '2', c: '3' } });
    expect(out.spec).toEqual({ taints: [{ key: 'z', effect: 'NoSchedule' }] });
    expect(target.metadata.labels).toEqual({ a: '1', b: '2' });
  });

  it('prunes nulls inside values it adds, but not null list items', () => {
    const out = applyMergePatch(node(), { status: { a: null, b: { c: null, d: 1 } }, spec: { unschedulable: true, podCIDRs: ['10.0.0.0/24', null] } });
    expect(out.status).toEqual({ b: { d: 1 } });
    expect(out.spec).toEqual({ taints: node().spec.taints, unschedulable: true, podCIDRs: ['10.0.0.0/24', null] });
  });

  it('replaces a scalar with an object, pruned', () => {
    const out = applyMergePatch({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: 'old' }, { spec: { a: 1, b: null } });
    expect(out.spec).toEqual({ a: 1 });
  });

  it('refuses null and scalar patches with "Invalid JSON Patch", arrays with 422', () => {
    for (const p of [null, '"x"', 3, true]) {
      const e = thrown(() => applyMergePatch(node(), p));
      expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'Invalid JSON Patch']);
    }
    expect(thrown(() => applyMergePatch(node(), '{"metadata": }')).message).toBe('Invalid JSON Patch');
    expect(thrown(() => applyMergePatch(node(), [1])).code).toBe(422);
  });

  it('words malformed bodies the strict way under fieldValidation=Strict', () => {
    expect(thrown(() => applyMergePatch(node(), '{"a" 1}', { fieldValidation: 'Strict' })).message).toBe("error decoding patch: invalid character '1' after object key");
    expect(thrown(() => applyMergePatch(node(), [1], { fieldValidation: 'Strict' })).message).toBe(
      'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });
});
