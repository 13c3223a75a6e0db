// Starts a simulated cluster for a test file and gives it kubectl and client-node.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type SimCluster, type SimClusterOptions, startSimCluster } from '../../src/sim/cluster.js';
import { kubectlRunner } from './kubectl.js';

export interface TestCluster {
  cluster: SimCluster;
  kubeconfigPath: string;
  kubectl: ReturnType<typeof kubectlRunner>;
  kc: KubeConfig;
  stop(): Promise<void>;
}

export async function testCluster(opts: SimClusterOptions = {}): Promise<TestCluster> {
  const cluster = await startSimCluster({ ...opts });
  const dir = mkdtempSync(join(tmpdir(), 'sim-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  cluster.api.writeKubeconfig(kubeconfigPath);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return { cluster, kubeconfigPath, kubectl: kubectlRunner(kubeconfigPath), kc, stop: () => cluster.stop() };
}
