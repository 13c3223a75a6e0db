// What a custom resource's request meets in the real server: its metadata is
// decoded into a Go ObjectMeta (decode errors, `metadata.x` unknown fields);
// the rest is pruned against the CRD's structural schema (unknown fields,
// sorted, `spec.a[0].b` paths) and then validated by kube-openapi, whose
// errors become 422 causes such as
//   spec.running: Invalid value: "string": spec.running in body must be of type boolean: "string"
// A null under an object field is dropped before validation (the server prunes
// non-nullable nulls), so only nulls inside arrays are type errors.
import type { StatusCause } from '../errors.js';
import { decodeGo, type GoFindings } from './decode-go.js';
import { isPlainObject, isQuantity, jsonTypeName, QUANTITY_PATTERN } from './go-text.js';
import { modelSchema, type ModelSchema, type TypeSpec } from './schema.js';

export interface CrdFindings {
  /** Metadata decode findings, reported like a built-in's. */
  meta: GoFindings;
  /** Pruned paths. */
  unknown: string[];
  /** 422 causes in the order the walk met them (type, pattern and required errors). */
  causes: StatusCause[];
}

interface Ctx {
  pkg: ModelSchema['pkg'];
  out: CrdFindings;
}

export function checkCustomResource(model: ModelSchema, value: unknown): CrdFindings {
  const out: CrdFindings = { meta: { unknown: [], typeErrors: [] }, unknown: [], causes: [] };
  walk({ k: 'ref', key: model.key }, value, '', { pkg: model.pkg, out });
  out.unknown.sort();
  return out;
}

/** The schema type name kube-openapi prints for an expected type. */
function schemaType(t: TypeSpec): string {
  switch (t.k) {
    case 'string':
    case 'date':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'int':
      return 'integer';
    case 'float':
      return 'number';
    case 'quantity':
    case 'intstr':
      return 'integer,string';
    case 'array':
      return 'array';
    default:
      return 'object';
  }
}

function typeInvalid(ctx: Ctx, path: string, expected: string, actual: string): void {
  const detail = `${path} in body must be of type ${expected}: ${JSON.stringify(actual)}`;
  ctx.out.causes.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: ${JSON.stringify(actual)}: ${detail}`, field: path });
}

function matches(t: TypeSpec, v: unknown): boolean {
  const actual = jsonTypeName(v);
  switch (t.k) {
    case 'any':
      return true;
    case 'string':
    case 'date':
      return actual === 'string';
    case 'bool':
      return actual === 'boolean';
    case 'int':
      return actual === 'integer';
    case 'float':
      return actual === 'integer' || actual === 'number';
    case 'quantity':
    case 'intstr':
      return actual === 'integer' || actual === 'string';
    case 'array':
      return actual === 'array';
    default:
      return actual === 'object';
  }
}

/** The `date-time` format as the CRD validator checks it (time zone optional, `t`/`z` in any case). */
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/;

function walk(t: TypeSpec, v: unknown, path: string, ctx: Ctx): void {
  if (t.k === 'meta') {
    // Decoded on its own into metav1.ObjectMeta, with a `metadata` path prefix
    // for unknown fields but error contexts relative to ObjectMeta.
    if (v !== null && v !== undefined) {
      const meta = modelSchema('client-node', 'V1ObjectMeta');
      if (meta) decodeGo(meta, v, ctx.out.meta, 'metadata');
    }
    return;
  }
  if (!matches(t, v)) {
    typeInvalid(ctx, path, schemaType(t), jsonTypeName(v));
    return;
  }
  switch (t.k) {
    case 'date':
      if (!DATE_TIME.test(v as string)) {
        const detail = `${path} in body must be of type date-time: ${JSON.stringify(v)}`;
        ctx.out.causes.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: ${JSON.stringify(v)}: ${detail}`, field: path });
      }
      return;
    case 'quantity':
      if (typeof v === 'string' && !isQuantity(v)) {
        const detail = `${path} in body should match '${QUANTITY_PATTERN}'`;
        ctx.out.causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: ${detail}`, field: path });
      }
      return;
    case 'empty':
      for (const k of Object.keys(v as object)) ctx.out.unknown.push(join(path, k));
      return;
    case 'array':
      (v as unknown[]).forEach((item, i) => {
        const p = `${path}[${i}]`;
        if (item === null) typeInvalid(ctx, p, schemaType(t.of), 'null');
        else walk(t.of, item, p, ctx);
      });
      return;
    case 'map':
      for (const [k, item] of Object.entries(v as object)) if (item !== null) walk(t.of, item, join(path, k), ctx);
      return;
    case 'ref':
      walkObject(t.key, v as Record<string, unknown>, path, ctx);
      return;
    default:
      // string, bool, int, float, intstr, any, preserve: the type check was all.
      return;
  }
}

function walkObject(key: string, v: Record<string, unknown>, path: string, ctx: Ctx): void {
  const model = modelSchema(ctx.pkg, key);
  if (!model || !isPlainObject(v)) return;
  for (const r of model.required) {
    if (v[r] === undefined || v[r] === null) ctx.out.causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: join(path, r) });
  }
  for (const [k, item] of Object.entries(v)) {
    const field = model.fields.get(k);
    if (!field) {
      // The resource root keeps apiVersion, kind and metadata whatever the schema says.
      if (!(path === '' && (k === 'apiVersion' || k === 'kind' || k === 'metadata'))) ctx.out.unknown.push(join(path, k));
      continue;
    }
    if (item === null || item === undefined) continue;
    walk(field, item, join(path, k), ctx);
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
