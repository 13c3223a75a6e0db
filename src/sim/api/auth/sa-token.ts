// Legacy (Secret-based) ServiceAccount tokens: JWTs with the claims the real
// tokens controller puts in them (issuer `kubernetes/serviceaccount`, the
// namespace, Secret name, ServiceAccount name and uid, subject). The
// authenticator trusts only tokens this signer produced, so a hand-written
// `data.token` authenticates nobody, as on a real cluster. The signature is
// keyed (HMAC, stretched to an RS256-sized 256 bytes) rather than RSA: nothing
// outside the server verifies it, and it keeps signing and checking cheap.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export interface LegacyTokenClaims {
  namespace: string;
  secretName: string;
  serviceAccountName: string;
  serviceAccountUid: string;
}

const CLAIM = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  serviceAccountName: 'kubernetes.io/serviceaccount/service-account.name',
  serviceAccountUid: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class TokenSigner {
  private readonly key: Buffer;
  /** Key id in the JWT header, as the real signer derives one from its public key. */
  readonly kid: string;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
    this.kid = createHmac('sha256', key).update('kid').digest('base64url').slice(0, 43);
  }

  private signature(signingInput: string): Buffer {
    const parts: Buffer[] = [];
    for (let i = 0; i < 8; i++) parts.push(createHmac('sha256', this.key).update(`${i}.${signingInput}`).digest());
    return Buffer.concat(parts);
  }

  sign(c: LegacyTokenClaims): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', kid: this.kid }));
    const payload = b64url(
      JSON.stringify({
        iss: LEGACY_ISSUER,
        [CLAIM.namespace]: c.namespace,
        [CLAIM.secretName]: c.secretName,
        [CLAIM.serviceAccountName]: c.serviceAccountName,
        [CLAIM.serviceAccountUid]: c.serviceAccountUid,
        sub: `system:serviceaccount:${c.namespace}:${c.serviceAccountName}`,
      }),
    );
    const input = `${header}.${payload}`;
    return `${input}.${b64url(this.signature(input))}`;
  }

  /** The claims of a token this signer issued, or undefined for anything else. */
  verify(token: string): LegacyTokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, sig] = parts as [string, string, string];
    const expected = this.signature(`${header}.${payload}`);
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const out = {
      namespace: claims[CLAIM.namespace],
      secretName: claims[CLAIM.secretName],
      serviceAccountName: claims[CLAIM.serviceAccountName],
      serviceAccountUid: claims[CLAIM.serviceAccountUid],
    };
    if (claims.iss !== LEGACY_ISSUER || Object.values(out).some((v) => typeof v !== 'string' || v === '')) return undefined;
    if (claims.sub !== `system:serviceaccount:${out.namespace}:${out.serviceAccountName}`) return undefined;
    return out as LegacyTokenClaims;
  }
}
