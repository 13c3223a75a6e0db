/* eslint-disable @typescript-eslint/no-explicit-any -- these tests take valid objects apart to build malformed ones */
import { describe, expect, it } from 'vitest';
import { fieldValidationAnswer, hasModel, parseFieldValidation, validateAgainstModel } from '../../../../src/sim/api/validation/index.js';
import { configMap, role } from './fixtures.js';

const CM = { pkg: 'client-node', name: 'V1ConfigMap' } as const;
const ROLE = { pkg: 'client-node', name: 'V1Role' } as const;
const cmTarget = { kind: 'ConfigMap', version: 'v1', group: '', name: 'chaos-config', custom: false };
const clean = { unknownFields: [], typeErrors: [], missingRequired: [] };

function decodeMessage(model: { pkg: 'client-node'; name: string }, obj: unknown, kind: string): string | undefined {
  const r = validateAgainstModel(model, obj);
  return fieldValidationAnswer(r, 'Ignore', { ...cmTarget, kind }).error?.message;
}

describe('built-in kinds (Go decoding)', () => {
  it('accepts a ConfigMap and a Role as they are, and null for any field', () => {
    expect(validateAgainstModel(CM, configMap())).toEqual(clean);
    expect(validateAgainstModel(ROLE, role())).toEqual(clean);
    expect(validateAgainstModel(CM, { ...configMap(), data: null, immutable: null, metadata: { name: 'x', labels: null } })).toEqual(clean);
    expect(hasModel(CM)).toBe(true);
    expect(hasModel({ pkg: 'client-node', name: 'V1Event' })).toBe(false);
    expect(hasModel({ pkg: 'client-node', name: 'CoreV1Event' })).toBe(true);
  });

  it('finds unknown fields with their paths, in body order', () => {
    const cm = { ...configMap(), Data: { a: 'b' }, metadata: { name: 'x', lables: {} } };
    expect(validateAgainstModel(CM, cm).unknownFields).toEqual(['metadata.lables', 'Data']);
    const r = role() as any;
    r.rules[1].verb = ['get'];
    expect(validateAgainstModel(ROLE, r).unknownFields).toEqual(['rules[1].verb']);
  });

  it('answers unknown fields per fieldValidation mode', () => {
    const r = validateAgainstModel(CM, { ...configMap(), spec: { foo: 1 }, x: 1 });
    expect(fieldValidationAnswer(r, 'Strict', cmTarget).error?.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec", unknown field "x"',
      reason: 'BadRequest',
      code: 400,
    });
    expect(fieldValidationAnswer(r, 'Warn', cmTarget)).toEqual({ warnings: ['unknown field "spec"', 'unknown field "x"'] });
    expect(fieldValidationAnswer(r, 'Ignore', cmTarget)).toEqual({ warnings: [] });
  });

  it('reports wrong types as the Go decoder does', () => {
    expect(decodeMessage(CM, { ...configMap(), data: { a: 1 } }, 'ConfigMap')).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
    expect(decodeMessage(CM, { ...configMap(), metadata: { name: 'x', labels: { a: true } } }, 'ConfigMap')).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
    );
    expect(decodeMessage(CM, { ...configMap(), immutable: 'yes' }, 'ConfigMap')).toMatch(/cannot unmarshal string into Go struct field ConfigMap.immutable of type bool$/);
    const r = role() as any;
    r.rules[0].verbs = 'get';
    expect(decodeMessage(ROLE, r, 'Role')).toBe(
      'Role in version "v1" cannot be handled as a Role: json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string',
    );
  });

  it('keeps the first type error, unless a custom unmarshaller fails later', () => {
    const cm = { ...configMap(), data: { a: 1 }, metadata: { name: 'x', creationTimestamp: 'yesterday' } };
    expect(decodeMessage(CM, cm, 'ConfigMap')).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    );
    const cm2 = { ...configMap(), data: { a: 1 }, immutable: 3 };
    expect(decodeMessage(CM, cm2, 'ConfigMap')).toMatch(/Go struct field ConfigMap.data of type string$/);
  });

  it('accepts numbers where Kubernetes takes quantities or int-or-string', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'http' }] } };
    expect(validateAgainstModel({ pkg: 'client-node', name: 'V1Service' }, svc)).toEqual(clean);
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { resources: { requests: { storage: 1073741824 } } } };
    expect(validateAgainstModel({ pkg: 'client-node', name: 'V1PersistentVolumeClaim' }, pvc)).toEqual(clean);
    (pvc.spec.resources.requests as Record<string, unknown>).storage = '10 Gi';
    expect(decodeMessage({ pkg: 'client-node', name: 'V1PersistentVolumeClaim' }, pvc, 'PersistentVolumeClaim')).toBe(
      "PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    const bad = { ...svc, spec: { ports: [{ port: 80, targetPort: true }] } };
    expect(decodeMessage({ pkg: 'client-node', name: 'V1Service' }, bad, 'Service')).toBe(
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32',
    );
    const big = { ...svc, spec: { ports: [{ port: 1.5, protocol: 6 }] } };
    expect(decodeMessage({ pkg: 'client-node', name: 'V1Service' }, big, 'Service')).toMatch(/cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.port of type int32$/);
  });

  it('decodes base64 []byte fields like Go', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { user: 'YWRtaW4=', password: 'admin' } };
    expect(decodeMessage({ pkg: 'client-node', name: 'V1Secret' }, secret, 'Secret')).toBe(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4',
    );
    expect(validateAgainstModel({ pkg: 'client-node', name: 'V1Secret' }, { ...secret, data: { a: 'YWRt\naW4=' }, stringData: { b: 'plain' } })).toEqual(clean);
  });

  it('reads the fieldValidation parameter', () => {
    expect(parseFieldValidation(null)).toBe('Warn');
    expect(parseFieldValidation('Strict')).toBe('Strict');
    const err = parseFieldValidation('strict');
    expect(typeof err === 'string' ? err : err.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });
});
