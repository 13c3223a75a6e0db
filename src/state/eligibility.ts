// Whether the controller would pick a VMI, by exactly the rules of its script
// (discover + filter_targets in src/cloudinit/assets/virtwork-chaos-migration.sh),
// checked in the script's order so that the reason shown is the one the
// script logs. Preflight, the targets screen and the dashboard all use this.
//
//   selection: app.kubernetes.io/managed-by=virtwork plus the extra selector
//   1. not the controller itself (its VMI name or its VM's name)
//   2. not a chaos-migration controller (component chaos-migration)
//   3. component not excluded
//   4. not being deleted
//   5. phase Running
//   6. no migration in flight (a non-final VMIM, or KubeVirt's target-node label)
//   7. LiveMigratable=True
//   8. with the virtctl trigger, owned by a VirtualMachine
// The script also rests a VMI for a while after the API rejected its
// migration; that memory lives only in the script and is not visible here.
import { COMPONENT, LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_RUN_ID, MANAGED_BY } from '../cloudinit/names.js';
import type { Trigger } from '../cloudinit/settings.js';
import { type LabelSelector, matchesLabels, parseLabelSelector, SelectorError } from '../k8s/selectors.js';
import { asObject } from './json.js';
import type { Fleet } from './cluster-state.js';
import type { FleetVmi } from './types.js';
import { fleetVmiFrom } from './vmi.js';

export interface EligibilityOptions {
  /** Components never migrated (chaos-migration is excluded regardless). */
  excludeComponents: readonly string[];
  /** The extra label selector (migration-target-labels), as typed or parsed; '' for none. */
  targetSelector: string | LabelSelector;
  /** The controller's VM name (virtwork-chaos-migration-0). */
  selfName: string;
  /** With 'virtctl' (the default trigger) a VMI without a VirtualMachine cannot be migrated. */
  trigger?: Trigger;
  /** VMIs with a non-final VMIM, when judging raw VMI objects (a FleetVmi carries inFlight). */
  inFlightVmis?: ReadonlySet<string>;
}

export interface Eligibility {
  eligible: boolean;
  /** 'eligible', or why not, in a few words. */
  reason: string;
}

const MANAGED = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

function labelsOfFleetVmi(v: FleetVmi): Record<string, string> {
  if (v.labels) return v.labels;
  // A FleetVmi built elsewhere without labels: what it does record.
  const l: Record<string, string> = {};
  if (v.virtwork) l[LABEL_MANAGED_BY] = MANAGED_BY;
  if (v.component) l[LABEL_COMPONENT] = v.component;
  if (v.runId) l[LABEL_RUN_ID] = v.runId;
  return l;
}

function toFleetVmi(vmi: FleetVmi | unknown): FleetVmi | undefined {
  const o = asObject(vmi);
  if (!o) return undefined;
  if (asObject(o.metadata)) return fleetVmiFrom(o, undefined, 0);
  return typeof o.name === 'string' && Array.isArray(o.ips) ? (o as unknown as FleetVmi) : undefined;
}

function parseSelector(sel: string | LabelSelector): LabelSelector | string {
  if (typeof sel !== 'string') return sel;
  try {
    return parseLabelSelector(sel);
  } catch (e) {
    if (e instanceof SelectorError) return e.message;
    throw e;
  }
}

function judge(v: FleetVmi, selector: LabelSelector, opts: EligibilityOptions): Eligibility {
  const no = (reason: string): Eligibility => ({ eligible: false, reason });
  const labels = labelsOfFleetVmi(v);
  if (labels[LABEL_MANAGED_BY] !== MANAGED_BY) return no(`not selected: not ${MANAGED}`);
  if (!matchesLabels(selector, labels)) return no('not selected by migration-target-labels');
  if (v.name === opts.selfName || v.vm === opts.selfName) return no('the controller itself');
  const component = v.component ?? '';
  if (component === COMPONENT) return no('a chaos-migration controller');
  if (component !== '' && opts.excludeComponents.includes(component)) return no(`excluded component ${component}`);
  if (v.deleting) return no('being deleted');
  if (v.phase !== 'Running') return no(`not Running (${v.phase || 'unknown'})`);
  if (v.inFlight || v.migrationTargetNode || opts.inFlightVmis?.has(v.name)) return no('migration in flight');
  if (v.migratable !== true) {
    return no(`not live-migratable: ${v.migratableReason ?? (v.migratable === false ? 'False' : 'no LiveMigratable condition')}`);
  }
  if ((opts.trigger ?? 'virtctl') === 'virtctl' && !v.vm) return no('no VirtualMachine (the virtctl trigger needs one)');
  return { eligible: true, reason: 'eligible' };
}

/** Whether the controller would pick this VMI (a FleetVmi or a raw VMI object), and why not. */
export function eligibility(vmi: FleetVmi | unknown, opts: EligibilityOptions): Eligibility {
  const v = toFleetVmi(vmi);
  if (!v) return { eligible: false, reason: 'not a VirtualMachineInstance' };
  const selector = parseSelector(opts.targetSelector);
  if (typeof selector === 'string') return { eligible: false, reason: `invalid migration-target-labels: ${selector}` };
  return judge(v, selector, opts);
}

export interface TargetEligibility extends Eligibility {
  name: string;
  component?: string;
  node?: string;
}

/**
 * Every VMI of the fleet with its eligibility, in name order, the selector
 * parsed once. VMIs the selection leaves out are listed too (the targets
 * screen shows why a VMI is not a candidate); `selectedOnly` drops them, as
 * the script never sees them.
 */
export function fleetEligibility(fleet: Fleet, opts: EligibilityOptions & { selectedOnly?: boolean }): TargetEligibility[] {
  const selector = parseSelector(opts.targetSelector);
  const out: TargetEligibility[] = [];
  for (const v of fleet.values()) {
    const e = typeof selector === 'string' ? { eligible: false, reason: `invalid migration-target-labels: ${selector}` } : judge(v, selector, opts);
    if (opts.selectedOnly && e.reason.startsWith('not selected')) continue;
    out.push({ name: v.name, ...(v.component ? { component: v.component } : {}), ...(v.node ? { node: v.node } : {}), ...e });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
