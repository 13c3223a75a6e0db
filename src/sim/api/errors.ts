// Kubernetes Status errors, with the reasons, codes and message forms a real
// kube-apiserver uses, so that kubectl and client-node print and branch on them
// exactly as they would against a cluster.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  /** Extra HTTP headers to send with the error (Retry-After, for example). */
  readonly headers: Record<string, string>;

  constructor(code: number, reason: string, message: string, details?: StatusDetails, headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
  }

  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      code: this.code,
    };
    // Admission webhooks deny with no reason; kubectl then prints `Error from server: ...`.
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }
}

/** What an error message names: `configmaps` or `virtualmachines.kubevirt.io`. */
export interface ResourceRef {
  group: string;
  resource: string;
}

export function qualified(r: ResourceRef): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export function notFound(r: ResourceRef, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group || undefined, kind: r.resource });
}

export function alreadyExists(r: ResourceRef, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group || undefined, kind: r.resource });
}

export function conflict(r: ResourceRef, name: string, why: string): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

export function staleConflict(r: ResourceRef, name: string): StatusError {
  return conflict(r, name, STALE_OBJECT);
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <field>: <message>[, ...]`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const what = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message ?? '')).join(', ');
  const message = causes.length === 1 ? `${what} "${name}" is invalid: ${list}` : `${what} "${name}" is invalid: [${list}]`;
  return new StatusError(422, 'Invalid', message, { name, group: group || undefined, kind, causes });
}

export function fieldRequired(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

export function fieldInvalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field };
}

export function fieldForbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

export function badRequest(message: string, causes?: StatusCause[]): StatusError {
  return new StatusError(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function forbidden(r: ResourceRef, name: string, why: string): StatusError {
  const subject = name ? `${qualified(r)} "${name}"` : qualified(r);
  return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${why}`, { name: name || undefined, group: r.group || undefined, kind: r.resource });
}

export function forbiddenNonResource(user: string, verb: string, path: string): StatusError {
  return new StatusError(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): StatusError {
  return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

/** The body's media type is not one the server decodes; the real message lists what it takes and not what it got. */
export function unsupportedMediaType(_contentType?: string): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
}

export function notAcceptable(): StatusError {
  return new StatusError(406, 'NotAcceptable', 'the server was unable to respond with a content type that the client supports');
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function serviceUnavailable(message = 'the server is currently unable to handle the request'): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message, { retryAfterSeconds: 1 }, { 'Retry-After': '1' });
}

export function tooManyRequests(): StatusError {
  return new StatusError(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', {
    retryAfterSeconds: 1,
  }, { 'Retry-After': '1' });
}

export function asStatusError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return internalError(msg);
}
