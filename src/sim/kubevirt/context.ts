// What every simulated KubeVirt controller shares: the cluster, time, the
// installed version and flavour, and the effective configuration.
import semver from 'semver';
import type { ApiServer } from '../api/server.js';
import type { SystemClient } from '../api/system-client.js';
import type { KubeObject } from '../api/types.js';
import type { SimClock } from './clock.js';
import type { EventRecorder } from './events.js';

export type Flavor = 'kubevirt' | 'openshift';

export interface KubeVirtOptions {
  /** A release, e.g. v1.7.1 (v1.1 to v1.7). */
  version: string;
  flavor: Flavor;
  /** Share (0..1) of migrations that fail. */
  failureRate: number;
  /** Cluster default eviction strategy (KubeVirt CR spec.configuration.evictionStrategy). */
  evictionStrategy?: 'None' | 'LiveMigrate' | 'LiveMigrateIfPossible' | 'External';
}

export interface MigrationLimits {
  parallelMigrationsPerCluster: number;
  parallelOutboundMigrationsPerNode: number;
  bandwidthPerMigration: string;
  completionTimeoutPerGiB: number;
  progressTimeout: number;
  allowPostCopy: boolean;
  allowAutoConverge: boolean;
  unsafeMigrationOverride: boolean;
  nodeDrainTaintKey: string;
}

/** KubeVirt's defaults for spec.configuration.migrations (v1.5-v1.7). */
export const MIGRATION_DEFAULTS: MigrationLimits = {
  parallelMigrationsPerCluster: 5,
  parallelOutboundMigrationsPerNode: 2,
  bandwidthPerMigration: '0Mi',
  completionTimeoutPerGiB: 150,
  progressTimeout: 150,
  allowPostCopy: false,
  allowAutoConverge: false,
  unsafeMigrationOverride: false,
  nodeDrainTaintKey: 'kubevirt.io/drain',
};

export const VMI_KEY = 'virtualmachineinstances.kubevirt.io';
export const VM_KEY = 'virtualmachines.kubevirt.io';
export const VMIM_KEY = 'virtualmachineinstancemigrations.kubevirt.io';
export const KUBEVIRT_KEY = 'kubevirts.kubevirt.io';
export const DV_KEY = 'datavolumes.cdi.kubevirt.io';

export class KubeVirtContext {
  readonly client: SystemClient;
  /** Where KubeVirt is installed and what its CR is called. */
  readonly installNamespace: string;
  readonly crName: string;
  readonly release: string;

  constructor(
    readonly api: ApiServer,
    readonly clock: SimClock,
    readonly options: KubeVirtOptions,
    readonly events: EventRecorder,
    readonly log: (line: string) => void,
  ) {
    this.client = api.client;
    const v = semver.coerce(options.version);
    if (!v) throw new Error(`not a KubeVirt version: ${options.version}`);
    this.release = `v${v.version}`;
    this.installNamespace = options.flavor === 'openshift' ? 'openshift-cnv' : 'kubevirt';
    this.crName = options.flavor === 'openshift' ? 'kubevirt-kubevirt-hyperconverged' : 'kubevirt';
  }

  /** True from KubeVirt 1.<minor> on. */
  atLeast(minor: number): boolean {
    return semver.gte(this.release, `1.${minor}.0`);
  }

  /** What `GET /apis/subresources.kubevirt.io/v1/version` reports: OpenShift builds are git-described. */
  get gitVersion(): string {
    return this.options.flavor === 'openshift' ? `${this.release}-23-g1a2b3c4d5e` : this.release;
  }

  kubevirtCr(): KubeObject | undefined {
    return this.client.get(KUBEVIRT_KEY, this.installNamespace, this.crName);
  }

  /** The migration configuration in effect: the CR's values over KubeVirt's defaults. */
  migrationLimits(): MigrationLimits {
    const cfg = (this.kubevirtCr()?.spec as { configuration?: { migrations?: Partial<MigrationLimits> } } | undefined)?.configuration?.migrations;
    return { ...MIGRATION_DEFAULTS, ...(cfg ?? {}) };
  }

  /** The cluster's default eviction strategy (the CR's, else None upstream). */
  defaultEvictionStrategy(): string {
    const cfg = (this.kubevirtCr()?.spec as { configuration?: { evictionStrategy?: string } } | undefined)?.configuration;
    return cfg?.evictionStrategy ?? 'None';
  }
}
