// Walks over typed values as structured-merge-diff does: the field set a
// value sets (what an applier owns) and the comparison of two values (what an
// update changed). Keyed lists are walked item by item (`k:{...}`), sets by
// value (`v:...`), atomic lists, atomic maps and scalars are single leaves.
import type { Json } from '../types.js';
import { deepEqual, isObject } from './json-value.js';
import { FieldSet, fieldPE, keyPE, valuePE, type Path, type PathElement } from './fieldpath.js';
import { fieldType, type TypeNode } from './schema.js';

/** A value the schema cannot walk (an item without its key, a duplicate key). */
export class TypedError extends Error {}

export function isGranularList(t: TypeNode): boolean {
  return t.kind === 'list' && (t.listType === 'set' || t.listType === 'map');
}

function isGranularMap(t: TypeNode): boolean {
  return (t.kind === 'struct' || t.kind === 'map' || t.kind === 'any') && !t.atomic;
}

/** The path element naming a list item: its key fields, or its value for sets. */
export function itemPE(item: Json, t: TypeNode, index: number): PathElement {
  if (t.listType === 'set') {
    if (isObject(item) || Array.isArray(item)) throw new TypedError(`element ${index}: expected scalar in a set`);
    return valuePE(item);
  }
  if (t.listType === 'map') {
    if (!isObject(item)) throw new TypedError(`element ${index}: expected map`);
    const key: Record<string, Json> = {};
    for (const k of t.listMapKeys ?? []) {
      const v = item[k] ?? t.keyDefaults?.[k];
      if (v === undefined || v === null) {
        throw new TypedError(`element ${index}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`);
      }
      key[k] = v;
    }
    return keyPE(key);
  }
  return `i:${index}`;
}

/** Items of a granular list by path element, in order; later duplicates are ignored or refused. */
export function indexItems(list: Json[], t: TypeNode, allowDuplicates: boolean): Map<PathElement, Json> {
  const out = new Map<PathElement, Json>();
  list.forEach((item, i) => {
    const pe = itemPE(item, t, i);
    if (out.has(pe)) {
      if (!allowDuplicates) throw new TypedError(`duplicate entries for key ${pe.slice(2)}`);
      return;
    }
    out.set(pe, item);
  });
  return out;
}

function declared(t: TypeNode, key: string): boolean {
  if (t.kind === 'struct') return t.field?.(key) !== undefined;
  return t.kind === 'any';
}

/** The fields a value sets: what an applier of that value owns. */
export function toFieldSet(value: Json, t: TypeNode): FieldSet {
  const set = new FieldSet();
  const walk = (v: Json, tt: TypeNode, path: Path): void => {
    if (Array.isArray(v)) {
      if (!isGranularList(tt)) return set.insert(path);
      for (const [pe, item] of indexItems(v, tt, false)) {
        walk(item, tt.elem ?? tt, [...path, pe]);
        set.insert([...path, pe]);
      }
    } else if (isObject(v)) {
      if (!isGranularMap(tt)) return set.insert(path);
      for (const [k, val] of Object.entries(v)) {
        const p = [...path, fieldPE(k)];
        walk(val, fieldType(tt, k), p);
        if (val === null || (isObject(val) && Object.keys(val).length === 0) || !declared(tt, k)) set.insert(p);
      }
    } else set.insert(path);
  };
  walk(value, t, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

function shape(v: Json | undefined): 'list' | 'map' | 'scalar' | 'none' {
  if (v === undefined || v === null) return 'none';
  return Array.isArray(v) ? 'list' : isObject(v) ? 'map' : 'scalar';
}

/**
 * What changed from `lhs` to `rhs`. A map or list item that appears or goes
 * is itself added or removed, besides its leaves; an absent value differs from
 * a null one.
 */
export function compare(lhs: Json | undefined, rhs: Json | undefined, t: TypeNode, allowDuplicates = true): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: Json | undefined, r: Json | undefined, path: Path) => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
  };
  const after = (l: Json | undefined, r: Json | undefined, path: Path) => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  };
  const walk = (l: Json | undefined, r: Json | undefined, tt: TypeNode, path: Path): void => {
    const sl = shape(l);
    const sr = shape(r);
    const s = sl === 'none' ? sr : sl;
    if ((sl !== 'none' && sr !== 'none' && sl !== sr) || s === 'scalar' || s === 'none') return leaf(l, r, path);
    if (s === 'list') {
      const ll = Array.isArray(l) ? l : [];
      const rl = Array.isArray(r) ? r : [];
      if (!isGranularList(tt) || (ll.length === 0 && rl.length === 0)) return leaf(l, r, path);
      const li = indexItems(ll, tt, allowDuplicates);
      const ri = indexItems(rl, tt, allowDuplicates);
      for (const pe of new Set([...li.keys(), ...ri.keys()])) walk(li.get(pe), ri.get(pe), tt.elem ?? tt, [...path, pe]);
    } else {
      const lm = isObject(l) ? l : {};
      const rm = isObject(r) ? r : {};
      if (!isGranularMap(tt) || (Object.keys(lm).length === 0 && Object.keys(rm).length === 0)) return leaf(l, r, path);
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) walk(lm[k], rm[k], fieldType(tt, k), [...path, fieldPE(k)]);
    }
    after(l, r, path);
  };
  walk(lhs, rhs, t, []);
  return c;
}
