// The errors a kube-apiserver answers for patches that cannot be applied,
// with its codes, reasons and wording (apiserver handlers/patch.go and
// apimachinery mergepatch).
import { StatusError, badRequest, invalid, fieldInvalid } from '../errors.js';
import { goFormat, goJsonKind, goTypeName } from './go-json.js';

/**
 * A JSON patch that decodes but cannot be applied (failed `test`, missing
 * path, bad op): the server wraps the library error in a generic 422 whose
 * message does not carry the cause.
 */
export function patchRejected(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** An error that reached the handler as a plain Go error: 500 with no reason. */
export function plainError(message: string): StatusError {
  return new StatusError(500, '', message);
}

/** encoding/json refusing a value of the wrong shape for a Go type. */
export function cannotUnmarshal(v: unknown, goType: string, prefix = ''): StatusError {
  return badRequest(`${prefix}json: cannot unmarshal ${goJsonKind(v)} into Go value of type ${goType}`);
}

/** The patched document is not an object, so it cannot become the stored kind. */
export function notAnObject(result: unknown): StatusError {
  return invalid('', '', '', [fieldInvalid('patch', JSON.stringify(result), `json: cannot unmarshal ${goJsonKind(result)} into Go value of type map[string]interface {}`)]);
}

// mergepatch's sentinel errors, by the status the handler maps them to.
export const ErrBadPatchFormatForPrimitiveList = () => badRequest('invalid patch format of primitive list');
export const ErrBadPatchFormatForRetainKeys = () => badRequest('invalid patch format of retainKeys');
export const ErrBadPatchFormatForSetElementOrderList = () => badRequest('invalid patch format of setElementOrder list');
export const ErrNoListOfLists = () => patchRejected();

export function errNoMergeKey(m: unknown, key: string): StatusError {
  return plainError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

export function errBadArgType(expected: string, actual: unknown): StatusError {
  const t = actual === null || actual === undefined ? '%!s(<nil>)' : goTypeName(actual);
  return plainError(`expected a ${expected}, but received a ${t}`);
}

export function errBadPatchType(t: unknown, m: unknown): StatusError {
  return plainError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);
}
