// A walkable type for an object: strategic merge patch and server-side apply
// both need, at every path, whether the value is a struct, a map or a list and
// how lists merge. Structure comes from @kubernetes/client-node's model
// classes (getAttributeTypeMap); strategies from strategy-table.ts.
//
// Kinds without a table (custom resources such as KubeVirt's, or built-ins
// this server does not serve) get a schemaless type: maps merge key by key and
// every list is atomic, as a CRD list without x-kubernetes-list-type is. Only
// their metadata is typed, with ObjectMeta's real list semantics. No KubeVirt
// list gets a merge key: their CRDs declare none.
import * as k8s from '@kubernetes/client-node';
import type { JsonObject } from '../types.js';
import type { ModelRef } from '../resource-type.js';
import { ATOMIC_STRUCTS, FIELD_TAGS, MODEL_ALIASES, SERVED_KINDS, type FieldTag, type ListType } from './strategy-table.js';

export interface TypeNode {
  /** `any` is a value with no schema: maps merge, lists are atomic. */
  kind: 'struct' | 'map' | 'list' | 'scalar' | 'any';
  /** Model class name, for structs. */
  name?: string;
  /** The type of a named field (structs; `any` answers `any`), undefined when undeclared. */
  field?: (name: string) => TypeNode | undefined;
  /** Map values and list items. */
  elem?: TypeNode;
  /** Owned as a whole by server-side apply. */
  atomic?: boolean;
  listType?: ListType;
  listMapKeys?: string[];
  keyDefaults?: FieldTag['keyDefaults'];
  patchStrategy?: FieldTag['patchStrategy'];
  patchMergeKey?: string;
}

interface Attribute {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): Attribute[] };

const SCALAR: TypeNode = { kind: 'scalar' };
export const ANY: TypeNode = { kind: 'any', field: () => ANY };
ANY.elem = ANY;

const SCALAR_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'V1MicroTime', 'IntOrString']);
const structs = new Map<string, TypeNode>();

function modelClass(name: string): ModelClass | undefined {
  const c = (k8s as unknown as Record<string, unknown>)[name] as Partial<ModelClass> | undefined;
  return typeof c?.getAttributeTypeMap === 'function' ? (c as ModelClass) : undefined;
}

function parseType(t: string): TypeNode {
  const list = /^Array<(.+)>$/.exec(t);
  if (list) return { kind: 'list', elem: parseType(list[1] as string), listType: 'atomic' };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map) return { kind: 'map', elem: parseType(map[1] as string) };
  if (SCALAR_TYPES.has(t)) return SCALAR;
  return structNode(t);
}

function withTag(t: TypeNode, tag: FieldTag | undefined): TypeNode {
  if (!tag) return t;
  if (t.kind === 'map') return { ...t, atomic: tag.atomic ?? t.atomic };
  if (t.kind !== 'list') return t;
  return {
    ...t,
    listType: tag.listType ?? t.listType,
    listMapKeys: tag.listMapKeys,
    keyDefaults: tag.keyDefaults,
    patchStrategy: tag.patchStrategy,
    patchMergeKey: tag.patchMergeKey,
  };
}

/** The type of a client-node model class, built lazily and cached. */
export function structNode(name: string): TypeNode {
  const cached = structs.get(name);
  if (cached) return cached;
  const cls = modelClass(name);
  if (!cls) return ANY;
  const attrs = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  const fields = new Map<string, TypeNode | undefined>();
  const node: TypeNode = {
    kind: 'struct',
    name,
    atomic: ATOMIC_STRUCTS.has(name) || undefined,
    field(f) {
      if (!fields.has(f)) {
        const t = attrs.get(f);
        fields.set(f, t === undefined ? undefined : withTag(parseType(t), FIELD_TAGS[name]?.[f]));
      }
      return fields.get(f);
    },
  };
  structs.set(name, node);
  return node;
}

function servedName(model: ModelRef | undefined): string | undefined {
  if (model?.pkg !== 'client-node') return undefined;
  const name = MODEL_ALIASES[model.name] ?? model.name;
  return SERVED_KINDS[name] ? name : undefined;
}

/** True when the model is one of the served kinds with a strategy table. */
export function hasTable(model: ModelRef | undefined): boolean {
  return servedName(model) !== undefined;
}

const SCHEMALESS: TypeNode = { kind: 'any', elem: ANY, field: (n) => (n === 'metadata' ? structNode('V1ObjectMeta') : ANY) };

/** The type of a whole object of the model's kind. */
export function rootType(model: ModelRef | undefined): TypeNode {
  const name = servedName(model);
  return name ? structNode(name) : SCHEMALESS;
}

/** The type of a field of a value of type `t` (undeclared fields have no schema). */
export function fieldType(t: TypeNode, name: string): TypeNode {
  if (t.kind === 'struct' || t.kind === 'any') return t.field?.(name) ?? ANY;
  if (t.kind === 'map') return t.elem ?? ANY;
  return ANY;
}

/**
 * What an empty object of the kind looks like once encoded, as the server sees
 * the "old" object of a create: typed built-ins carry their non-pointer
 * structs, custom resources carry nothing.
 */
export function emptyObject(model: ModelRef | undefined): JsonObject {
  const name = servedName(model);
  const out: JsonObject = {};
  for (const path of name ? (SERVED_KINDS[name]?.present ?? []) : []) {
    let cur = out;
    for (const seg of path.split('.')) {
      const next = cur[seg];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) cur = next;
      else cur = cur[seg] = {};
    }
  }
  return out;
}
