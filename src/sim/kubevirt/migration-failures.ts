// How each way a migration can fail shows, as KubeVirt v1.7 reports it
// (pkg/virt-controller/watch/migration/migration.go updateStatus and
// handlePendingPodTimeout, pkg/virt-handler/vm.go): which events land on the
// migration and on the VMI, and what the VMI's migrationState records. Only a
// migration the source virt-handler was running (or the controller had handed
// off) leaves a failureReason on the VMI.

export type Failure =
  /** The VMI went away. */
  | { kind: 'vmi-gone' }
  /** The VMI stopped running (shut down, failed). */
  | { kind: 'vmi-not-running' }
  /** The target virt-launcher pod died before it was ready (e.g. its compute container crashed). */
  | { kind: 'target-pod-failed' }
  /** The target pod stayed Pending past a timeout and was deleted. */
  | { kind: 'pod-timeout'; namespace: string; pod: string; unschedulable: boolean }
  /** The target pod went down after hand-off, before the transfer started. */
  | { kind: 'target-down' }
  /** The source virt-handler reported the transfer failed. */
  | { kind: 'handler'; reason: string }
  /** Deleted before hand-off: the controller cancels it (and deletes the target pod, if any). */
  | { kind: 'canceled'; namespace: string; pod?: string }
  /** Deleted after hand-off: the source aborts the transfer. */
  | { kind: 'aborted' };

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
}

export interface FailureReport {
  /** Events on the VirtualMachineInstanceMigration, in order. */
  onMigration: EventSpec[];
  /** The event on the VMI (virt-handler or virt-controller), if any; `{uid}` is the migration's uid. */
  onVmi?: EventSpec;
  /** What the VMI's migrationState records, when it knew of the migration. */
  failureReason?: string;
  /** The source aborted at the user's request (abortStatus Succeeded). */
  aborted?: boolean;
  /** migrationAbortRequested condition on the migration. */
  abortCondition?: boolean;
}

const CONTROLLER = 'virtualmachine-controller';
const HANDLER = 'virt-handler';
const failed = (message: string): EventSpec => ({ type: 'Warning', reason: 'FailedMigration', message, component: CONTROLLER });

/** What virt-handler's libvirt domain manager writes as the failure reason of an aborted migration (trailing space included). */
export const ABORTED_REASON = 'Live migration aborted ';

export function reportFailure(f: Failure): FailureReport {
  switch (f.kind) {
    case 'vmi-gone':
      return { onMigration: [failed('Migration failed because vmi does not exist.')] };
    case 'vmi-not-running':
      return { onMigration: [failed('Migration failed vmi shutdown during migration.')] };
    case 'target-pod-failed':
      return { onMigration: [failed('Migration failed because target pod shutdown during migration')] };
    case 'pod-timeout': {
      const what = f.unschedulable ? 'unschedulable pod' : 'pending pod';
      return {
        onMigration: [
          { type: 'Normal', reason: 'SuccessfulDelete', message: `${what} ${f.namespace}/${f.pod} timeout period exceeded`, component: CONTROLLER },
          failed('Migration target pod was removed during active migration.'),
        ],
      };
    }
    case 'target-down':
      return {
        onMigration: [failed('Migration failed because target pod shutdown during migration')],
        onVmi: { type: 'Warning', reason: 'FailedMigration', message: 'VirtualMachineInstance migration uid {uid} failed. reason: Target pod is down', component: CONTROLLER },
        failureReason: 'Target pod is down',
      };
    case 'handler':
      return {
        onMigration: [failed('source node reported migration failed')],
        onVmi: { type: 'Warning', reason: 'Migrated', message: `VirtualMachineInstance migration uid {uid} failed. reason:${f.reason}`, component: HANDLER },
        failureReason: f.reason,
      };
    case 'canceled': {
      const deleted: EventSpec[] = f.pod ? [{ type: 'Normal', reason: 'SuccessfulDelete', message: `migration canceled and pod ${f.namespace}/${f.pod} is deleted`, component: CONTROLLER }] : [];
      return { onMigration: [...deleted, failed('Migration failed due to being canceled')], abortCondition: true };
    }
    case 'aborted':
      return {
        onMigration: [failed('source node reported migration failed')],
        onVmi: { type: 'Warning', reason: 'Migrated', message: `VirtualMachineInstance migration uid {uid} failed. reason:${ABORTED_REASON}`, component: HANDLER },
        failureReason: ABORTED_REASON,
        aborted: true,
        abortCondition: true,
      };
  }
}

/** Failure reasons virt-handler reports for a transfer that fails (libvirt's and KubeVirt's own wording). */
export const TRANSFER_FAILURES = [
  "Live migration failed error encountered during MigrateToURI3 libvirt api call: virError(Code=1, Domain=7, Message='internal error: unable to execute QEMU command 'migrate': Failed to connect to target')",
  'Live migration stuck for 150 sec and has been aborted',
  'Live migration is not completed after 300 sec and has been aborted',
];
