import { describe, expect, it } from 'vitest';
import { ANONYMOUS, Authenticator, CLUSTER_ADMIN, LAST_USED_LABEL } from '../../../../src/sim/api/auth/authenticator.js';
import { KEYS } from '../../../../src/sim/api/auth/rbac-types.js';
import { TokenSigner } from '../../../../src/sim/api/auth/sa-token.js';
import { readerFromStore } from '../../../../src/sim/api/auth/source.js';
import type { SystemClient } from '../../../../src/sim/api/system-client.js';
import type { KubeObject } from '../../../../src/sim/api/types.js';
import { Seed } from './seed.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function setup(opts: { writer?: Pick<SystemClient, 'modify'>; now?: () => Date } = {}) {
  const seed = new Seed();
  const signer = new TokenSigner();
  const auth = new Authenticator(readerFromStore(seed.store), signer, opts);
  /** A token Secret as the tokens controller leaves it. */
  const tokenSecret = (sa: KubeObject, name: string, labels: Record<string, string> = {}) => {
    const ns = sa.metadata.namespace!;
    const token = signer.sign({ namespace: ns, secretName: name, serviceAccountName: sa.metadata.name!, serviceAccountUid: sa.metadata.uid! });
    seed.store.put(KEYS.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name,
        namespace: ns,
        uid: `uid-${name}`,
        labels,
        annotations: { 'kubernetes.io/service-account.name': sa.metadata.name!, 'kubernetes.io/service-account.uid': sa.metadata.uid! },
      },
      data: { token: b64(token), namespace: b64(ns) },
    });
    return token;
  };
  return { seed, signer, auth, tokenSecret };
}

describe('static tokens', () => {
  it('authenticates registered tokens and adds system:authenticated', () => {
    const { auth } = setup();
    auth.addToken('admin-token', CLUSTER_ADMIN);
    auth.addToken('alice-token', { name: 'alice', groups: ['devs'] });
    expect(auth.authenticate('admin-token')).toEqual({ name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    expect(auth.authenticate('alice-token')).toEqual({ name: 'alice', groups: ['devs', 'system:authenticated'] });
    expect(auth.authenticate('nope')).toBeUndefined();
    auth.removeToken('alice-token');
    expect(auth.authenticate('alice-token')).toBeUndefined();
  });

  it('treats a missing or non-bearer Authorization header as anonymous, and a bad bearer token as a failure', () => {
    const { auth } = setup();
    auth.addToken('t', { name: 'alice', groups: [] });
    expect(auth.authenticateRequest(undefined)).toEqual(ANONYMOUS);
    expect(auth.authenticateRequest('Basic YTpi')).toEqual(ANONYMOUS);
    expect(auth.authenticateRequest('Bearer ')).toEqual(ANONYMOUS);
    expect(auth.authenticateRequest('bearer t')?.name).toBe('alice');
    expect(auth.authenticateRequest('Bearer wrong')).toBeUndefined();
    const strict = new Authenticator(readerFromStore(new Seed().store), new TokenSigner(), { anonymous: false });
    expect(strict.authenticateRequest(undefined)).toBeUndefined();
  });
});

describe('legacy ServiceAccount tokens', () => {
  it('identify the ServiceAccount with its groups and uid', () => {
    const { seed, auth, tokenSecret } = setup();
    const sa = seed.serviceAccount('virtwork', 'chaos');
    const token = tokenSecret(sa, 'chaos-token');
    expect(auth.authenticate(token)).toEqual({
      name: 'system:serviceaccount:virtwork:chaos',
      uid: sa.metadata.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:virtwork', 'system:authenticated'],
    });
  });

  it('stop working when the ServiceAccount is deleted, even if one of the same name comes back', () => {
    const { seed, auth, tokenSecret } = setup();
    const sa = seed.serviceAccount('virtwork', 'chaos');
    const token = tokenSecret(sa, 'chaos-token');
    seed.store.remove(KEYS.serviceAccounts, 'virtwork', 'chaos');
    expect(auth.authenticate(token)).toBeUndefined();
    seed.serviceAccount('virtwork', 'chaos');
    expect(auth.authenticate(token)).toBeUndefined();
  });

  it('stop working when the Secret is deleted, is being deleted, or holds another token', () => {
    const { seed, auth, tokenSecret } = setup();
    const sa = seed.serviceAccount('virtwork', 'chaos');
    const first = tokenSecret(sa, 'a');
    const second = tokenSecret(sa, 'b');
    seed.store.remove(KEYS.secrets, 'virtwork', 'a');
    expect(auth.authenticate(first)).toBeUndefined();
    expect(auth.authenticate(second)?.name).toBe('system:serviceaccount:virtwork:chaos');
    const s = seed.store.get(KEYS.secrets, 'virtwork', 'b')!;
    seed.store.put(KEYS.secrets, { ...s, metadata: { ...s.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } });
    expect(auth.authenticate(second)).toBeUndefined();
    const replaced = tokenSecret(sa, 'c');
    const c = seed.store.get(KEYS.secrets, 'virtwork', 'c')!;
    seed.store.put(KEYS.secrets, { ...c, data: { token: b64('something-else') } });
    expect(auth.authenticate(replaced)).toBeUndefined();
  });

  it('do not accept a hand-written data.token, nor a token signed by another cluster', () => {
    const { seed, auth } = setup();
    const sa = seed.serviceAccount('virtwork', 'chaos');
    seed.store.put(KEYS.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'handmade', namespace: 'virtwork', annotations: { 'kubernetes.io/service-account.name': 'chaos' } },
      data: { token: b64('my-own-token') },
    });
    expect(auth.authenticate('my-own-token')).toBeUndefined();
    const foreign = new TokenSigner().sign({ namespace: 'virtwork', secretName: 'handmade', serviceAccountName: 'chaos', serviceAccountUid: sa.metadata.uid! });
    expect(auth.authenticate(foreign)).toBeUndefined();
  });

  it('refuse tokens marked invalid by the legacy token cleaner', () => {
    const { seed, auth, tokenSecret } = setup();
    const sa = seed.serviceAccount('virtwork', 'chaos');
    const token = tokenSecret(sa, 'old', { 'kubernetes.io/legacy-token-invalid-since': '2025-01-01' });
    expect(auth.authenticate(token)).toBeUndefined();
  });

  it('record the last-used date on the Secret once a day', () => {
    const writes: string[] = [];
    const { seed, tokenSecret, auth } = setup({
      now: () => new Date('2025-06-01T12:00:00Z'),
      writer: {
        modify: (key, ns, name, mutate) => {
          const cur = seed.store.get(key, ns, name)!;
          const next = mutate(structuredClone(cur));
          if (next) {
            writes.push(`${ns}/${name}`);
            seed.store.put(key, next);
          }
          return next;
        },
      },
    });
    const token = tokenSecret(seed.serviceAccount('virtwork', 'chaos'), 'chaos-token');
    expect(auth.authenticate(token)).toBeDefined();
    expect(auth.authenticate(token)).toBeDefined();
    expect(writes).toEqual(['virtwork/chaos-token']);
    expect(seed.store.get(KEYS.secrets, 'virtwork', 'chaos-token')!.metadata.labels?.[LAST_USED_LABEL]).toBe('2025-06-01');
  });
});
