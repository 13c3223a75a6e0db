// ObjectMeta validation and the fields the server stamps, with the real
// apimachinery messages.
import { randomBytes, randomUUID } from 'node:crypto';
import { type StatusCause, fieldInvalid, fieldRequired } from './errors.js';
import type { ResourceType } from './resource-type.js';
import { validLabelKey, validLabelValue } from '../../k8s/selectors.js';
import type { ObjectMeta } from './types.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** Problems with a name, as the real name validators word them (empty when valid). */
export function nameProblems(rt: ResourceType, name: string): string[] {
  if (rt.nameIsPathSegment) {
    if (name === '.' || name === '..') return [`may not be '${name}'`];
    const bad = ['/', '%'].find((c) => name.includes(c));
    return bad ? [`may not contain '${bad}'`] : [];
  }
  if (rt.nameIsLabel) {
    const out: string[] = [];
    if (name.length > 63) out.push('must be no more than 63 characters');
    if (!DNS1123_LABEL.test(name)) out.push(LABEL_MESSAGE);
    return out;
  }
  const out: string[] = [];
  if (name.length > 253) out.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(name)) out.push(SUBDOMAIN_MESSAGE);
  return out;
}

const LABEL_KEY_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Validates metadata common to every kind; returns causes for a 422. */
export function validateObjectMeta(rt: ResourceType, meta: ObjectMeta, op: 'create' | 'update'): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!meta.name) {
    if (op === 'create' && !meta.generateName) causes.push({ ...fieldRequired('metadata.name'), message: 'Required value: name or generateName is required' });
  } else {
    for (const p of nameProblems(rt, meta.name)) causes.push(fieldInvalid('metadata.name', meta.name, p));
  }
  if (rt.namespaced && !meta.namespace) causes.push(fieldRequired('metadata.namespace'));
  if (!rt.namespaced && meta.namespace) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: not allowed on this type', field: 'metadata.namespace' });
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (!validLabelKey(k)) causes.push(fieldInvalid('metadata.labels', k, LABEL_KEY_MESSAGE));
    if (typeof v !== 'string' || !validLabelValue(v)) causes.push(fieldInvalid('metadata.labels', v, LABEL_VALUE_MESSAGE));
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (!validLabelKey(k)) causes.push(fieldInvalid('metadata.annotations', k, LABEL_KEY_MESSAGE));
    annotationBytes += k.length + String(v).length;
  }
  if (annotationBytes > TOTAL_ANNOTATION_SIZE_LIMIT) {
    causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`, field: 'metadata.annotations' });
  }
  for (const [i, f] of (meta.finalizers ?? []).entries()) {
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/.test(f) || (!f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f))) {
      causes.push(fieldInvalid(`metadata.finalizers[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  for (const [i, o] of (meta.ownerReferences ?? []).entries()) {
    if (!o.apiVersion) causes.push(fieldInvalid(`metadata.ownerReferences[${i}].apiVersion`, o.apiVersion ?? '', 'version must not be empty'));
    if (!o.kind) causes.push(fieldInvalid(`metadata.ownerReferences[${i}].kind`, o.kind ?? '', 'kind must not be empty'));
    if (!o.name) causes.push(fieldInvalid(`metadata.ownerReferences[${i}].name`, o.name ?? '', 'name must not be empty'));
    if (!o.uid) causes.push(fieldInvalid(`metadata.ownerReferences[${i}].uid`, o.uid ?? '', 'uid must not be empty'));
  }
  return causes;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` + 5 random characters, the base cut to 58 characters, as the real name generator does. */
export function generateName(base: string): string {
  const cut = base.length > 58 ? base.slice(0, 58) : base;
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += GENERATE_ALPHABET[b % GENERATE_ALPHABET.length];
  return cut + suffix;
}

export function newUid(): string {
  return randomUUID();
}

/** RFC 3339 time with second precision, as metav1.Time serialises. */
export function timestamp(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 time with microsecond precision, as metav1.MicroTime serialises. */
export function microTimestamp(d: Date = new Date()): string {
  return d.toISOString().replace(/Z$/, '000Z');
}
