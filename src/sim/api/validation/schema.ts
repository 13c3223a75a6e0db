// The typed models strict field validation and the OpenAPI documents are
// built from: one normalized shape for @kubernetes/client-node model classes
// (built-in kinds, decoded by the real server into Go structs) and for the
// generated KubeVirt/CDI schemas (custom resources, checked against a CRD
// structural schema).
import type { ModelRef } from '../resource-type.js';
import { clientNodeModel } from './client-node.js';
import kubevirtFile from './generated/kubevirt-schemas.json' with { type: 'json' };

export type TypeSpec =
  | { k: 'bool' | 'float' | 'any' | 'quantity' | 'intstr' | 'bytes' | 'empty' | 'preserve' | 'meta' }
  /** `go` names a built-in field's Go string type when it is not plain `string` (v1.Protocol). */
  | { k: 'string'; go?: string }
  /** `go` is the Go integer type of a built-in field; CRD integers have none. */
  | { k: 'int'; go?: 'int32' | 'int64' }
  /** RFC 3339 (metav1.Time), or metav1.MicroTime when `micro`. */
  | { k: 'date'; micro?: boolean }
  | { k: 'array' | 'map'; of: TypeSpec }
  | { k: 'ref'; key: string };

export interface ModelSchema {
  /** Lookup key within its package (class name, or the generated model's name). */
  key: string;
  pkg: ModelRef['pkg'];
  /** Declared model name: `V1Container`, `V1VirtualMachineSpec`. */
  name: string;
  /** How the real server checks it: decoding into Go structs, or a CRD structural schema. */
  flavor: 'go' | 'crd';
  fields: Map<string, TypeSpec>;
  required: string[];
}

interface KubevirtFile {
  names: string[];
  roots: Record<string, Record<string, number>>;
  models: ([Record<string, string>] | [Record<string, string>, string[]])[];
}
const kv = kubevirtFile as unknown as KubevirtFile;

const cache = new Map<string, ModelSchema | null>();

/** The model a kind (or a nested ref of one) is described by, or undefined. */
export function modelSchema(pkg: ModelRef['pkg'], key: string): ModelSchema | undefined {
  const id = `${pkg}/${key}`;
  let m = cache.get(id);
  if (m === undefined) {
    m = load(pkg, key) ?? null;
    cache.set(id, m);
  }
  return m ?? undefined;
}

/** Resolves the schema a ModelRef names (the kind's root model). */
export function rootSchema(ref: ModelRef): ModelSchema | undefined {
  if (ref.pkg === 'client-node') return modelSchema('client-node', ref.name);
  if (ref.pkg === 'kubevirt' || ref.pkg === 'containerized-data-importer') {
    const idx = kv.roots[ref.pkg]?.[ref.name];
    return idx === undefined ? undefined : modelSchema(ref.pkg, String(idx));
  }
  return undefined;
}

function load(pkg: ModelRef['pkg'], key: string): ModelSchema | undefined {
  if (pkg === 'client-node') return clientNodeModel(key);
  if (pkg !== 'kubevirt' && pkg !== 'containerized-data-importer') return undefined;
  const idx = Number(key);
  const entry = kv.models[idx];
  const name = kv.names[idx];
  if (!entry || name === undefined) return undefined;
  const fields = new Map<string, TypeSpec>();
  for (const [f, code] of Object.entries(entry[0])) fields.set(f, decode(code));
  return { key, pkg, name: name.replace(/^cdi:/, ''), flavor: 'crd', fields, required: entry[1] ?? [] };
}

const SCALARS: Record<string, TypeSpec> = {
  s: { k: 'string' },
  i: { k: 'int' },
  n: { k: 'float' },
  b: { k: 'bool' },
  a: { k: 'any' },
  d: { k: 'date' },
  q: { k: 'quantity' },
  x: { k: 'intstr' },
  m: { k: 'meta' },
  o: { k: 'empty' },
  p: { k: 'preserve' },
};

/** Decodes the generator's type code (see scripts/gen-kubevirt-schemas.ts). */
function decode(code: string): TypeSpec {
  const head = code[0];
  if (head === '[') return { k: 'array', of: decode(code.slice(1)) };
  if (head === '{') return { k: 'map', of: decode(code.slice(1)) };
  if (head === '#') return { k: 'ref', key: code.slice(1) };
  const s = SCALARS[code];
  if (!s) throw new Error(`unknown schema type code ${code}`);
  return s;
}

/** The kubevirt/CDI root models by kind name, for OpenAPI and tests. */
export function generatedRoots(): Record<string, Record<string, number>> {
  return kv.roots;
}
