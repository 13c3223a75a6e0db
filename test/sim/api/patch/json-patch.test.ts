import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../../../src/sim/api/patch/index.js';
import { frozen, thrown } from './helpers.js';

const cm = () => frozen({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '7' }, data: { a: '1' } });

describe('applyJsonPatch', () => {
  it('applies add/replace/remove to a copy', () => {
    const target = cm();
    const out = applyJsonPatch(target, [
      { op: 'add', path: '/data/b', value: '2' },
      { op: 'replace', path: '/data/a', value: 'x' },
      { op: 'remove', path: '/metadata/resourceVersion' },
    ]);
    expect(out).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'x', b: '2' } });
    expect(target.data).toEqual({ a: '1' });
  });

  it('answers a failed test op with the generic 422 the server wraps library errors in', () => {
    const e = thrown(() => applyJsonPatch(cm(), [{ op: 'test', path: '/metadata/resourceVersion', value: '6' }, { op: 'remove', path: '/data' }]));
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('answers paths that do not exist and unknown ops with the same 422', () => {
    for (const op of [{ op: 'replace', path: '/spec/x', value: 1 }, { op: 'remove', path: '/data/zz' }, { op: 'frobnicate', path: '/data' }, { op: 'add', value: 1 }]) {
      const e = thrown(() => applyJsonPatch(cm(), [op]));
      expect([e.code, e.reason]).toEqual([422, 'Invalid']);
    }
  });

  it('lets a test against null pass on a missing member, as evanphx/json-patch v4 does', () => {
    expect(applyJsonPatch(cm(), [{ op: 'test', path: '/metadata/labels', value: null }, { op: 'add', path: '/metadata/labels', value: { a: 'b' } }]).metadata).toEqual({
      name: 'c',
      resourceVersion: '7',
      labels: { a: 'b' },
    });
  });

  it('refuses bodies that are not a list of operations with 400 and encoding/json wording', () => {
    expect(thrown(() => applyJsonPatch(cm(), { op: 'add' })).message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    expect(thrown(() => applyJsonPatch(cm(), ['add'])).message).toBe('json: cannot unmarshal string into Go value of type jsonpatch.Operation');
    const e = thrown(() => applyJsonPatch(cm(), '[{"op": "add", "path": "/a" "value": 1}]'));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', "invalid character '\"' after object key:value pair"]);
    expect(thrown(() => applyJsonPatch(cm(), '[{"op":')).message).toBe('unexpected end of JSON input');
  });

  it('words decode errors the strict way under fieldValidation=Strict', () => {
    expect(thrown(() => applyJsonPatch(cm(), { op: 'add' }, { fieldValidation: 'Strict' })).message).toBe(
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
    expect(thrown(() => applyJsonPatch(cm(), [{ op: 1, path: '/a' }], { fieldValidation: 'Strict' })).message).toBe(
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    );
  });

  it('treats a null body as no operations and caps the number of operations', () => {
    expect(applyJsonPatch(cm(), null)).toEqual(cm());
    const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }));
    const e = thrown(() => applyJsonPatch(cm(), many));
    expect([e.code, e.reason, e.message]).toEqual([413, 'RequestEntityTooLarge', 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001']);
  });

  it('refuses a patch that turns the object into something else', () => {
    const e = thrown(() => applyJsonPatch(cm(), [{ op: 'replace', path: '', value: [1] }]));
    expect([e.code, e.reason]).toEqual([422, 'Invalid']);
  });
});
