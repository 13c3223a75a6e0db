// What decoding a request body into a built-in kind's Go structs finds, the
// way the real server's JSON decoder (sigs.k8s.io/json, a case-sensitive fork
// of encoding/json) reports it: unknown fields as strict errors with their
// full path, and wrong types as `json: cannot unmarshal ... into Go struct
// field <Struct>.<path> of type <type>`. Go keeps the first type error it
// meets but stops at once when a custom unmarshaller (Time, Quantity,
// IntOrString) fails, so such an error wins: it is marked `abort`.
import { goTypeName } from './client-node.js';
import { goBase64Error, goTimeParseError, goValueKind, isPlainObject, isQuantity, QUANTITY_FORMAT_ERROR } from './go-text.js';
import { modelSchema, type ModelSchema, type TypeSpec } from './schema.js';

/** StatusCause reason marking an error of decoding (answered 400), not of validation (422). */
export const DECODE_ERROR = 'DecodeError';

export interface GoTypeError {
  /** The error text the decoder returns. */
  message: string;
  /** Dotted JSON path of the field (Go's error context: no indexes, no map keys). */
  field: string;
  abort: boolean;
}

export interface GoFindings {
  unknown: string[];
  typeErrors: GoTypeError[];
}

interface Ctx {
  /** Strict-error path: `spec.containers[0].ports`. */
  path: string;
  /** Go's error context: innermost struct and the field names from the root. */
  struct: string;
  stack: string[];
  out: GoFindings;
}

/**
 * Walks `value` as the Go decoder would decode it into `model`. `prefix` roots
 * the reported paths (`metadata` when a custom resource's metadata is decoded
 * on its own, as the CRD handler does).
 */
export function decodeGo(model: ModelSchema, value: unknown, out: GoFindings, prefix = ''): void {
  const ctx: Ctx = { path: prefix, struct: '', stack: [], out };
  walk({ k: 'ref', key: model.key }, value, ctx);
}

function goType(t: TypeSpec): string {
  switch (t.k) {
    case 'string':
      return t.go ?? 'string';
    case 'bool':
      return 'bool';
    case 'int':
      return t.go ?? 'int64';
    case 'float':
      return 'float64';
    case 'bytes':
      return '[]uint8';
    case 'date':
      return t.micro ? 'v1.MicroTime' : 'v1.Time';
    case 'quantity':
      return 'resource.Quantity';
    case 'intstr':
      return 'intstr.IntOrString';
    case 'array':
      return `[]${goType(t.of)}`;
    case 'map':
      return `map[string]${goType(t.of)}`;
    case 'ref': {
      const g = goTypeName(t.key);
      return `${g.pkg}.${g.name}`;
    }
    default:
      return 'interface {}';
  }
}

function typeError(ctx: Ctx, valueKind: string, type: string, abort = false): void {
  const where = ctx.struct || ctx.stack.length ? `Go struct field ${ctx.struct}.${ctx.stack.join('.')}` : 'Go value';
  ctx.out.typeErrors.push({ message: `json: cannot unmarshal ${valueKind} into ${where} of type ${type}`, field: ctx.stack.join('.'), abort });
}

function plainError(ctx: Ctx, message: string): void {
  ctx.out.typeErrors.push({ message, field: ctx.stack.join('.'), abort: true });
}

const INT_RANGE = { int32: 2 ** 31, int64: 2 ** 63 };

function intOk(v: number, go: 'int32' | 'int64'): boolean {
  return Number.isInteger(v) && v >= -INT_RANGE[go] && v < INT_RANGE[go];
}

function walk(t: TypeSpec, v: unknown, ctx: Ctx): void {
  // null leaves any Go value at its zero value (or nil), without error.
  if (v === null || v === undefined) return;
  switch (t.k) {
    case 'any':
    case 'preserve':
    case 'meta':
      return;
    case 'string':
      if (typeof v !== 'string') typeError(ctx, goValueKind(v), goType(t));
      return;
    case 'bool':
      if (typeof v !== 'boolean') typeError(ctx, goValueKind(v), 'bool');
      return;
    case 'float':
      if (typeof v !== 'number') typeError(ctx, goValueKind(v), 'float64');
      return;
    case 'int': {
      const go = t.go ?? 'int64';
      if (typeof v !== 'number') typeError(ctx, goValueKind(v), go);
      else if (!intOk(v, go)) typeError(ctx, `number ${String(v)}`, go);
      return;
    }
    case 'bytes':
      if (typeof v === 'string') {
        const err = goBase64Error(v);
        if (err) ctx.out.typeErrors.push({ message: err, field: ctx.stack.join('.'), abort: false });
      } else if (!Array.isArray(v)) typeError(ctx, goValueKind(v), '[]uint8');
      return;
    case 'date':
      // metav1.Time unmarshals a JSON string itself; anything else fails inside it.
      if (typeof v !== 'string') typeError(ctx, goValueKind(v), 'string', true);
      else {
        const err = goTimeParseError(v, t.micro);
        if (err) plainError(ctx, err);
      }
      return;
    case 'quantity':
      if ((typeof v !== 'string' && typeof v !== 'number') || !isQuantity(String(v).trim())) plainError(ctx, QUANTITY_FORMAT_ERROR);
      return;
    case 'intstr':
      if (typeof v === 'string') return;
      if (typeof v !== 'number') typeError(ctx, goValueKind(v), 'int32', true);
      else if (!intOk(v, 'int32')) typeError(ctx, `number ${String(v)}`, 'int32', true);
      return;
    case 'empty':
      if (!isPlainObject(v)) typeError(ctx, goValueKind(v), 'struct {}');
      else for (const k of Object.keys(v)) ctx.out.unknown.push(join(ctx.path, k));
      return;
    case 'array':
      if (!Array.isArray(v)) {
        typeError(ctx, goValueKind(v), goType(t));
        return;
      }
      v.forEach((item, i) => walk(t.of, item, { ...ctx, path: `${ctx.path}[${i}]` }));
      return;
    case 'map':
      if (!isPlainObject(v)) {
        typeError(ctx, goValueKind(v), goType(t));
        return;
      }
      for (const [k, item] of Object.entries(v)) walk(t.of, item, { ...ctx, path: join(ctx.path, k) });
      return;
    case 'ref':
      walkStruct(t, v, ctx);
      return;
  }
}

function walkStruct(t: { k: 'ref'; key: string }, v: unknown, ctx: Ctx): void {
  const model = modelSchema('client-node', t.key);
  if (!model) return;
  if (!isPlainObject(v)) {
    typeError(ctx, goValueKind(v), goType(t));
    return;
  }
  const struct = goTypeName(model.name).name;
  for (const [k, item] of Object.entries(v)) {
    const field = model.fields.get(k);
    const path = join(ctx.path, k);
    if (!field) {
      ctx.out.unknown.push(path);
      continue;
    }
    walk(field, item, { path, struct, stack: [...ctx.stack, k], out: ctx.out });
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
