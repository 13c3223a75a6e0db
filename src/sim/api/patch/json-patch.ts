// RFC 6902 JSON patch with fast-json-patch, behaving as the apiserver's
// evanphx/json-patch v4 does where the two differ, and failing as it fails.
import jsonpatch from 'fast-json-patch';
import type { JsonObject, KubeObject } from '../types.js';
import { goJsonKind, parseBody } from './go-json.js';
import { isObject, clone } from './json-value.js';
import { cannotUnmarshal, notAnObject, patchRejected } from './patch-errors.js';
import { StatusError } from '../errors.js';

export interface DecodeOptions {
  /** The request's fieldValidation: Strict and Warn decode the body strictly first, which words errors differently. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

const MAX_OPERATIONS = 10000;

function strict(o: DecodeOptions | undefined): boolean {
  return o?.fieldValidation === 'Strict' || o?.fieldValidation === 'Warn';
}

/** Checks the body decodes into a list of operations, as the server does before applying anything. */
function decode(ops: unknown, o: DecodeOptions | undefined): unknown[] {
  const s = strict(o);
  const prefix = s ? 'error decoding patch: ' : '';
  const body = parseBody(ops, prefix);
  if (body === null) return [];
  if (!Array.isArray(body)) throw cannotUnmarshal(body, s ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch', prefix);
  for (const op of body) {
    if (op !== null && !isObject(op)) throw cannotUnmarshal(op, s ? 'handlers.jsonPatchOp' : 'jsonpatch.Operation', prefix);
    if (s && isObject(op)) {
      for (const f of ['op', 'path', 'from']) {
        const v = op[f];
        if (v !== undefined && v !== null && typeof v !== 'string') {
          throw new StatusError(400, 'BadRequest', `${prefix}json: cannot unmarshal ${goJsonKind(v)} into Go struct field jsonPatchOp.${f} of type string`);
        }
      }
    }
  }
  if (body.length > MAX_OPERATIONS) {
    throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${body.length}`);
  }
  return body;
}

function pointerExists(doc: unknown, path: string): boolean {
  try {
    return jsonpatch.getValueByPointer(doc, path) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Applies an RFC 6902 patch (parsed, or the raw body text) to a copy of
 * `target`. A body that does not decode is a 400; an operation that cannot be
 * applied (failed `test`, missing path, unknown op) is the server's generic 422.
 */
export function applyJsonPatch(target: JsonObject | KubeObject, ops: unknown, options?: DecodeOptions): JsonObject {
  const list = decode(ops, options);
  let doc: unknown = clone(target);
  for (const op of list) {
    if (!isObject(op)) throw patchRejected();
    // evanphx v4 lets `test` of a missing member against null pass.
    if (op.op === 'test' && op.value === null && typeof op.path === 'string' && !pointerExists(doc, op.path)) continue;
    try {
      doc = jsonpatch.applyOperation(doc, op as unknown as jsonpatch.Operation, true, true, true).newDocument;
    } catch {
      throw patchRejected();
    }
  }
  if (!isObject(doc)) throw notAnObject(doc);
  return doc;
}
