// ListOptions validation for LIST and WATCH, with apimachinery's rules and
// wording: failures are one 422 Invalid against ListOptions.meta.k8s.io,
// every problem a cause (selectors that do not parse are 400s, elsewhere).
import { type StatusCause, invalid } from './errors.js';

export interface ListOptionsInput {
  watch: boolean;
  resourceVersion: string | undefined;
  resourceVersionMatch: string | undefined;
  continue: string | undefined;
  sendInitialEvents: boolean | undefined;
}

const forbidden = (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` });
const notSupported = (field: string, value: string, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  field,
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

function watchCauses(o: ListOptionsInput): StatusCause[] {
  const out: StatusCause[] = [];
  const match = o.resourceVersionMatch ?? '';
  // The watch-list feature is on, as in Kubernetes 1.32+.
  if (o.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    out.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match) {
    if (o.sendInitialEvents === undefined) out.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') out.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if (o.continue) out.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return out;
}

function listCauses(o: ListOptionsInput): StatusCause[] {
  const out: StatusCause[] = [];
  const match = o.resourceVersionMatch ?? '';
  if (match) {
    if (!o.resourceVersion) out.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (o.continue) out.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') out.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && o.resourceVersion === '0') out.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (o.sendInitialEvents !== undefined) out.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return out;
}

/** Throws the real 422 when the options do not hold together. */
export function validateListOptions(o: ListOptionsInput): void {
  const causes = o.watch ? watchCauses(o) : listCauses(o);
  if (causes.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', causes);
}

/** Reads the options from a query string. */
export function listOptionsOf(q: URLSearchParams, watch: boolean): ListOptionsInput {
  const sie = q.get('sendInitialEvents');
  return {
    watch,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
    continue: q.get('continue') ?? undefined,
    sendInitialEvents: sie === null ? undefined : sie === 'true',
  };
}
