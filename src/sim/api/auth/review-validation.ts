// Validation of SelfSubjectAccessReview bodies with the real field errors
// (pkg/apis/authorization/validation), including field.Invalid's `%#v`
// rendering of the internal Go value it complains about.
import { StatusError, type StatusCause } from '../errors.js';
import { aggregateMessage, goQuote, goStructString } from './go-format.js';

export const AUTHZ_GROUP = 'authorization.k8s.io';

type Obj = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function goStringMap(v: unknown): string {
  if (!v || typeof v !== 'object') return 'map[string]string(nil)';
  const entries = Object.entries(v as Obj).sort(([a], [b]) => (a < b ? -1 : 1));
  return `map[string]string{${entries.map(([k, x]) => `${goQuote(k)}:${goQuote(str(x))}`).join(', ')}}`;
}

function goStringSlice(v: unknown): string {
  return Array.isArray(v) ? `[]string{${v.map((x) => goQuote(str(x))).join(', ')}}` : '[]string(nil)';
}

/** `%#v` of a metav1.ObjectMeta (managedFields already cleared, as the validator does). */
export function goObjectMeta(m: Obj): string {
  const gen = typeof m.generation === 'number' ? m.generation : 0;
  const created = m.creationTimestamp ? `time.Date(${goDate(String(m.creationTimestamp))})` : 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)';
  const fields = [
    `Name:${goQuote(str(m.name))}`,
    `GenerateName:${goQuote(str(m.generateName))}`,
    `Namespace:${goQuote(str(m.namespace))}`,
    `SelfLink:${goQuote(str(m.selfLink))}`,
    `UID:${goQuote(str(m.uid))}`,
    `ResourceVersion:${goQuote(str(m.resourceVersion))}`,
    `Generation:${gen}`,
    `CreationTimestamp:v1.Time{Time:${created}}`,
    // Go prints a nested non-nil pointer as its address; any address reads the same to a person.
    `DeletionTimestamp:${m.deletionTimestamp ? '(*v1.Time)(0xc000a1e0c0)' : '(*v1.Time)(nil)'}`,
    `DeletionGracePeriodSeconds:${typeof m.deletionGracePeriodSeconds === 'number' ? '(*int64)(0xc000a1e0d8)' : '(*int64)(nil)'}`,
    `Labels:${goStringMap(m.labels)}`,
    `Annotations:${goStringMap(m.annotations)}`,
    `OwnerReferences:${Array.isArray(m.ownerReferences) ? `[]v1.OwnerReference{...}` : '[]v1.OwnerReference(nil)'}`,
    `Finalizers:${goStringSlice(m.finalizers)}`,
    'ManagedFields:[]v1.ManagedFieldsEntry(nil)',
  ];
  return `v1.ObjectMeta{${fields.join(', ')}}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function goDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '1, time.January, 1, 0, 0, 0, 0, time.UTC';
  // metav1.Time decodes into the server's local zone (UTC in the apiserver's container).
  return `${d.getUTCFullYear()}, time.${MONTHS[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, 0, time.Local`;
}

/** Go's zero values: what decodes to an empty ObjectMeta field. */
function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  return typeof v === 'object' && Object.keys(v as Obj).length === 0;
}

/** metadata is "empty" when every field but managedFields is a zero value (a null creationTimestamp included). */
function metadataIsEmpty(m: Obj): boolean {
  return Object.entries(m).every(([k, v]) => k === 'managedFields' || isZero(v));
}

function invalidCause(field: string, value: string, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field };
}

/** Throws the 422 a real server answers for an invalid SelfSubjectAccessReview. */
export function validateSelfSubjectAccessReview(body: Obj): void {
  const spec = (body.spec && typeof body.spec === 'object' ? body.spec : {}) as Obj;
  const res = spec.resourceAttributes && typeof spec.resourceAttributes === 'object' ? (spec.resourceAttributes as Obj) : undefined;
  const nonRes = spec.nonResourceAttributes && typeof spec.nonResourceAttributes === 'object' ? (spec.nonResourceAttributes as Obj) : undefined;
  const causes: StatusCause[] = [];
  if (res && nonRes) {
    const v = goStructString('authorization.NonResourceAttributes', [['Path', str(nonRes.path)], ['Verb', str(nonRes.verb)]]);
    causes.push(invalidCause('spec.nonResourceAttributes', v, 'cannot be specified in combination with resourceAttributes'));
  }
  if (!res && !nonRes) {
    causes.push(invalidCause('spec.resourceAttributes', '"null"', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  const meta = (body.metadata && typeof body.metadata === 'object' ? body.metadata : {}) as Obj;
  if (!metadataIsEmpty(meta)) {
    const { managedFields: _mf, ...rest } = meta;
    causes.push(invalidCause('metadata', goObjectMeta(rest), 'must be empty'));
  }
  if (causes.length === 0) return;
  const list = aggregateMessage(causes.map((c) => `${c.field}: ${c.message}`));
  throw new StatusError(422, 'Invalid', `SelfSubjectAccessReview.${AUTHZ_GROUP} "" is invalid: ${list}`, {
    group: AUTHZ_GROUP,
    kind: 'SelfSubjectAccessReview',
    causes,
  });
}
