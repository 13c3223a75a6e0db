// The real server's answer to a body with field problems, by fieldValidation
// mode (absent means Warn), in the order the server meets them:
//  1. a decode error (wrong type in a built-in kind, or in any kind's
//     metadata): 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: json: ...`
//  2. unknown or duplicate fields: Strict -> 400 `... strict decoding error:
//     unknown field "spec.foo", ...`; Warn -> one warning each; Ignore -> nothing
//  3. custom resources only: schema violations -> 422 Invalid with causes
//     (warnings from step 2 still go out with it).
import { badRequest, invalid, StatusError, type StatusCause } from '../errors.js';
import { DECODE_ERROR } from './decode-go.js';
import type { ValidationResult } from './index.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface FieldValidationTarget {
  kind: string;
  /** API version of the body (`v1`), as the message names it. */
  version: string;
  group: string;
  /** Object name for a 422 message. */
  name: string;
  /** Custom resource (CRD semantics) rather than a built-in kind. */
  custom: boolean;
}

export interface FieldValidationAnswer {
  error?: StatusError;
  /** Texts for `Warning: 299 - "<text>"` headers. */
  warnings: string[];
}

const MODES: FieldValidation[] = ['Ignore', 'Strict', 'Warn'];

/**
 * Reads the fieldValidation query parameter. An unsupported value is a 422
 * against the request's options kind (CreateOptions, UpdateOptions, PatchOptions).
 */
export function parseFieldValidation(value: string | null | undefined, optionsKind = 'CreateOptions'): FieldValidation | StatusError {
  if (value === null || value === undefined || value === '') return 'Warn';
  if ((MODES as string[]).includes(value)) return value as FieldValidation;
  const supported = ['', ...MODES].map((m) => JSON.stringify(m)).join(', ');
  return invalid(optionsKind, 'meta.k8s.io', '', [
    { reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}`, field: 'fieldValidation' },
  ]);
}

export function fieldValidationAnswer(result: ValidationResult, mode: FieldValidation, target: FieldValidationTarget): FieldValidationAnswer {
  const prefix = `${target.kind} in version ${JSON.stringify(target.version)} cannot be handled as a ${target.kind}`;
  const decode = result.typeErrors.find((c) => c.reason === DECODE_ERROR);
  if (decode) return { error: badRequest(`${prefix}: ${decode.message ?? ''}`), warnings: [] };

  const unknown = result.unknownFields.map((p) => `unknown field ${JSON.stringify(p)}`);
  const duplicate = (result.duplicateFields ?? []).map((p) => `duplicate field ${JSON.stringify(p)}`);
  // A custom resource's JSON decoder reports duplicates before the schema's
  // pruning reports unknown fields; a built-in's decoder meets both in body
  // order, approximated here as unknown first.
  const strict = target.custom ? [...duplicate, ...unknown] : [...unknown, ...duplicate];
  if (strict.length && mode === 'Strict') return { error: badRequest(`${prefix}: strict decoding error: ${strict.join(', ')}`), warnings: [] };
  const warnings = mode === 'Warn' ? strict : [];

  if (target.custom) {
    const causes: StatusCause[] = [...result.typeErrors, ...result.missingRequired];
    if (causes.length) return { error: invalid(target.kind, target.group, target.name, causes), warnings };
  }
  return { warnings };
}
