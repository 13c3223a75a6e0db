// Sets of field paths, the model behind managedFields (structured-merge-diff's
// fieldpath.Set) and their FieldsV1 encoding:
//   {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},...}}}}
// A path element is kept in its FieldsV1 spelling: `f:<field>`, `k:<key
// fields as JSON>`, `v:<value as JSON>` or `i:<index>`. A set node has members
// (paths that end here) and children (paths that go on); `.` marks a child
// that is also a member.
import type { Json, JsonObject } from '../types.js';
import { isObject } from './json-value.js';

export type PathElement = string;
export type Path = PathElement[];

export const fieldPE = (name: string): PathElement => `f:${name}`;
export const valuePE = (v: Json): PathElement => `v:${JSON.stringify(v)}`;
export function keyPE(fields: Record<string, Json>): PathElement {
  const sorted: Record<string, Json> = {};
  for (const k of Object.keys(fields).sort()) sorted[k] = fields[k] as Json;
  return `k:${JSON.stringify(sorted)}`;
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function typeRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isObject(v)) return 4;
  return 5;
}

/** structured-merge-diff's total order on values: numbers < strings < bools < lists < maps < null. */
function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  if (isObject(a) && isObject(b)) return compareValues(Object.entries(a).sort(), Object.entries(b).sort());
  return 0;
}

/** The order path elements are sorted in: fields, then keys, values and indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ta = RANK[a[0] as string] ?? 4;
  const tb = RANK[b[0] as string] ?? 4;
  if (ta !== tb) return ta - tb;
  const ra = a.slice(2);
  const rb = b.slice(2);
  if (a[0] === 'f') return ra < rb ? -1 : ra > rb ? 1 : 0;
  if (a[0] === 'i') return Number(ra) - Number(rb);
  const va = JSON.parse(ra) as Json;
  const vb = JSON.parse(rb) as Json;
  if (a[0] === 'k' && isObject(va) && isObject(vb)) {
    const ea = Object.entries(va).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    const eb = Object.entries(vb).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
      const [na, xa] = ea[i] as [string, Json];
      const [nb, xb] = eb[i] as [string, Json];
      if (na !== nb) return na < nb ? -1 : 1;
      const c = compareValues(xa, xb);
      if (c) return c;
    }
    return ea.length - eb.length;
  }
  return compareValues(va, vb);
}

function valueString(v: Json): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${k}:${valueString(v[k] as Json)}`).join(',')}}`;
  return String(v);
}

/** A path as conflict messages print it: `.spec.ports[port=80,protocol="TCP"].name`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const rest = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${rest}`;
        case 'k': {
          const o = JSON.parse(rest) as JsonObject;
          return `[${Object.keys(o).sort().map((k) => `${k}=${valueString(o[k] as Json)}`).join(',')}]`;
        }
        case 'v':
          return `[=${valueString(JSON.parse(rest) as Json)}]`;
        default:
          return `[${rest}]`;
      }
    })
    .join('');
}

function validPE(pe: string): boolean {
  const rest = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case 'f:':
      return true;
    case 'i:':
      return /^-?\d+$/.test(rest);
    case 'k:':
    case 'v:':
      try {
        const v = JSON.parse(rest) as unknown;
        return pe[0] === 'v' || isObject(v);
      } catch {
        return false;
      }
    default:
      return false;
  }
}

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  insert(path: Path): void {
    const [pe, ...rest] = path;
    if (pe === undefined) return;
    if (rest.length === 0) {
      this.members.add(pe);
      return;
    }
    let c = this.children.get(pe);
    if (!c) this.children.set(pe, (c = new FieldSet()));
    c.insert(rest);
  }

  has(path: Path): boolean {
    const [pe, ...rest] = path;
    if (pe === undefined) return false;
    if (rest.length === 0) return this.members.has(pe);
    return this.children.get(pe)?.has(rest) ?? false;
  }

  empty(): boolean {
    return this.members.size === 0 && [...this.children.values()].every((c) => c.empty());
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of [...this.members, ...o.members]) out.members.add(m);
    for (const pe of new Set([...this.children.keys(), ...o.children.keys()])) {
      const a = this.children.get(pe);
      const b = o.children.get(pe);
      const c = a && b ? a.union(b) : (a ?? b)!.union(new FieldSet());
      if (!c.empty()) out.children.set(pe, c);
    }
    return out;
  }

  private combine(o: FieldSet, keepMember: (pe: PathElement) => boolean, child: (a: FieldSet, b: FieldSet | undefined) => FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (keepMember(m)) out.members.add(m);
    for (const [pe, a] of this.children) {
      const c = child(a, o.children.get(pe));
      if (c && !c.empty()) out.children.set(pe, c);
    }
    return out;
  }

  /** Members of `o` leave; children are subtracted path by path (not recursively from a member). */
  difference(o: FieldSet): FieldSet {
    return this.combine(o, (m) => !o.members.has(m), (a, b) => (b ? a.difference(b) : a.union(new FieldSet())));
  }

  intersection(o: FieldSet): FieldSet {
    return this.combine(o, (m) => o.members.has(m), (a, b) => (b ? a.intersection(b) : undefined));
  }

  /** Removes every path that has a member of `o` as itself or as an ancestor. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = this.combine(o, (m) => !o.members.has(m), (a, b) => (b ? a.recursiveDifference(b) : a.union(new FieldSet())));
    for (const m of o.members) out.children.delete(m);
    return out;
  }

  /** Every member path: members of a node before its children, each in sorted order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [...this.members].sort(comparePE).map((m) => [...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePE)) out.push(...(this.children.get(pe) as FieldSet).paths([...prefix, pe]));
    return out;
  }

  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    for (const pe of [...new Set([...this.members, ...this.children.keys()])].sort(comparePE)) {
      const child = this.children.get(pe);
      if (!child || child.empty()) out[pe] = {};
      else out[pe] = this.members.has(pe) ? { '.': {}, ...child.toFieldsV1() } : child.toFieldsV1();
    }
    return out;
  }

  /** Decodes FieldsV1; throws on what the server would fail to decode. */
  static fromFieldsV1(v: unknown): FieldSet {
    const out = new FieldSet();
    if (!isObject(v)) throw new Error('FieldsV1 is not an object');
    for (const [pe, sub] of Object.entries(v)) {
      if (pe === '.') continue;
      if (!validPE(pe)) throw new Error(`invalid path element ${pe}`);
      const keys = isObject(sub) ? Object.keys(sub) : [];
      if (keys.length === 0 || keys.includes('.')) out.members.add(pe);
      if (keys.some((k) => k !== '.')) out.children.set(pe, FieldSet.fromFieldsV1(sub));
    }
    return out;
  }

  static of(paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }
}
