// KubeVirt's admission webhooks for what this product meets: the migration
// mutator (selector label, finalizer) and validators (create: VMI exists, not
// final, live-migratable, no migration in flight; update: spec immutable,
// selector label kept), and the VM validator's run-strategy check. Denials
// read as the apiserver reports a webhook's denial.
import { StatusError } from '../api/errors.js';
import { timestamp } from '../api/object-meta.js';
import type { AdmissionRequest } from '../api/strategy.js';
import type { KubeObject } from '../api/types.js';
import { type KubeVirtContext, VMIM_KEY, VMI_KEY, VM_KEY } from './context.js';
import { MIGRATION_SELECTOR_LABEL, isFinalPhase, migrationIndex } from './migration-index.js';
import { FINAL_VMI_PHASES } from './vmi-status.js';

export { MIGRATION_SELECTOR_LABEL };

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const MIGRATION_FINALIZER = 'kubevirt.io/migrationJobFinalize';
export const FINAL_MIGRATION_PHASES = ['Succeeded', 'Failed'];
const CREATE_VALIDATOR = 'migration-create-validator.kubevirt.io';
const UPDATE_VALIDATOR = 'migration-update-validator.kubevirt.io';

/** A webhook's plain error denial: code 400, no reason (kubectl prints `Error from server: ...`). */
export function webhookDenial(webhook: string, message: string): StatusError {
  return new StatusError(400, '', `admission webhook "${webhook}" denied the request: ${message}`);
}

/** A webhook's denial with causes: 422 Invalid, the causes' messages joined as KubeVirt joins them. */
function webhookInvalid(webhook: string, causes: { type: string; message: string; field?: string }[]): StatusError {
  const joined = causes.map((c) => ` ${c.message}`).join('');
  return new StatusError(422, 'Invalid', `admission webhook "${webhook}" denied the request: ${joined}`, {
    causes: causes.map((c) => ({ reason: c.type, message: c.message, field: c.field })),
  });
}

export function isFinalMigration(m: KubeObject): boolean {
  return FINAL_MIGRATION_PHASES.includes((m as Any).status?.phase);
}

function validateCreate(ctx: KubeVirtContext, req: AdmissionRequest): void {
  const mig = req.object as Any;
  const vmiName: string | undefined = mig.spec?.vmiName;
  if (!vmiName) throw webhookInvalid(CREATE_VALIDATOR, [{ type: 'FieldValueRequired', message: 'vmiName is missing', field: 'spec.vmiName' }]);
  const ns = req.namespace!;
  const vmi = ctx.client.get(VMI_KEY, ns, vmiName) as Any | undefined;
  if (!vmi) throw webhookDenial(CREATE_VALIDATOR, `the VMI "${ns}/${vmiName}" does not exist`);
  if (FINAL_VMI_PHASES.includes(vmi.status?.phase)) throw webhookDenial(CREATE_VALIDATOR, 'Cannot migrate VMI in finalized state.');
  const live = (vmi.status?.conditions ?? []).find((c: Any) => c.type === 'LiveMigratable');
  if (live?.status === 'False') throw webhookDenial(CREATE_VALIDATOR, `Cannot migrate VMI, Reason: ${live.reason}, Message: ${live.message}`);
  // The webhook asks by the selector label, as KubeVirt does (migrationIndex is that informer query).
  const other = migrationIndex(ctx).ofVmi(ns, vmiName).find((e) => !isFinalPhase(e.phase));
  if (other) {
    throw webhookDenial(CREATE_VALIDATOR, `in-flight migration detected. Active migration job (${other.uid}) is currently already in progress for VMI ${vmiName}.`);
  }
}

function validateUpdate(req: AdmissionRequest): void {
  if (req.subresource === 'status') return;
  const next = req.object as Any;
  const old = req.oldObject as Any;
  if (JSON.stringify(next.spec ?? {}) !== JSON.stringify(old.spec ?? {})) {
    throw webhookInvalid(UPDATE_VALIDATOR, [{ type: 'FieldValueNotSupported', message: "update of Migration object's spec is restricted" }]);
  }
  if (!FINAL_MIGRATION_PHASES.includes(next.status?.phase)) {
    const oldLabel = old.metadata.labels?.[MIGRATION_SELECTOR_LABEL];
    const newLabel = next.metadata.labels?.[MIGRATION_SELECTOR_LABEL];
    if (oldLabel !== undefined && newLabel !== oldLabel) {
      const message = next.metadata.labels ? "selector label can't be modified on an in-flight migration" : "selector label can't be removed from an in-flight migration";
      throw webhookInvalid(UPDATE_VALIDATOR, [{ type: 'FieldValueNotSupported', message }]);
    }
  }
}

export function registerKubeVirtAdmission(ctx: KubeVirtContext): void {
  const b = ctx.api.behaviour;
  b.addAdmission({
    name: 'migration-mutator.kubevirt.io',
    resources: [VMIM_KEY],
    operations: ['CREATE'],
    mutate: (req) => {
      const o = req.object!;
      const vmiName = (o as Any).spec?.vmiName;
      if (vmiName) o.metadata.labels = { ...(o.metadata.labels ?? {}), [MIGRATION_SELECTOR_LABEL]: vmiName };
      if (!(o.metadata.finalizers ?? []).includes(MIGRATION_FINALIZER)) o.metadata.finalizers = [...(o.metadata.finalizers ?? []), MIGRATION_FINALIZER];
    },
  });
  b.addAdmission({ name: CREATE_VALIDATOR, resources: [VMIM_KEY], operations: ['CREATE'], validate: (req) => validateCreate(ctx, req) });
  b.addAdmission({ name: UPDATE_VALIDATOR, resources: [VMIM_KEY], operations: ['UPDATE'], validate: validateUpdate });
  b.addAdmission({
    name: 'virtualmachine-validator.kubevirt.io',
    resources: [VM_KEY],
    operations: ['CREATE', 'UPDATE'],
    validate: (req) => {
      if (req.subresource === 'status') return;
      const spec = (req.object as Any).spec ?? {};
      if (spec.running !== undefined && spec.runStrategy !== undefined) {
        throw webhookInvalid('virtualmachine-validator.kubevirt.io', [
          { type: 'FieldValueInvalid', message: 'Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead', field: 'spec.running' },
        ]);
      }
    },
  });
  // The migration controller gives every migration a phase at once; kubectl wait relies on it.
  b.addStrategy(VMIM_KEY, {
    prepareForCreate: (o) => {
      (o as Any).status = { phase: 'Pending', phaseTransitionTimestamps: [{ phase: 'Pending', phaseTransitionTimestamp: timestamp() }] };
    },
  });
}
