// A bare simulated API server with extra, test-only kinds (registered before
// listen(), as a CRD would be), for tests of custom-resource semantics that
// must not depend on the KubeVirt kinds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ALL_VERBS, type ResourceType } from '../../src/sim/api/resource-type.js';
import { ApiServer, type ApiServerOptions } from '../../src/sim/api/server.js';
import { kubectlRunner } from './kubectl.js';

/** A namespaced custom kind with a status subresource and no schema: widgets.chaos.example.com. */
export const WIDGET: ResourceType = {
  group: 'chaos.example.com',
  version: 'v1',
  resource: 'widgets',
  singular: 'widget',
  kind: 'Widget',
  namespaced: true,
  shortNames: ['wdg'],
  categories: ['all'],
  verbs: ALL_VERBS,
  subresources: ['status'],
  custom: true,
  tracksGeneration: true,
  printerColumns: [{ name: 'Phase', type: 'string', value: (o) => (o.status as { phase?: string } | undefined)?.phase }],
};

export interface BareServer {
  api: ApiServer;
  kubeconfigPath: string;
  kubectl: ReturnType<typeof kubectlRunner>;
  kc: KubeConfig;
  stop(): Promise<void>;
}

export async function bareServer(kinds: ResourceType[] = [WIDGET], opts: ApiServerOptions = {}): Promise<BareServer> {
  const api = new ApiServer(opts);
  for (const k of kinds) api.addKind(k);
  await api.listen();
  for (const name of ['default', 'virtwork']) api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'sim-bare-')), 'kubeconfig');
  api.writeKubeconfig(kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return { api, kubeconfigPath, kubectl: kubectlRunner(kubeconfigPath), kc, stop: () => api.stop() };
}
