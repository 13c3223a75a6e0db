// Users for tests and demos: a name (and groups) with a bearer token, given
// ClusterRoles through ordinary bindings, so that everything they can and
// cannot do comes from RBAC exactly as for a real user. A namespace admin is
// `{ name: 'alice', clusterRoles: [{ name: 'admin', namespace: 'virtwork' }] }`.
import { randomBytes } from 'node:crypto';
import { StatusError } from '../errors.js';
import type { SystemClient } from '../system-client.js';
import type { KubeObject } from '../types.js';
import type { TokenSink } from './authenticator.js';
import { KEYS, RBAC_GROUP, subjectsOf } from './rbac-types.js';

export interface MintUserSpec {
  name: string;
  groups?: string[];
  /** Each ClusterRole is bound in `namespace` by a RoleBinding, or cluster-wide by a ClusterRoleBinding. */
  clusterRoles: { name: string; namespace?: string }[];
  /** A fixed token (default: 32 random bytes, base64url). */
  token?: string;
}

/** Binding names are RBAC path segments: anything but '/' and '%'. */
function bindingName(user: string, role: string): string {
  return `${user}:${role}`.replace(/[/%]/g, '-');
}

function bind(client: SystemClient, user: string, role: string, namespace: string | undefined): void {
  const key = namespace ? KEYS.roleBindings : KEYS.clusterRoleBindings;
  const name = bindingName(user, role);
  const subject = { kind: 'User', apiGroup: RBAC_GROUP, name: user };
  const obj: KubeObject = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects: [subject],
  };
  try {
    client.create(key, obj);
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
    // Minting the same user again: make sure the existing binding names them.
    client.modify(key, namespace, name, (live) => {
      if (subjectsOf(live).some((s) => s.kind === 'User' && s.name === user)) return undefined;
      live.subjects = [...((live.subjects as unknown[] | undefined) ?? []), subject] as never;
      return live;
    });
  }
}

/** Binds the user's ClusterRoles, registers their token with `tokens`, and returns the token. */
export function mintUser(client: SystemClient, tokens: TokenSink, spec: MintUserSpec): string {
  for (const r of spec.clusterRoles) bind(client, spec.name, r.name, r.namespace);
  const token = spec.token ?? randomBytes(32).toString('base64url');
  tokens.addToken(token, { name: spec.name, groups: [...(spec.groups ?? [])] });
  return token;
}
