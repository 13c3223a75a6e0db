// The whole simulated cluster: the API server plus what a real cluster runs
// on it (bootstrap namespaces and RBAC, and KubeVirt unless --flavor none).
import { ApiServer } from './api/server.js';

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
  log?: (line: string) => void;
}

export interface SimCluster {
  api: ApiServer;
  /** Mints a user bound to ClusterRoles (namespaced where given); returns its token. */
  mintUser(name: string, clusterRoles: { name: string; namespace?: string }[]): string;
  stop(): Promise<void>;
}

const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const api = new ApiServer({ port: opts.port, log: opts.log });
  await api.listen();
  for (const name of [...BOOTSTRAP_NAMESPACES, opts.namespace ?? 'virtwork']) {
    if (!api.client.get('namespaces', undefined, name)) api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  return {
    api,
    mintUser: (name, clusterRoles) => api.auth.mintUser(name, clusterRoles),
    stop: () => api.stop(),
  };
}
