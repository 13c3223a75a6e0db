// Authentication and authorization of the simulated API server, in one import.
export { selfSubjectAccessReview, selfSubjectRulesReview } from './access-review.js';
export { AggregationController, aggregatedRules } from './aggregation-controller.js';
export {
  ANONYMOUS,
  Authenticator,
  type AuthenticatorOptions,
  CLUSTER_ADMIN,
  INVALID_SINCE_LABEL,
  LAST_USED_LABEL,
  SA_NAME_ANNOTATION,
  SA_TOKEN_SECRET_TYPE,
  SA_UID_ANNOTATION,
  type TokenSink,
} from './authenticator.js';
export { bootstrapClusterRoleBindings, bootstrapClusterRoles, ensureBootstrapPolicy } from './bootstrap.js';
export { EscalationGuard, type WriteOptions } from './escalation.js';
export { forbiddenError, forbiddenSentence } from './forbidden.js';
export { type Decision, RbacAuthorizer, isPrivileged } from './rbac.js';
export { KEYS, type PolicyRule } from './rbac-types.js';
export type { Attributes, NonResourceAttributes, ResourceAttributes } from './rule-match.js';
export { TokenSigner } from './sa-token.js';
export { type ObjectReader, type WatchableReader, readerFromStore } from './source.js';
export { TokenController, type TokenControllerOptions } from './token-controller.js';
export { type MintUserSpec, mintUser } from './users.js';
export { attributesOf, authorizeRequestInfo } from './request-authz.js';
