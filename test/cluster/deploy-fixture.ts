// Shared by the deploy, teardown and control tests: a simulated cluster that
// runs the real controller script (with its periods shortened), a Connection
// to it as the product makes one, and small readers of what is deployed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, connect } from '../../src/cluster/connection.js';
import { COMPONENT, LABEL_COMPONENT, LABEL_MANAGED_BY, MANAGED_BY } from '../../src/cloudinit/names.js';
import { parseSettings, type Settings, type SettingsInput } from '../../src/cloudinit/settings.js';
import type { SimClusterOptions } from '../../src/sim/cluster.js';
import { type TestCluster, testCluster } from '../helpers/sim.js';

export const NS = 'virtwork';

/** A 1 s heartbeat/config tick and migration poll: confirmations and heartbeats come within ~2 s. */
export const FAST_ENV = { MIGRATION_TICK: '1', MIGRATION_POLL: '1' };

/** Kinds deploy creates, as kubectl names them. */
export const DEPLOYED_KINDS = 'serviceaccounts,secrets,configmaps,roles,rolebindings,virtualmachines,virtualmachineinstances';
export const SELECTOR = `${LABEL_COMPONENT}=${COMPONENT},${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export interface DeployCluster {
  t: TestCluster;
  conn: Connection;
  log: string[];
  /** A kubeconfig file for another user, minted with these ClusterRoles. */
  userKubeconfig(user: string, roles: { name: string; namespace?: string }[]): string;
  /** A Connection as another user (minted with ClusterRoles). */
  connectAs(user: string, roles: { name: string; namespace?: string }[]): Connection;
  /** `kind/name` of every object labelled like deploy's (optionally with a run id), from kubectl. */
  labelled(runId?: string, kinds?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function deployCluster(opts: SimClusterOptions = {}): Promise<DeployCluster> {
  const log: string[] = [];
  const t = await testCluster({
    nodes: 3,
    vms: 3,
    speed: 20,
    failureRate: 0,
    seed: 11,
    ...opts,
    controllerEnv: { ...FAST_ENV, ...opts.controllerEnv },
    log: (line) => log.push(line),
  });
  const conn = connect({ kubeconfig: t.kubeconfigPath, namespace: NS });
  const dir = mkdtempSync(join(tmpdir(), 'deploy-test-'));
  const userKubeconfig = (user: string, roles: { name: string; namespace?: string }[]) => {
    const token = t.cluster.mintUser(user, roles);
    const path = join(dir, `${user}.kubeconfig`);
    t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor(user, token));
    return path;
  };
  return {
    t,
    conn,
    log,
    userKubeconfig,
    connectAs: (user, roles) => connect({ kubeconfig: userKubeconfig(user, roles), namespace: NS }),
    async labelled(runId, kinds = DEPLOYED_KINDS) {
      const selector = runId ? `${SELECTOR},virtwork/run-id=${runId}` : SELECTOR;
      const r = await t.kubectl(['get', kinds, '-n', NS, '-l', selector, '-o', 'name']);
      if (r.exitCode !== 0) throw new Error(`kubectl get exited ${r.exitCode}: ${r.stderr}`);
      return r.stdout.split('\n').filter(Boolean).sort();
    },
    stop: () => t.stop(),
  };
}

/** Settings for a test deploy: a fixed run id and 1..2 s between migrations unless overridden. */
export function testSettings(runId: string, extra: SettingsInput = {}): Settings {
  return parseSettings({ runId, migrationIntervalMin: 1, migrationIntervalMax: 2, namespace: NS, ...extra });
}

/** Polls until fn returns something truthy. */
export async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
