// Lenient readers for API objects as they arrive from a watch: `unknown`
// JSON that a real cluster (or an older KubeVirt) may shape differently from
// the schema. Nothing here throws; a missing or mistyped field is undefined,
// so one odd object can never take the dashboard down.

export type JsonObject = Record<string, unknown>;

export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string, else undefined (the API often sends "" for "unset"). */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The value at a path of object keys. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur: unknown = v;
  for (const key of path) {
    const o = asObject(cur);
    if (!o) return undefined;
    cur = o[key];
  }
  return cur;
}

export function stringAt(v: unknown, ...path: string[]): string | undefined {
  return asString(at(v, ...path));
}

/** String-valued entries of a map (labels, annotations, ConfigMap data). */
export function stringMap(v: unknown): Record<string, string> {
  const o = asObject(v);
  const out: Record<string, string> = {};
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}

export function labelsOf(o: unknown): Record<string, string> {
  return stringMap(at(o, 'metadata', 'labels'));
}

export function annotationsOf(o: unknown): Record<string, string> {
  return stringMap(at(o, 'metadata', 'annotations'));
}

/** The condition of this type in status.conditions. */
export function conditionOf(o: unknown, type: string): JsonObject | undefined {
  for (const c of asArray(at(o, 'status', 'conditions'))) {
    const co = asObject(c);
    if (co && co.type === type) return co;
  }
  return undefined;
}

export function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((v, i) => v === b[i]);
}

export function sameStringMap(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
