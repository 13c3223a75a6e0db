// SelfSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1),
// what `kubectl auth can-i` and `kubectl auth can-i --list` post. The access
// review answers with the request echoed and status set from the authorizer
// chain; the rules review answers with a fresh object (empty spec) listing the
// user's RBAC rules in the namespace.
import { badRequest } from '../errors.js';
import type { JsonObject, UserInfo } from '../types.js';
import type { RbacAuthorizer } from './rbac.js';
import { AUTHZ_GROUP, validateSelfSubjectAccessReview } from './review-validation.js';
import type { Attributes } from './rule-match.js';

type Obj = Record<string, unknown>;

const RESOURCE_ATTRIBUTE_FIELDS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The attributes as the typed object carries them back: known fields only, empty ones omitted. */
function echoResourceAttributes(ra: Obj): JsonObject {
  const out: JsonObject = {};
  for (const f of RESOURCE_ATTRIBUTE_FIELDS) if (str(ra[f])) out[f] = str(ra[f]);
  for (const f of ['fieldSelector', 'labelSelector'] as const) if (obj(ra[f])) out[f] = structuredClone(ra[f]) as JsonObject;
  return out;
}

function echoNonResourceAttributes(na: Obj): JsonObject {
  const out: JsonObject = {};
  if (str(na.path)) out.path = str(na.path);
  if (str(na.verb)) out.verb = str(na.verb);
  return out;
}

/** Metadata of a review that is never stored: what was sent, with the null creationTimestamp Go serialises. */
function reviewMetadata(sent: unknown): JsonObject {
  const m = (obj(sent) ? structuredClone(sent) : {}) as JsonObject;
  if (!('creationTimestamp' in m)) m.creationTimestamp = null;
  return m;
}

/** Answers a decoded SelfSubjectAccessReview for `user`; throws 422 for an invalid one. */
export function selfSubjectAccessReview(authz: RbacAuthorizer, user: UserInfo, body: unknown): JsonObject {
  const review = obj(body) ?? {};
  validateSelfSubjectAccessReview(review);
  const spec = obj(review.spec)!;
  const ra = obj(spec.resourceAttributes);
  const na = obj(spec.nonResourceAttributes) ?? {};
  const attrs: Attributes = ra
    ? {
        resourceRequest: true,
        verb: str(ra.verb),
        apiGroup: str(ra.group),
        resource: str(ra.resource),
        subresource: str(ra.subresource),
        namespace: str(ra.namespace),
        name: str(ra.name),
      }
    : { resourceRequest: false, verb: str(na.verb), path: str(na.path) };
  const decision = authz.authorize(user, attrs);
  // RBAC never denies outright, so `denied` (omitempty) never appears; `allowed` always does.
  const status: JsonObject = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: `${AUTHZ_GROUP}/v1`,
    metadata: reviewMetadata(review.metadata),
    spec: ra ? { resourceAttributes: echoResourceAttributes(ra) } : { nonResourceAttributes: echoNonResourceAttributes(na) },
    status,
  };
}

/** Answers a decoded SelfSubjectRulesReview for `user`; 400 without spec.namespace, as the real server. */
export function selfSubjectRulesReview(authz: RbacAuthorizer, user: UserInfo, body: unknown): JsonObject {
  const namespace = str(obj(obj(body)?.spec)?.namespace);
  if (!namespace) throw badRequest('no namespace on request');
  const rules = authz.rulesFor(user, namespace);
  const status: JsonObject = {
    resourceRules: rules.resourceRules as unknown as JsonObject[],
    nonResourceRules: rules.nonResourceRules as unknown as JsonObject[],
    incomplete: rules.incomplete,
  };
  if (rules.evaluationError) status.evaluationError = rules.evaluationError;
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: `${AUTHZ_GROUP}/v1`,
    metadata: { creationTimestamp: null },
    spec: {},
    status,
  };
}
