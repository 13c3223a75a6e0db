// `sim`: runs the simulated cluster in the foreground for kubectl, the TUI and demos.
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { SimClusterOptions } from '../sim/cluster.js';
import { UsageError } from './errors.js';
import { InvalidArgumentError } from 'commander';
import { choiceOption, integerOption, numberOption } from './parse.js';

interface SimFlags {
  port: number;
  kubeconfigOut?: string;
  nodes: number;
  vms: number;
  namespace: string;
  kubevirtVersion: string;
  flavor: 'kubevirt' | 'openshift' | 'none';
  speed: number;
  seed?: number;
  failureRate: number;
  rwx: boolean;
  log?: string;
  user?: string;
  userRoles?: string;
  userKubeconfigOut?: string;
}

/** The KubeVirt releases the simulator knows (what differs between them is modelled from v1.1 to v1.7). */
export function kubevirtVersionOption(value: string): string {
  const m = /^v?(1)\.([1-7])(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`--kubevirt-version must be a KubeVirt release from v1.1 to v1.7 (e.g. v1.7.1), got "${value}".`);
  return `v${m[1]}.${m[2]}.${m[3] ?? '0'}`;
}

/** `admin@virtwork,kubevirt.io:migrate@virtwork,view` -> ClusterRole bindings (namespaced where @ns is given). */
export function parseUserRoles(spec: string): { name: string; namespace?: string }[] {
  return spec.split(',').map((part) => {
    const [name, namespace] = part.trim().split('@');
    if (!name) throw new UsageError(`--user-roles: "${part}" names no ClusterRole; use ROLE[@NAMESPACE][,ROLE[@NAMESPACE]...], e.g. admin@virtwork.`);
    return namespace ? { name, namespace } : { name };
  });
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('Run the simulated Kubernetes + KubeVirt cluster in the foreground (for kubectl, the TUI and demos)')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', integerOption('--port', { min: 0, max: 65535 }), 0)
    .option('--kubeconfig-out <file>', 'where to write the admin kubeconfig (default: a file in a temp dir)')
    .option('--nodes <n>', 'worker nodes', integerOption('--nodes', { min: 1, max: 1000 }), 3)
    .option('--vms <n>', 'virtwork VMs to seed (components round-robin: cpu, memory, disk, database, network)', integerOption('--vms', { min: 0, max: 100000 }), 10)
    .option('-n, --namespace <ns>', 'namespace of the seeded VMs', 'virtwork')
    .option('--kubevirt-version <v>', 'KubeVirt version to simulate (v1.1 to v1.7)', kubevirtVersionOption, 'v1.7.1')
    .option('--flavor <flavor>', 'kubevirt (upstream), openshift (OpenShift Virtualization) or none (no KubeVirt)', choiceOption('--flavor', ['kubevirt', 'openshift', 'none'] as const), 'kubevirt')
    .option('--speed <factor>', 'time speed-up of migrations and lifecycles (1 = realistic)', numberOption('--speed', { min: 0.01, max: 10000 }), 1)
    .option('--seed <n>', 'random seed for reproducible runs', integerOption('--seed'))
    .option('--failure-rate <rate>', 'share of migrations that fail (0..1)', numberOption('--failure-rate', { min: 0, max: 1 }), 0.05)
    .option('--rwx', 'give disk and database VMs ReadWriteMany storage (live-migratable)', false)
    .option('--log <file>', 'write controller logs to FILE instead of stderr')
    .option('--user <name>', 'also mint a non-admin user with --user-roles')
    .option('--user-roles <roles>', 'ClusterRoles for --user: ROLE[@NAMESPACE],... (e.g. admin@virtwork)')
    .option('--user-kubeconfig-out <file>', "where to write --user's kubeconfig")
    .action(async (flags: SimFlags) => {
      if ((flags.user === undefined) !== (flags.userRoles === undefined) || (flags.userKubeconfigOut !== undefined && flags.user === undefined)) {
        throw new UsageError('--user, --user-roles and --user-kubeconfig-out go together: e.g. --user alice --user-roles admin@virtwork --user-kubeconfig-out alice.kubeconfig');
      }
      const logStream = flags.log ? createWriteStream(flags.log, { flags: 'a' }) : undefined;
      const log = (line: string) => (logStream ?? process.stderr).write(`${new Date().toISOString()} ${line}\n`);
      const opts: SimClusterOptions = {
        port: flags.port,
        nodes: flags.nodes,
        vms: flags.vms,
        namespace: flags.namespace,
        kubevirtVersion: flags.kubevirtVersion,
        flavor: flags.flavor,
        speed: flags.speed,
        seed: flags.seed,
        failureRate: flags.failureRate,
        rwx: flags.rwx,
        log,
      };
      // The simulator is loaded only when this command runs: the CLI starts fast.
      const { startSimCluster } = await import('../sim/cluster.js');
      const cluster = await startSimCluster(opts);
      const kubeconfig = flags.kubeconfigOut ?? join(mkdtempSync(join(tmpdir(), 'virtwork-sim-')), 'kubeconfig');
      cluster.api.writeKubeconfig(kubeconfig);
      if (flags.user && flags.userRoles) {
        const token = cluster.mintUser(flags.user, parseUserRoles(flags.userRoles));
        const out = flags.userKubeconfigOut ?? join(tmpdir(), `virtwork-sim-${flags.user}.kubeconfig`);
        cluster.api.writeKubeconfig(out, cluster.api.kubeconfigFor(flags.user, token));
        log(`sim: user ${flags.user} kubeconfig=${out}`);
      }
      process.stdout.write(`ready ${cluster.api.url} kubeconfig=${kubeconfig}\n`);
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await cluster.stop();
      logStream?.end();
    });
}
