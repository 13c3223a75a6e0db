// Server-side field validation of a write (fieldValidation=Strict|Warn|Ignore)
// against the kind's typed model, answered as the real server answers. Unknown
// fields that get through (Warn, Ignore) are dropped before the object is
// stored: a real server decodes built-in kinds into Go structs and prunes
// custom resources against their structural schema, so they never persist.
import type { ResourceType } from './resource-type.js';
import type { WriteContext } from './strategy.js';
import type { KubeObject } from './types.js';
import { fieldValidationAnswer, hasModel, validateAgainstModel } from './validation/index.js';

export function checkFieldValidation(rt: ResourceType, obj: KubeObject, ctx: WriteContext): void {
  if (!rt.model || !hasModel(rt.model)) return;
  const result = validateAgainstModel(rt.model, obj);
  if (ctx.duplicateFields?.length) result.duplicateFields = ctx.duplicateFields;
  const answer = fieldValidationAnswer(result, ctx.fieldValidation, {
    kind: rt.kind,
    version: rt.version,
    group: rt.group,
    name: obj.metadata?.name ?? '',
    custom: rt.custom,
  });
  if (answer.error) throw answer.error;
  ctx.warnings.push(...answer.warnings);
  for (const path of result.unknownFields) removePath(obj, path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Deletes the field a validator path names (`spec.ports[0].bogus`). Map keys
 * may contain dots, so at each object the longest key the path continues with wins.
 */
export function removePath(root: unknown, path: string): void {
  let node = root;
  let rest = path;
  while (rest) {
    if (Array.isArray(node)) {
      const m = /^\[(\d+)\]\.?/.exec(rest);
      if (!m) return;
      node = node[Number(m[1])];
      rest = rest.slice(m[0].length);
      continue;
    }
    if (!isObject(node)) return;
    const here = rest;
    const key = Object.keys(node)
      .filter((k) => here === k || here.startsWith(`${k}.`) || here.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return;
    if (rest === key) {
      delete node[key];
      return;
    }
    rest = rest.slice(key.length);
    if (rest.startsWith('.')) rest = rest.slice(1);
    node = node[key];
  }
}
