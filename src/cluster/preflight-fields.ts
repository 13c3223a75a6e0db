// Reading fields of API objects that arrive untyped (custom resources through
// CustomObjectsApi are plain JSON): small accessors that never throw on a
// missing or oddly shaped field, so a half-written object from a real cluster
// degrades a check instead of crashing preflight.
import { ClusterError } from './errors.js';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The value at a path of keys, or undefined. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur: unknown = v;
  for (const k of path) {
    const o = asObj(cur);
    if (!o) return undefined;
    cur = o[k];
  }
  return cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function labelsOf(o: unknown): Record<string, string> {
  const l = asObj(at(o, 'metadata', 'labels'));
  const out: Record<string, string> = {};
  if (l) for (const [k, v] of Object.entries(l)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function nameOf(o: unknown): string {
  return str(at(o, 'metadata', 'name')) ?? '';
}

/** The items of a list response. */
export function itemsOf(list: unknown): Obj[] {
  return arr(at(list, 'items')).map(asObj).filter((x): x is Obj => x !== undefined);
}

/** A condition of status.conditions by type. */
export function conditionOf(o: unknown, type: string): Obj | undefined {
  return arr(at(o, 'status', 'conditions'))
    .map(asObj)
    .find((c) => c?.type === type);
}

export function statusCode(e: unknown): number | undefined {
  return e instanceof ClusterError ? e.status : undefined;
}

export const isForbidden = (e: unknown) => statusCode(e) === 403;
export const isMissing = (e: unknown) => statusCode(e) === 404;

/** The one-sentence message of a failure (a ClusterError's is already one sentence). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Joins names for a sentence, shortening long lists: "a, b, c and 7 more". */
export function listNames(names: readonly string[], max = 6): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
