// Which VMIs the controller could migrate right now, and why not the others.
// The verdict and its reason come from src/state/eligibility.ts, which
// follows the controller script's own filter and which the TUI's targets
// screen shares, so that what preflight promises is what the controller will
// do and what the dashboard shows. Preflight adds the detail a person needs
// to act: KubeVirt's message for a VMI that is not live-migratable, and the
// migration a busy VMI is in.
import { COMPONENT, LABEL_COMPONENT, LABEL_MANAGED_BY, MANAGED_BY, VM_NAME } from '../cloudinit/names.js';
import type { Settings } from '../cloudinit/settings.js';
import { eligibility } from '../state/eligibility.js';
import type { Connection } from './connection.js';
import { type Obj, at, conditionOf, isForbidden, itemsOf, labelsOf, listNames, messageOf, nameOf, plural, str } from './preflight-fields.js';
import { type PreflightCheck, type TargetInfo, check } from './preflight-types.js';

export const TARGET_BASE_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
const FINAL_MIGRATION_PHASES = new Set(['Succeeded', 'Failed']);

/** VMI name -> its unfinished migration, from a VMIM list. */
export function migrationsInFlight(vmims: Obj[]): Map<string, { name: string; phase: string }> {
  const out = new Map<string, { name: string; phase: string }>();
  for (const m of vmims) {
    const vmi = str(at(m, 'spec', 'vmiName'));
    const phase = str(at(m, 'status', 'phase')) ?? '';
    if (vmi && !FINAL_MIGRATION_PHASES.has(phase)) out.set(vmi, { name: nameOf(m), phase });
  }
  return out;
}

/** The shared verdict, with what KubeVirt said or which migration is in flight appended. */
export function judgeTarget(vmi: Obj, settings: Settings, inFlight: ReadonlyMap<string, { name: string; phase: string }>): TargetInfo {
  const name = nameOf(vmi);
  const component = labelsOf(vmi)[LABEL_COMPONENT];
  const verdict = eligibility(vmi, {
    excludeComponents: settings.migrationExcludeComponents,
    targetSelector: settings.migrationTargetLabels,
    selfName: VM_NAME,
    trigger: settings.trigger,
    inFlightVmis: new Set(inFlight.keys()),
  });
  let reason = verdict.reason;
  const message = str(conditionOf(vmi, 'LiveMigratable')?.message);
  const flight = inFlight.get(name);
  if (reason.startsWith('not live-migratable') && message) reason += ` (${message})`;
  else if (reason === 'migration in flight' && flight) reason += ` (${flight.name}${flight.phase ? `, ${flight.phase}` : ''})`;
  return { name, ...(component ? { component } : {}), eligible: verdict.eligible, reason };
}

export interface TargetsResult {
  check: PreflightCheck;
  targets: TargetInfo[];
}

/**
 * Lists virtwork's VMIs (managed-by=virtwork; the extra selector is applied
 * here so that the VMIs it leaves out are shown with that reason) and judges
 * each. No eligible target is a warning: the controller waits for one.
 */
export async function checkTargets(conn: Connection, settings: Settings): Promise<TargetsResult> {
  const ns = settings.namespace;
  let vmis: Obj[];
  let vmims: Obj[] = [];
  try {
    vmis = itemsOf(
      await conn.call(`Listing VMIs in ${ns}`, () =>
        conn.custom.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachineinstances', labelSelector: TARGET_BASE_SELECTOR }),
      ),
    );
  } catch (e) {
    return { targets: [], check: check('targets', 'warn', `cannot list the VMIs in ${ns}: ${messageOf(e)}`) };
  }
  try {
    vmims = itemsOf(
      await conn.call(`Listing migrations in ${ns}`, () =>
        conn.custom.listNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachineinstancemigrations' }),
      ),
    );
  } catch (e) {
    // The VMI's migration labels still show most migrations in flight.
    if (!isForbidden(e)) throw e;
  }
  const inFlight = migrationsInFlight(vmims);
  const targets = vmis.map((vmi) => judgeTarget(vmi, settings, inFlight)).sort((a, b) => a.name.localeCompare(b.name));
  const selector = settings.migrationTargetLabels ? `${TARGET_BASE_SELECTOR},${settings.migrationTargetLabels}` : TARGET_BASE_SELECTOR;
  const eligible = targets.filter((t) => t.eligible);
  const candidates = targets.filter((t) => t.name !== VM_NAME && t.component !== COMPONENT);
  if (candidates.length === 0) {
    return {
      targets,
      check: check('targets', 'warn', `no virtwork VMIs in ${ns} (${TARGET_BASE_SELECTOR}): the controller will wait for some`, `Start virtwork's VMs in ${ns} (virtwork run), or pick the namespace they run in with -n.`),
    };
  }
  if (eligible.length === 0) {
    const reasons = new Map<string, number>();
    // Grouped by the verdict, without the per-VMI detail in parentheses.
    for (const t of candidates) {
      const key = t.reason.replace(/ \(.*\)$/, '');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const summary = [...reasons].map(([r, n]) => `${n} ${r}`).join('; ');
    return {
      targets,
      check: check(
        'targets',
        'warn',
        `none of the ${plural(candidates.length, 'virtwork VMI')} in ${ns} can be migrated now (${summary}): the controller will wait`,
        'Live migration needs Running VMIs on shared (ReadWriteMany) storage with a masquerade pod network; check the exclusions and migration-target-labels.',
      ),
    };
  }
  return {
    targets,
    check: check('targets', 'ok', `${eligible.length} of ${plural(candidates.length, 'virtwork VMI')} in ${ns} can be migrated now (${selector}): ${listNames(eligible.map((t) => t.name))}`),
  };
}
