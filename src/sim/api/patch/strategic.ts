// Strategic merge patch (application/strategic-merge-patch+json) as
// apimachinery's strategicpatch applies it server side: maps merge and `null`
// deletes; lists tagged `patchStrategy: merge` merge by their merge key (or as
// a union, for primitives) while other lists are replaced; and the directives
// `$patch` (replace | delete; `merge` is refused as the real server refuses
// it), `$retainKeys`, `$setElementOrder/<field>` and
// `$deleteFromPrimitiveList/<field>`.
//
// Differences from the Go code, on purpose: a value the patch adds where the
// original had none is stored without leftover directives or null members
// (the real server would drop them when decoding into the typed object), and
// a field this schema does not know is merged without strategy instead of
// failing with "unable to find api field".
import type { Json, JsonObject, KubeObject } from '../types.js';
import type { ModelRef } from '../resource-type.js';
import { parseBody } from './go-json.js';
import { clone, isObject } from './json-value.js';
import {
  ErrBadPatchFormatForPrimitiveList,
  ErrBadPatchFormatForRetainKeys,
  ErrBadPatchFormatForSetElementOrderList,
  cannotUnmarshal,
  errBadArgType,
  errBadPatchType,
} from './patch-errors.js';
import { fieldType, rootType, type TypeNode } from './schema.js';
import { mergeSlice, normalizeElementOrder, partition, sliceElementKind, validateSetOrder } from './strategic-lists.js';

const DELETE_PREFIX = '$deleteFromPrimitiveList';
const ORDER_PREFIX = '$setElementOrder';

/** The field name after `<prefix>/`, or the format error the server gives. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_PREFIX ? ErrBadPatchFormatForPrimitiveList() : ErrBadPatchFormatForSetElementOrderList();
  }
  return key.slice(slash + 1);
}

/** A patch value stored as is: directives and null members removed. */
function clean(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x.$patch === 'delete')).map(clean);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && !k.startsWith('$')) out[k] = clean(x);
  return out;
}

function goKind(v: Json | undefined): string {
  return Array.isArray(v) ? 'slice' : isObject(v) ? 'map' : v === null ? 'nil' : typeof v;
}

function mergeSliceHandler(original: Json[], patch: Json[], t: TypeNode, isDeleteList: boolean): Json[] {
  if (t.patchStrategy === 'merge') return mergeSlice(original, patch, t.elem ?? { kind: 'any' }, t.patchMergeKey ?? '', isDeleteList, mergeMap, clean);
  return clean(patch) as Json[];
}

/** `$retainKeys`: clears the original's keys missing from the list; the patch must stay within it. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!('$retainKeys' in patch)) return;
  const list = patch.$retainKeys;
  delete patch.$retainKeys;
  if (!Array.isArray(list)) throw ErrBadPatchFormatForRetainKeys();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PREFIX) || k.startsWith(ORDER_PREFIX)) continue;
    if (!list.includes(k)) throw ErrBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!list.includes(k)) delete original[k];
}

/** `$setElementOrder/<field>`: merges that field's list now and orders it as told. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, t: TypeNode): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    const field = extractKey(key, ORDER_PREFIX);
    const origList = original[field];
    const patchList = patch[field];
    if (origList !== undefined && !Array.isArray(origList)) throw errBadArgType('[]interface {}', origList);
    if (patchList !== undefined && !Array.isArray(patchList)) throw errBadArgType('[]interface {}', patchList);
    const ft = fieldType(t, field);
    const mergeKey = ft.patchStrategy === 'merge' ? (ft.patchMergeKey ?? '') : '';
    validateSetOrder(patchList ?? [], order, mergeKey);
    let merged: Json[];
    if (origList && patchList) merged = mergeSliceHandler(origList, patchList, ft, false);
    else if (origList) merged = origList;
    else if (patchList) merged = clean(patchList) as Json[];
    else continue;
    const kind = sliceElementKind(origList ?? [], patchList ?? []);
    // Lists of maps without a merge key cannot be partitioned (the Go code panics); keep them as merged.
    if (kind === 'map' && !mergeKey) original[field] = merged;
    else {
      const [inOrder, serverOnly] = partition(merged, order, mergeKey, kind);
      original[field] = normalizeElementOrder(inOrder, serverOnly, order, origList ?? [], mergeKey, kind);
    }
    delete patch[field];
  }
}

function mergeMap(original: JsonObject, patch: JsonObject, t: TypeNode): JsonObject {
  if ('$patch' in patch) {
    const d = patch.$patch;
    if (d === 'replace') {
      delete patch.$patch;
      return clean(patch) as JsonObject;
    }
    if (d === 'delete') return {};
    throw errBadPatchType(d, patch);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, t);
  for (const [rawKey, pv] of Object.entries(patch)) {
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_PREFIX)) {
      k = extractKey(rawKey, DELETE_PREFIX);
      isDeleteList = true;
    }
    if (pv === null) {
      delete original[k];
      continue;
    }
    const ov = original[k];
    if (ov === undefined) {
      // Like the server, a deletion list for a field the original lacks becomes its value.
      original[k] = clean(pv);
      continue;
    }
    if (goKind(ov) !== goKind(pv)) {
      original[k] = clean(pv);
      continue;
    }
    const ft = fieldType(t, k);
    if (isObject(ov) && isObject(pv)) original[k] = ft.patchStrategy === 'replace' ? clean(pv) : mergeMap(ov, pv, ft);
    else if (Array.isArray(ov) && Array.isArray(pv)) original[k] = mergeSliceHandler(ov, pv, ft, isDeleteList);
    else original[k] = pv;
  }
  return original;
}

/**
 * Applies a strategic merge patch (parsed, or the raw body text) to a copy of
 * `target`, with the list strategies of `model`. For a model without a table
 * the patch behaves like a JSON merge patch (maps merge, lists are replaced),
 * directives still being honoured rather than stored.
 */
export function applyStrategicMergePatch(target: JsonObject | KubeObject, patch: unknown, model: ModelRef | undefined): JsonObject {
  const body = parseBody(patch);
  if (body === null) return clone(target) as JsonObject;
  if (!isObject(body)) throw cannotUnmarshal(body, 'map[string]interface {}');
  return mergeMap(clone(target) as JsonObject, clone(body), rootType(model));
}
