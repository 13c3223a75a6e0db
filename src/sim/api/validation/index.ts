// Strict server-side field validation for the simulated API server: finds what
// a real kube-apiserver finds in a request body (unknown, duplicate and
// mistyped fields, missing required CRD fields); answer.ts turns the findings
// into the server's answer for a fieldValidation mode.
import type { StatusCause } from '../errors.js';
import type { ModelRef } from '../resource-type.js';
import { checkCustomResource } from './crd.js';
import { DECODE_ERROR, decodeGo, type GoFindings, type GoTypeError } from './decode-go.js';
import { rootSchema } from './schema.js';

export { findDuplicateFields } from './duplicates.js';
export { fieldValidationAnswer, parseFieldValidation, type FieldValidation, type FieldValidationAnswer, type FieldValidationTarget } from './answer.js';

export { DECODE_ERROR } from './decode-go.js';

export interface ValidationResult {
  /** Dotted paths as the real `unknown field "spec.foo"` message names them (`spec.ports[0].x`). */
  unknownFields: string[];
  /**
   * Decode errors (reason DecodeError; for built-in kinds and any kind's
   * metadata), first the one the real decoder returns; then, for custom
   * resources, schema type/format/pattern causes.
   */
  typeErrors: StatusCause[];
  /** Custom resources: `spec.template: Required value` causes. */
  missingRequired: StatusCause[];
  /** Paths of repeated keys, as findDuplicateFields finds them in the raw body. */
  duplicateFields?: string[];
}

export function hasModel(model: ModelRef): boolean {
  return rootSchema(model) !== undefined;
}

/** Validates a whole object (apiVersion, kind, metadata, spec, status...) against its kind's model. */
export function validateAgainstModel(model: ModelRef, obj: unknown): ValidationResult {
  const schema = rootSchema(model);
  if (!schema) return { unknownFields: [], typeErrors: [], missingRequired: [] };
  if (schema.flavor === 'go') {
    const found: GoFindings = { unknown: [], typeErrors: [] };
    decodeGo(schema, obj, found);
    return { unknownFields: found.unknown, typeErrors: decodeCauses(found.typeErrors), missingRequired: [] };
  }
  const found = checkCustomResource(schema, obj);
  const typeErrors = [...decodeCauses(found.meta.typeErrors), ...found.causes.filter((c) => c.reason !== 'FieldValueRequired')];
  return {
    unknownFields: [...found.meta.unknown, ...found.unknown],
    typeErrors,
    missingRequired: found.causes.filter((c) => c.reason === 'FieldValueRequired'),
  };
}

/** Go keeps the first saved type error unless an unmarshaller aborted decoding: that one is reported. */
function decodeCauses(errors: GoTypeError[]): StatusCause[] {
  const winner = errors.find((e) => e.abort) ?? errors[0];
  const ordered = winner ? [winner, ...errors.filter((e) => e !== winner)] : [];
  return ordered.map((e) => ({ reason: DECODE_ERROR, message: e.message, field: e.field }));
}
