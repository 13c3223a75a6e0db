// The patch machinery of the simulated API server, as pure functions: none
// mutates its inputs. See each module for the behaviour it reproduces.
export { patchTypeFromContentType, type PatchType } from './content-type.js';
export { applyJsonPatch, type DecodeOptions } from './json-patch.js';
export { applyMergePatch } from './merge.js';
export { applyStrategicMergePatch } from './strategic.js';
export { updateManagedFields } from './managed-fields.js';
export { serverSideApply, LAST_APPLIED, type ApplyOptions } from './apply.js';
export { parseBody } from './go-json.js';
export { hasTable } from './schema.js';
