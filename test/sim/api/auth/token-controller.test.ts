import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator } from '../../../../src/sim/api/auth/authenticator.js';
import { KEYS } from '../../../../src/sim/api/auth/rbac-types.js';
import { TokenSigner } from '../../../../src/sim/api/auth/sa-token.js';
import { TokenController } from '../../../../src/sim/api/auth/token-controller.js';
import type { SystemClient } from '../../../../src/sim/api/system-client.js';
import { makeClusterTls } from '../../../../src/sim/api/tls.js';
import { testCluster } from './cluster.js';

const { caPem } = await makeClusterTls();

const controllers: TokenController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.stop();
});

function setup() {
  const { client } = testCluster();
  const signer = new TokenSigner();
  const controller = new TokenController(client, signer, { caPem });
  controllers.push(controller);
  controller.start();
  const auth = new Authenticator(client, signer);
  return { client, controller, auth };
}

const serviceAccount = (client: SystemClient, name: string) =>
  client.create(KEYS.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'virtwork' } });

const tokenSecret = (client: SystemClient, name: string, sa: string) =>
  client.create(KEYS.secrets, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name, namespace: 'virtwork', annotations: { 'kubernetes.io/service-account.name': sa } },
  });

const decoded = (v: unknown) => Buffer.from(String(v), 'base64').toString('utf8');

describe('tokens controller', () => {
  it('fills token, ca.crt, namespace and the uid annotation after the create has returned', async () => {
    const { client, controller, auth } = setup();
    const sa = serviceAccount(client, 'chaos');
    const created = tokenSecret(client, 'chaos-token', 'chaos');
    // Like the real controller, it works after the write: the created object has no token yet.
    expect(created.data).toBeUndefined();
    await controller.idle();
    const s = client.get(KEYS.secrets, 'virtwork', 'chaos-token')!;
    const data = s.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['ca.crt', 'namespace', 'token']);
    expect(decoded(data.namespace)).toBe('virtwork');
    expect(new X509Certificate(decoded(data['ca.crt'])).ca).toBe(true);
    expect(decoded(data.token).split('.')).toHaveLength(3);
    expect(s.metadata.annotations?.['kubernetes.io/service-account.uid']).toBe(sa.metadata.uid);
    expect(auth.authenticate(decoded(data.token))?.name).toBe('system:serviceaccount:virtwork:chaos');
  });

  it('deletes a token Secret whose ServiceAccount does not exist', async () => {
    const { client, controller } = setup();
    tokenSecret(client, 'orphan', 'nobody');
    await controller.idle();
    expect(client.get(KEYS.secrets, 'virtwork', 'orphan')).toBeUndefined();
  });

  it('deletes the token Secrets of a deleted ServiceAccount, revoking the token', async () => {
    const { client, controller, auth } = setup();
    serviceAccount(client, 'chaos');
    tokenSecret(client, 'chaos-token', 'chaos');
    await controller.idle();
    const token = decoded((client.get(KEYS.secrets, 'virtwork', 'chaos-token')!.data as Record<string, string>).token);
    expect(auth.authenticate(token)).toBeDefined();
    client.delete(KEYS.serviceAccounts, 'virtwork', 'chaos');
    // Revoked at once by the authenticator's uid check, and the Secret goes too.
    expect(auth.authenticate(token)).toBeUndefined();
    await controller.idle();
    expect(client.get(KEYS.secrets, 'virtwork', 'chaos-token')).toBeUndefined();
  });

  it('keeps a token it did not write, and leaves other Secrets alone', async () => {
    const { client, controller } = setup();
    serviceAccount(client, 'chaos');
    client.create(KEYS.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'preset', namespace: 'virtwork', annotations: { 'kubernetes.io/service-account.name': 'chaos' } },
      stringData: { token: 'handmade' },
    });
    client.create(KEYS.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain', namespace: 'virtwork' }, stringData: { a: 'b' } });
    await controller.idle();
    const preset = client.get(KEYS.secrets, 'virtwork', 'preset')!.data as Record<string, string>;
    expect(decoded(preset.token)).toBe('handmade');
    expect(preset['ca.crt']).toBeDefined();
    expect(Object.keys(client.get(KEYS.secrets, 'virtwork', 'plain')!.data as object)).toEqual(['a']);
  });

  it('processes token Secrets that existed before it started', async () => {
    const { client } = testCluster();
    serviceAccount(client, 'chaos');
    tokenSecret(client, 'early', 'chaos');
    const controller = new TokenController(client, new TokenSigner(), { caPem });
    controllers.push(controller);
    controller.start();
    await controller.idle();
    expect((client.get(KEYS.secrets, 'virtwork', 'early')!.data as Record<string, string>).token).toBeTruthy();
  });
});
