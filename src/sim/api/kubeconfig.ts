// Kubeconfigs for the simulated cluster: the admin's, and minted users'.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  /** The cluster CA, PEM. */
  caPem: string;
  token: string;
  user: string;
  clusterName?: string;
  namespace?: string;
}

export function kubeconfigObject(k: KubeconfigSpec): Record<string, unknown> {
  const cluster = k.clusterName ?? 'virtwork-sim';
  const context = `${k.user}@${cluster}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: cluster, cluster: { server: k.server, 'certificate-authority-data': Buffer.from(k.caPem).toString('base64') } },
    ],
    users: [{ name: k.user, user: { token: k.token } }],
    contexts: [{ name: context, context: { cluster, user: k.user, ...(k.namespace ? { namespace: k.namespace } : {}) } }],
    'current-context': context,
  };
}

export function kubeconfigYaml(k: KubeconfigSpec): string {
  return stringify(kubeconfigObject(k));
}

export function writeKubeconfig(path: string, k: KubeconfigSpec): void {
  writeFileSync(path, kubeconfigYaml(k), { mode: 0o600 });
}
