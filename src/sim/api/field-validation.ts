// Server-side field validation of a write (fieldValidation=Strict|Warn|Ignore)
// against the kind's typed model, answered as the real server answers.
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
}
