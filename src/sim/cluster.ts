// The whole simulated cluster: the API server plus what a real cluster runs
// on it (bootstrap namespaces and RBAC, nodes, and KubeVirt unless the flavour
// is `none`), seeded with a virtwork fleet.
import { ApiServer } from './api/server.js';
import { KubeVirtSim, registerKubeVirtKinds } from './kubevirt/install.js';
import { seedNodes } from './kubevirt/nodes.js';

export interface SimClusterOptions {
  port?: number;
  nodes?: number;
  vms?: number;
  namespace?: string;
  kubevirtVersion?: string;
  flavor?: 'kubevirt' | 'openshift' | 'none';
  speed?: number;
  seed?: number;
  failureRate?: number;
  rwx?: boolean;
  evictionStrategy?: 'None' | 'LiveMigrate' | 'LiveMigrateIfPossible' | 'External';
  /** Run the chaos-migration controller VM's real script (default true). */
  runControllerVms?: boolean;
  /** Extra environment for that script (tests shorten its periods). */
  controllerEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface SimCluster {
  api: ApiServer;
  /** Undefined on a cluster without KubeVirt. */
  kubevirt: KubeVirtSim | undefined;
  /** The virtwork run id of the seeded fleet. */
  runId: string | undefined;
  /** Mints a user bound to ClusterRoles (namespaced where given); returns its token. */
  mintUser(name: string, clusterRoles: { name: string; namespace?: string }[]): string;
  stop(): Promise<void>;
}

const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The Kubernetes release a KubeVirt release typically runs on (capped at what kubectl here knows). */
export function kubernetesVersionFor(kubevirtVersion: string): string {
  const m = /^v?1\.(\d+)/.exec(kubevirtVersion);
  const minor = Math.min(33, 27 + Number(m?.[1] ?? 6));
  return `v1.${minor}.5`;
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const flavor = opts.flavor ?? 'kubevirt';
  const kubevirtVersion = opts.kubevirtVersion ?? 'v1.7.1';
  const log = opts.log ?? (() => {});
  const kubernetesVersion = flavor === 'openshift' ? 'v1.33.5' : kubernetesVersionFor(kubevirtVersion);
  const api = new ApiServer({ port: opts.port, log, kubernetesVersion });
  let kubevirt: KubeVirtSim | undefined;
  if (flavor !== 'none') {
    registerKubeVirtKinds(api, flavor);
    kubevirt = new KubeVirtSim(api, {
      version: kubevirtVersion,
      flavor,
      failureRate: opts.failureRate ?? 0.05,
      evictionStrategy: opts.evictionStrategy,
      speed: opts.speed ?? 1,
      seed: opts.seed ?? Date.now() % 2 ** 31,
      log,
      runControllerVms: opts.runControllerVms,
      controllerEnv: opts.controllerEnv,
    });
  }
  await api.listen();
  const namespace = opts.namespace ?? 'virtwork';
  for (const name of [...BOOTSTRAP_NAMESPACES, namespace]) {
    if (!api.client.get('namespaces', undefined, name)) api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  seedNodes(api.client, opts.nodes ?? 3, { flavor: flavor === 'openshift' ? 'openshift' : 'kubevirt', kubeletVersion: kubernetesVersion, kubevirt: Boolean(kubevirt) });
  let runId: string | undefined;
  if (kubevirt) {
    kubevirt.start();
    if ((opts.vms ?? 10) > 0) runId = kubevirt.seed({ namespace, count: opts.vms ?? 10, rwx: opts.rwx ?? false });
  }
  log(`sim: cluster up at ${api.url} (flavor ${flavor}${kubevirt ? `, KubeVirt ${kubevirt.ctx.gitVersion}` : ''})`);
  return {
    api,
    kubevirt,
    runId,
    mintUser: (name, clusterRoles) => api.auth.mintUser(name, clusterRoles),
    stop: async () => {
      kubevirt?.stop();
      await api.stop();
    },
  };
}
