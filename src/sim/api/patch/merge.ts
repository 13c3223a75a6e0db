// RFC 7386 JSON merge patch, with the details of the evanphx/json-patch v4
// implementation the apiserver uses: nulls inside newly added objects are
// pruned, a null or scalar patch is "Invalid JSON Patch".
import type { Json, JsonObject, KubeObject } from '../types.js';
import { badRequest } from '../errors.js';
import { parseBody } from './go-json.js';
import { clone, isObject } from './json-value.js';
import { cannotUnmarshal, notAnObject } from './patch-errors.js';
import type { DecodeOptions } from './json-patch.js';

/** Removes null members of objects (not null list items), recursively. */
function pruneNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map((x) => (x === null ? x : pruneNulls(x)));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
  return out;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null) doc[k] = pruneNulls(v);
    else if (!isObject(cur)) doc[k] = pruneNulls(v);
    else if (!isObject(v)) doc[k] = v;
    else doc[k] = mergeDocs(cur, v);
  }
  return doc;
}

/** Applies an RFC 7386 merge patch (parsed, or the raw body as a string or bytes) to a copy of `target`. */
export function applyMergePatch(target: JsonObject | KubeObject, patch: unknown, options?: DecodeOptions): JsonObject {
  const strict = options?.fieldValidation === 'Strict' || options?.fieldValidation === 'Warn';
  let body: Json;
  try {
    body = parseBody(patch, strict ? 'error decoding patch: ' : '') as Json;
  } catch (e) {
    // Without strict decoding the library only reports that the patch is not JSON.
    if (strict) throw e;
    throw badRequest('Invalid JSON Patch');
  }
  if (strict && body !== null && !isObject(body)) throw cannotUnmarshal(body, 'map[string]interface {}', 'error decoding patch: ');
  if (Array.isArray(body)) throw notAnObject(pruneNulls(body));
  if (!isObject(body)) throw badRequest('Invalid JSON Patch');
  return mergeDocs(clone(target) as JsonObject, clone(body));
}
