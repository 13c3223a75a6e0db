// The product's view of a cluster, as the stores hold it. The cluster layer
// turns API objects into these (through the reducers); the TUI and the
// headless commands only read them. No I/O here.
import type { ControllerState, MigrationRecord as StatusRecord } from '../cloudinit/status-format.js';

/** What caused a migration, from its name, annotations and labels. */
export type MigrationCause = 'chaos' | 'evacuation' | 'workload-update' | 'other';

/** How a migration ended, or that it has not yet. */
export type MigrationOutcome = 'in-flight' | 'succeeded' | 'failed' | 'timeout' | 'aborted';

/** One VMI of the fleet, as the dashboard's table shows it. */
export interface FleetVmi {
  namespace: string;
  name: string;
  uid: string;
  /** virtwork's app.kubernetes.io/component, when it has one. */
  component?: string;
  /** All labels, for matching the operator's target selector. */
  labels?: Record<string, string>;
  /** virtwork/run-id label. */
  runId?: string;
  /** app.kubernetes.io/managed-by=virtwork. */
  virtwork: boolean;
  phase: string;
  node?: string;
  /** The node it ran on before its latest node change (seen by us or from migrationState). */
  previousNode?: string;
  /** Epoch ms of the latest node change we saw, for highlighting it for a few seconds. */
  nodeChangedAt?: number;
  ips: string[];
  /** The LiveMigratable condition: undefined while unknown. */
  migratable?: boolean;
  migratableReason?: string;
  /** The migration in flight for it, if any. */
  inFlight?: { uid: string; name: string; phase: string; targetNode?: string };
  /** Migrations of this VMI seen (history included). */
  migrations: number;
  /** Duration in seconds of its last finished migration. */
  lastDurationSec?: number;
  deleting: boolean;
  // Additive (src/state): what eligibility, the `m` key and IP correlation need.
  /** The VirtualMachine that owns it: `virtctl migrate` takes the VM's name. */
  vm?: string;
  /** Its IPs while on previousNode, when we saw it there. */
  previousIps?: string[];
  /** Label kubevirt.io/migrationTargetNodeName: a migration is handing it over. */
  migrationTargetNode?: string;
  /** status.migrationState as the VMI reports it (it persists after the migration). */
  migrationState?: VmiMigrationState;
}

/** status.migrationState of a VMI, as far as the product reads it. */
export interface VmiMigrationState {
  /** migrationUid: the VMIM uid it belongs to. */
  uid?: string;
  sourceNode?: string;
  targetNode?: string;
  sourcePod?: string;
  targetPod?: string;
  started?: string;
  ended?: string;
  completed: boolean;
  failed: boolean;
  failureReason?: string;
  abortStatus?: string;
}

/** One node as preflight and the dashboard judge it for VMs. */
export interface NodeView {
  name: string;
  /** The Ready condition is True. */
  ready: boolean;
  /** Ready, not cordoned, no NoSchedule/NoExecute taint, kubevirt.io/schedulable=true. */
  schedulable: boolean;
  /** Why it is not schedulable, in words ('' when it is). */
  reason: string;
}

/** One migration (a VMIM, or a controller record whose VMIM is gone), the unit of history and reports. */
export interface Migration {
  /** The VMIM's uid: the key that deduplicates history. */
  uid: string;
  name: string;
  namespace: string;
  vmi: string;
  cause: MigrationCause;
  /** virtwork/run-id label of the VMIM (our controller's runs). */
  runId?: string;
  /** Latest known VMIM phase ('' when only a status record is known). */
  phase: string;
  /** RFC3339 time each phase began (status.phaseTransitionTimestamps). */
  phaseTimes: Partial<Record<string, string>>;
  /** When it was created (the trigger time). */
  created: string;
  /** When memory transfer started (migrationState.startTimestamp). */
  started?: string;
  /** When it finished (Succeeded/Failed time or migrationState.endTimestamp). */
  ended?: string;
  sourceNode?: string;
  targetNode?: string;
  sourcePod?: string;
  targetPod?: string;
  outcome: MigrationOutcome;
  /**
   * Additive (src/state): who settled the outcome. 'vmim': a final VMIM phase;
   * 'controller': the controller's status record; 'inferred': the VMIM vanished
   * before a final phase was seen. Absent while in flight.
   */
  outcomeFrom?: 'vmim' | 'controller' | 'inferred';
  failureReason?: string;
  /** The VMI's IPs before and after (seen on the VMI around the migration). */
  ipsBefore?: string[];
  ipsAfter?: string[];
}

/** The controller as its status ConfigMap (and our reading of it) shows it. */
export interface ControllerView {
  /** False until the status ConfigMap has been seen; absent controller = 'absent'. */
  present: boolean;
  state?: ControllerState;
  /** Epoch ms of the last heartbeat. */
  heartbeatAt?: number;
  /** Epoch ms of the next planned migration. */
  nextMigrationAt?: number;
  currentMigration?: string;
  currentVmi?: string;
  paused: boolean;
  dryRun: boolean;
  /** The effective settings line, parsed. */
  settings: Record<string, string>;
  counters: { succeeded: number; failed: number; timeouts: number; skipped: number; consecutiveFailures: number };
  runId?: string;
  /** resourceVersion of the config ConfigMap the controller last applied. */
  configResourceVersion?: string;
  /** The controller's own records (newest last), for backfilling history. */
  records: StatusRecord[];
}

/** A watch event as the cluster layer delivers it to the reducers, in batches. */
export interface ObjectEvent<T = Record<string, unknown>> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/** Where a watched resource stands: the dashboard says when data may be stale. */
export interface WatchHealth {
  resource: string;
  connected: boolean;
  /** Epoch ms of the last event or successful (re)list. */
  lastSync?: number;
  /** The last error, in one sentence. */
  error?: string;
  restarts: number;
}
