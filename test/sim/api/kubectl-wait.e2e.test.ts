// `kubectl wait --for=jsonpath` and `--for=delete` with kubectl 1.27, 1.32 and
// 1.33: GET, LIST and WATCH with fieldSelector=metadata.name=N, which the
// server must apply to the watch for a write to another object not to count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/sim/api/types.js';
import { type BareServer, bareServer } from '../../helpers/api-server.js';
import { sleep } from '../../helpers/https.js';

let s: BareServer;

const create = (name: string, labels: Record<string, string> = {}, ns = 'virtwork', extra: Partial<KubeObject> = {}) =>
  s.api.client.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, ...extra });
const modify = (name: string, fn: (o: KubeObject) => KubeObject, ns = 'virtwork') => s.api.client.modify('configmaps', ns, name, fn);

beforeAll(async () => {
  s = await bareServer();
});
afterAll(() => s.stop());

describe.each([{ minor: 27 }, { minor: undefined }, { minor: 33 }])('kubectl 1.$minor wait --for=jsonpath', ({ minor }) => {
  const tag = String(minor ?? 32);

  it('returns as soon as a later write makes the field match', async () => {
    create(`wait-${tag}`, {}, 'virtwork', { data: { phase: 'Pending' } } as Partial<KubeObject>);
    const waiting = s.kubectl(['wait', `--for=jsonpath={.data.phase}=Running`, `configmap/wait-${tag}`, '-n', 'virtwork', '--timeout=20s'], { minor });
    await sleep(700);
    // A write to another object must not wake it (the server filters the watch by name).
    create(`wait-${tag}-other`, {}, 'virtwork', { data: { phase: 'Running' } } as Partial<KubeObject>);
    modify(`wait-${tag}`, (o) => ({ ...o, data: { phase: 'Running' } }));
    const started = Date.now();
    const r = await waiting;
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`configmap/wait-${tag} condition met`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('times out with exit 1 when the field never matches', async () => {
    create(`wait-never-${tag}`, {}, 'virtwork', { data: { phase: 'Pending' } } as Partial<KubeObject>);
    const r = await s.kubectl(['wait', `--for=jsonpath={.data.phase}=Running`, `configmap/wait-never-${tag}`, '-n', 'virtwork', '--timeout=2s'], { minor });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`timed out waiting for the condition on configmaps/wait-never-${tag}`);
  });

  it('--for=delete returns once the object is gone', async () => {
    create(`wait-del-${tag}`);
    const waiting = s.kubectl(['wait', '--for=delete', `configmap/wait-del-${tag}`, '-n', 'virtwork', '--timeout=20s'], { minor });
    await sleep(700);
    s.api.client.delete('configmaps', 'virtwork', `wait-del-${tag}`);
    const r = await waiting;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`configmap/wait-del-${tag} condition met`);
  });
});
