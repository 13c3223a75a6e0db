// Bearer-token authentication, as a kube-apiserver with static tokens, legacy
// ServiceAccount tokens and anonymous auth enabled does it. Every lookup is
// O(1): static and minted tokens in a map; a ServiceAccount token carries its
// Secret's and ServiceAccount's names in signed claims, so checking it takes
// two keyed reads (the Secret must still hold exactly this token, the
// ServiceAccount must still exist with the uid the token was issued for).
import type { SystemClient } from '../system-client.js';
import type { KubeObject, UserInfo } from '../types.js';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  KEYS,
  SERVICE_ACCOUNTS_GROUP,
  SYSTEM_MASTERS,
  serviceAccountUsername,
} from './rbac-types.js';
import type { TokenSigner } from './sa-token.js';
import type { ObjectReader } from './source.js';

export const SA_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
/** Set by the legacy-token cleaner on tokens it is retiring; such tokens stop authenticating. */
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
/** The date (UTC, YYYY-MM-DD) a legacy token last authenticated, kept by the apiserver. */
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';

/** The kubeconfig user of a kubeadm/kind cluster. */
export const CLUSTER_ADMIN: UserInfo = { name: 'kubernetes-admin', groups: [SYSTEM_MASTERS, ALL_AUTHENTICATED] };
/** Who a request without credentials is, with anonymous auth on (the kube-apiserver default). */
export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] };

/** Somewhere tokens can be registered: the Authenticator, for mintUser. */
export interface TokenSink {
  addToken(token: string, user: UserInfo): void;
}

export interface AuthenticatorOptions {
  /** Treat requests without a bearer token as system:anonymous (default true, as kube-apiserver). */
  anonymous?: boolean;
  /** When given, legacy tokens get the last-used label written on use, as the real apiserver does. */
  writer?: Pick<SystemClient, 'modify'>;
  /** Clock for the last-used label (tests). */
  now?: () => Date;
}

function decodeData(secret: KubeObject, key: string): string | undefined {
  const v = (secret.data as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

/** The authenticated-group adder: every authenticated user is in system:authenticated. */
function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes(ALL_AUTHENTICATED) ? u : { ...u, groups: [...u.groups, ALL_AUTHENTICATED] };
}

export class Authenticator implements TokenSink {
  private readonly tokens = new Map<string, UserInfo>();
  private readonly anonymous: boolean;

  constructor(
    private readonly reader: ObjectReader,
    private readonly signer: TokenSigner,
    private readonly opts: AuthenticatorOptions = {},
  ) {
    this.anonymous = opts.anonymous ?? true;
  }

  /** Registers a static token (the admin's, or a minted user's). */
  addToken(token: string, user: UserInfo): void {
    if (!token) throw new Error('empty token');
    this.tokens.set(token, { ...user, groups: [...user.groups] });
  }

  removeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** The user a bearer token identifies, or undefined (answer 401). */
  authenticate(token: string): UserInfo | undefined {
    const known = this.tokens.get(token);
    if (known) return withAuthenticated(known);
    const sa = this.serviceAccountUser(token);
    return sa && withAuthenticated(sa);
  }

  /**
   * Authenticates from the Authorization header: no usable bearer token means
   * anonymous (when enabled), a bearer token that fails means undefined (401).
   */
  authenticateRequest(authorization: string | undefined): UserInfo | undefined {
    const parts = (authorization ?? '').trim().split(' ');
    if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') {
      return this.anonymous ? { ...ANONYMOUS, groups: [...ANONYMOUS.groups] } : undefined;
    }
    return this.authenticate(parts[1]!);
  }

  private serviceAccountUser(token: string): UserInfo | undefined {
    const claims = this.signer.verify(token);
    if (!claims) return undefined;
    const { namespace, secretName, serviceAccountName, serviceAccountUid } = claims;
    // Deleting the Secret (or replacing its token) revokes the token.
    const secret = this.reader.get(KEYS.secrets, namespace, secretName);
    if (!secret || secret.metadata.deletionTimestamp) return undefined;
    if (decodeData(secret, 'token') !== token) return undefined;
    // So does deleting the ServiceAccount, even if one of the same name is created again.
    const sa = this.reader.get(KEYS.serviceAccounts, namespace, serviceAccountName);
    if (!sa || sa.metadata.deletionTimestamp || sa.metadata.uid !== serviceAccountUid) return undefined;
    if (secret.metadata.labels?.[INVALID_SINCE_LABEL]) return undefined;
    this.markUsed(secret);
    return {
      name: serviceAccountUsername(namespace, serviceAccountName),
      uid: serviceAccountUid,
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`, ALL_AUTHENTICATED],
    };
  }

  private markUsed(secret: KubeObject): void {
    const writer = this.opts.writer;
    if (!writer) return;
    const now = this.opts.now?.() ?? new Date();
    const today = now.toISOString().slice(0, 10);
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    const last = secret.metadata.labels?.[LAST_USED_LABEL];
    if (last === today || last === tomorrow) return;
    try {
      writer.modify(KEYS.secrets, secret.metadata.namespace, secret.metadata.name!, (o) => {
        if (o.metadata.uid !== secret.metadata.uid) return undefined;
        o.metadata.labels = { ...(o.metadata.labels ?? {}), [LAST_USED_LABEL]: today };
        return o;
      });
    } catch {
      // The real server only logs a failed label write; authentication stands.
    }
  }
}
