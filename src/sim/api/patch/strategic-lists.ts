// Strategic merge patch of lists: merging by merge key, union of primitive
// lists, `$patch` elements, parallel deletion lists, and the element order
// rules (the patch's order first, then the live order; `$setElementOrder`
// wins over both) that apimachinery's strategicpatch implements.
import type { Json, JsonObject } from '../types.js';
import { goFormat } from './go-json.js';
import { isObject } from './json-value.js';
import { ErrNoListOfLists, errBadArgType, errBadPatchType, errNoMergeKey, plainError, ErrBadPatchFormatForSetElementOrderList } from './patch-errors.js';
import type { TypeNode } from './schema.js';

export type ElemKind = 'map' | 'scalar';
/** Merges two maps of the list's item type (supplied by strategic.ts). */
export type MapMerger = (original: JsonObject, patch: JsonObject, t: TypeNode) => JsonObject;
/** Turns a raw patch value into a stored value (directives and nulls removed). */
export type Cleaner = (v: Json) => Json;

/** Kind shared by all items of the lists; Go compares dynamic types, so ints and floats differ. */
export function sliceElementKind(...lists: Json[][]): ElemKind {
  let prev: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = Array.isArray(v) ? 'slice' : isObject(v) ? 'map' : v === null ? 'nil' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v;
      if (prev === undefined) {
        if (t === 'slice') throw ErrNoListOfLists();
        prev = t;
      } else if (prev !== t) {
        throw plainError(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (prev === undefined) throw plainError('no elements in any of the given slices');
  return prev === 'map' ? 'map' : 'scalar';
}

function keyOf(item: Json, mergeKey: string, kind: ElemKind): Json | undefined {
  if (kind !== 'map') return item;
  return isObject(item) ? item[mergeKey] : undefined;
}

function indexIn(list: Json[], item: Json, mergeKey: string, kind: ElemKind): number {
  const key = keyOf(item, mergeKey, kind);
  return list.findIndex((v) => keyOf(v, mergeKey, kind) === key);
}

function validateMergeKeys(mergeKey: string, ...lists: Json[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Sorts `items` by their position in `order`; `$patch: delete` items go last. */
function normalizeSliceOrder(items: Json[], order: Json[], mergeKey: string, kind: ElemKind): Json[] {
  let keep = items;
  let deletes: Json[] = [];
  if (kind === 'map') {
    validateMergeKeys(mergeKey, items, order);
    keep = items.filter((v) => !(isObject(v) && v.$patch === 'delete'));
    deletes = items.filter((v) => isObject(v) && v.$patch === 'delete');
  }
  const pos = (v: Json) => {
    const i = indexIn(order, v, mergeKey, kind);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...keep].sort((a, b) => pos(a) - pos(b)).concat(deletes);
}

/** Interleaves server-only items into the patch items, keeping each side's relative order. */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: ElemKind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as Json);
    else if (j >= right.length) out.push(left[i++] as Json);
    else {
      const li = indexIn(serverOrder, left[i] as Json, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j] as Json, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as Json);
      else out.push(right[j++] as Json);
    }
  }
  return out;
}

export function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: ElemKind): Json[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** Splits `merged` into the items named by `by` and the others. */
export function partition(merged: Json[], by: Json[], mergeKey: string, kind: ElemKind): [Json[], Json[]] {
  const inList: Json[] = [];
  const others: Json[] = [];
  for (const v of merged) {
    if (kind === 'map') {
      if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
      if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
    }
    (indexIn(by, v, mergeKey, kind) >= 0 ? inList : others).push(v);
  }
  return [inList, others];
}

function dedupe(list: Json[]): Json[] {
  return list.filter((v, i) => list.indexOf(v) === i);
}

/** Applies `$patch` elements: deletions by key, and a `replace` that drops the original. */
function specialElements(original: Json[], patch: Json[], mergeKey: string): [Json[], Json[]] {
  const plain: Json[] = [];
  let replace = false;
  let out = original;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!('$patch' in m)) {
      plain.push(v);
      continue;
    }
    const d = m.$patch;
    if (d === 'delete') {
      if (!(mergeKey in m)) throw errNoMergeKey(m, mergeKey);
      out = out.filter((o) => !(isObject(o) && o[mergeKey] === m[mergeKey]));
    } else if (d === 'replace') replace = true;
    else if (d === 'merge') throw plainError('merging lists cannot yet be specified in the patch');
    else throw errBadPatchType(d, m);
  }
  return replace ? [plain, []] : [out, plain];
}

/** Merges a patch list into a list whose field has `patchStrategy: merge`. */
export function mergeSlice(original: Json[], patch: Json[], elem: TypeNode, mergeKey: string, isDeleteList: boolean, mergeMap: MapMerger, clean: Cleaner): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: Json[];
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw plainError('cannot merge lists without merge key for type struct');
    [original, patch] = specialElements(original, patch, mergeKey);
    merged = [...original];
    for (const v of patch) {
      const item = v as JsonObject;
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
      const at = merged.findIndex((o) => {
        if (!isObject(o)) throw plainError(`value for key ${merged.indexOf(o)} is not a map.`);
        return mergeKey in o && o[mergeKey] === item[mergeKey];
      });
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, elem);
      else merged.push(clean(item));
    }
  }
  const [patchItems, serverOnly] = partition(merged, patch, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** Checks that the patch list's items appear in `$setElementOrder` and in the same order. */
export function validateSetOrder(patchList: Json, setOrder: Json, mergeKey: string): void {
  if (!Array.isArray(setOrder) || !Array.isArray(patchList)) throw ErrBadPatchFormatForSetElementOrderList();
  if (setOrder.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    items = patchList.filter((v) => !(isObject(v) && v.$patch === 'delete'));
  }
  const same = (a: Json, b: Json): boolean => {
    if (!mergeKey) return a === b;
    if (!isObject(a)) throw errBadArgType('map[string]interface {}', a);
    if (!isObject(b)) throw errBadArgType('map[string]interface {}', b);
    if (!(mergeKey in a)) throw errNoMergeKey(a, mergeKey);
    if (!(mergeKey in b)) throw errNoMergeKey(b, mergeKey);
    return a[mergeKey] === b[mergeKey];
  };
  let p = 0;
  let s = 0;
  while (p < items.length && s < setOrder.length) {
    const item = items[p] as Json;
    if (isObject(item) && '$patch' in item) {
      p++;
      continue;
    }
    if (same(item, setOrder[s] as Json)) p++;
    s++;
  }
  if (p < items.length && s >= setOrder.length) {
    throw plainError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(setOrder)}\n`);
  }
}
