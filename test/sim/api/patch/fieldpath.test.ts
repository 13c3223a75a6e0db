import { describe, expect, it } from 'vitest';
import { FieldSet, fieldPE, keyPE, pathString, valuePE } from '../../../../src/sim/api/patch/fieldpath.js';

describe('FieldSet and FieldsV1', () => {
  const fieldsV1 = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:ports': {
        '.': {},
        'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} },
        'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:port': {} },
      },
      'f:selector': {},
    },
  };

  it('round-trips FieldsV1, "." meaning the node itself is owned too', () => {
    const s = FieldSet.fromFieldsV1(fieldsV1);
    expect(s.has([fieldPE('spec'), fieldPE('ports')])).toBe(true);
    expect(s.has([fieldPE('spec')])).toBe(false);
    expect(s.toFieldsV1()).toEqual(fieldsV1);
  });

  it('sorts fields before keys before values, and numbers by value', () => {
    const s = FieldSet.of([
      [fieldPE('l'), valuePE('b')],
      [fieldPE('l'), keyPE({ port: 443 })],
      [fieldPE('l'), keyPE({ port: 80 })],
      [fieldPE('l'), fieldPE('z')],
    ]);
    expect(Object.keys(s.toFieldsV1()['f:l'] as object)).toEqual(['f:z', 'k:{"port":80}', 'k:{"port":443}', 'v:"b"']);
  });

  it('prints paths the way conflict messages do', () => {
    expect(pathString([fieldPE('spec'), fieldPE('ports'), keyPE({ protocol: 'TCP', port: 80 }), fieldPE('targetPort')])).toBe('.spec.ports[port=80,protocol="TCP"].targetPort');
    expect(pathString([fieldPE('metadata'), fieldPE('finalizers'), valuePE('a/b')])).toBe('.metadata.finalizers[="a/b"]');
  });

  it('subtracts members exactly and, recursively, only on request', () => {
    const s = FieldSet.fromFieldsV1(fieldsV1);
    const ports = FieldSet.of([[fieldPE('spec'), fieldPE('ports')]]);
    expect(s.difference(ports).toFieldsV1()['f:spec']).toEqual({
      'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} }, 'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:port': {} } },
      'f:selector': {},
    });
    expect(s.recursiveDifference(ports).toFieldsV1()['f:spec']).toEqual({ 'f:selector': {} });
  });

  it('refuses FieldsV1 it cannot decode', () => {
    expect(() => FieldSet.fromFieldsV1({ 'x:y': {} })).toThrow();
    expect(() => FieldSet.fromFieldsV1({ 'k:{bad': {} })).toThrow();
  });
});
