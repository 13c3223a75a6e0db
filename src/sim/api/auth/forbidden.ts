// The 403 a kube-apiserver answers when no authorizer allows a request
// (apiserver responsewriters.Forbidden): `<resource>.<group> "<name>" is
// forbidden: User "<user>" cannot <verb> resource "<resource>[/<sub>]" in API
// group "<group>" in the namespace "<ns>"` (or `at the cluster scope`), the
// name part only when the URL names an object, `: <reason>` when the
// authorizer gave one; `forbidden: User "<user>" cannot <verb> path "<path>"`
// for non-resource paths.
import { StatusError, forbidden } from '../errors.js';
import type { UserInfo } from '../types.js';
import { goQuote } from './go-format.js';
import type { Attributes } from './rule-match.js';

/** The real server escapes these so that an error can never read as HTML. */
function sanitize(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The `User ... cannot ...` sentence, without the `<resource> is forbidden: ` prefix. */
export function forbiddenSentence(user: UserInfo | undefined, attrs: Attributes): string {
  const who = goQuote(user?.name ?? '');
  if (!attrs.resourceRequest) return sanitize(`User ${who} cannot ${attrs.verb} path ${goQuote(attrs.path)}`);
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace ${goQuote(attrs.namespace)}` : 'at the cluster scope';
  return sanitize(`User ${who} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.apiGroup)} ${scope}`);
}

/** The StatusError to answer a denied request with. `reason` is the authorizer's (usually empty). */
export function forbiddenError(user: UserInfo | undefined, attrs: Attributes, reason = ''): StatusError {
  const why = forbiddenSentence(user, attrs) + (reason ? `: ${reason}` : '');
  if (!attrs.resourceRequest) return new StatusError(403, 'Forbidden', `forbidden: ${why}`, {});
  return forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name ?? '', why);
}
