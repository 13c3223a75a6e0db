import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eligibility, type EligibilityOptions, fleetEligibility } from '../../src/state/eligibility.js';
import { fleetVmiFrom } from '../../src/state/vmi.js';
import { type Any, fixture, items } from './helpers/fixtures.js';

const SELF = 'virtwork-chaos-migration-0';
const OPTS: EligibilityOptions = { excludeComponents: ['disk'], targetSelector: '', selfName: SELF };

/** An eligible VMI (memory-0 after its migration), reshaped by `edit`. */
function vmi(edit: (o: Any) => void = () => {}): Any {
  const o = fixture('vmi-memory-migrated.json');
  edit(o);
  return o;
}
const setCondition = (o: Any, status: string, reason?: string) => {
  const c = o.status.conditions.find((x: Any) => x.type === 'LiveMigratable');
  c.status = status;
  if (reason) c.reason = reason;
  else delete c.reason;
};

// [why, object, options override, expected reason] in the script's order of rules.
const CASES: [string, Any, Partial<EligibilityOptions>, string][] = [
  ['a plain running, migratable virtwork VMI', vmi(), {}, 'eligible'],
  ['not managed by virtwork', vmi((o) => delete o.metadata.labels['app.kubernetes.io/managed-by']), {}, 'not selected: not app.kubernetes.io/managed-by=virtwork'],
  ['left out by the extra selector', vmi(), { targetSelector: 'app.kubernetes.io/component in (cpu,network)' }, 'not selected by migration-target-labels'],
  ['picked by the extra selector', vmi(), { targetSelector: 'app.kubernetes.io/component=memory,!skip' }, 'eligible'],
  ['the controller itself, by name', vmi((o) => (o.metadata.name = SELF)), {}, 'the controller itself'],
  ['the controller itself, by its VM', vmi((o) => (o.metadata.ownerReferences[0].name = SELF)), {}, 'the controller itself'],
  ['another run\'s controller', vmi((o) => (o.metadata.labels['app.kubernetes.io/component'] = 'chaos-migration')), {}, 'a chaos-migration controller'],
  ['an excluded component', vmi((o) => (o.metadata.labels['app.kubernetes.io/component'] = 'disk')), {}, 'excluded component disk'],
  ['excluded wins over not migratable (script order)', vmi((o) => { o.metadata.labels['app.kubernetes.io/component'] = 'disk'; setCondition(o, 'False', 'DisksNotLiveMigratable'); }), {}, 'excluded component disk'],
  ['being deleted', vmi((o) => (o.metadata.deletionTimestamp = '2026-11-27T22:00:00Z')), {}, 'being deleted'],
  ['deleted wins over not running', vmi((o) => { o.metadata.deletionTimestamp = '2026-11-27T22:00:00Z'; o.status.phase = 'Succeeded'; }), {}, 'being deleted'],
  ['still scheduling', vmi((o) => { o.status.phase = 'Scheduling'; delete o.status.nodeName; }), {}, 'not Running (Scheduling)'],
  ['no phase yet', vmi((o) => delete o.status.phase), {}, 'not Running (unknown)'],
  ['KubeVirt is handing it over (target node label)', vmi((o) => (o.metadata.labels['kubevirt.io/migrationTargetNodeName'] = 'kv-worker-01')), {}, 'migration in flight'],
  ['a non-final VMIM exists for it', vmi(), { inFlightVmis: new Set(['virtwork-memory-0']) }, 'migration in flight'],
  ['in flight wins over not migratable (script order)', vmi((o) => { o.metadata.labels['kubevirt.io/migrationTargetNodeName'] = 'x'; setCondition(o, 'False', 'HotplugNotLiveMigratable'); }), {}, 'migration in flight'],
  ['not live-migratable, with the reason', vmi((o) => setCondition(o, 'False', 'DisksNotLiveMigratable')), {}, 'not live-migratable: DisksNotLiveMigratable'],
  ['not live-migratable, no reason given', vmi((o) => setCondition(o, 'False')), {}, 'not live-migratable: False'],
  ['no LiveMigratable condition yet', vmi((o) => (o.status.conditions = o.status.conditions.filter((c: Any) => c.type !== 'LiveMigratable'))), {}, 'not live-migratable: no LiveMigratable condition'],
  ['no VirtualMachine, virtctl trigger', vmi((o) => delete o.metadata.ownerReferences), {}, 'no VirtualMachine (the virtctl trigger needs one)'],
  ['no VirtualMachine, vmim trigger', vmi((o) => delete o.metadata.ownerReferences), { trigger: 'vmim' }, 'eligible'],
];

describe('eligibility', () => {
  it.each(CASES)('%s', (_why, obj, over, reason) => {
    const opts = { ...OPTS, ...over };
    const raw = eligibility(obj, opts);
    expect(raw).toEqual({ eligible: reason === 'eligible', reason });
    // A FleetVmi built from the same object gets the same verdict (in flight through inFlight, too).
    const fv = fleetVmiFrom(obj, undefined, 0)!;
    if (opts.inFlightVmis?.has(fv.name)) fv.inFlight = { uid: 'u', name: 'm', phase: 'Pending' };
    expect(eligibility(fv, { ...opts, inFlightVmis: undefined })).toEqual(raw);
  });

  it('reports an invalid selector instead of throwing', () => {
    expect(eligibility(vmi(), { ...OPTS, targetSelector: 'a in (' })).toMatchObject({ eligible: false, reason: expect.stringMatching(/^invalid migration-target-labels: /) });
    expect(eligibility(42, OPTS)).toEqual({ eligible: false, reason: 'not a VirtualMachineInstance' });
  });

  it('judges the real fleet the way the controller did (it migrated only cpu-0, cpu-1, memory-0, network-0)', () => {
    const fleet = new Map(items('vmi-list.json').map((o) => [o.metadata.name, fleetVmiFrom(o, undefined, 0)!]));
    const verdicts = fleetEligibility(fleet, { excludeComponents: [], targetSelector: '', selfName: SELF });
    expect(verdicts.map((v) => [v.name, v.reason])).toEqual([
      ['virtwork-chaos-migration-0', 'the controller itself'],
      ['virtwork-cpu-0', 'eligible'],
      ['virtwork-cpu-1', 'eligible'],
      ['virtwork-database-0', 'not live-migratable: DisksNotLiveMigratable'],
      ['virtwork-disk-0', 'not live-migratable: DisksNotLiveMigratable'],
      ['virtwork-memory-0', 'eligible'],
      ['virtwork-network-0', 'eligible'],
    ]);
  });
});

// The oracle: the controller script's own filter_targets, sourced under bash,
// fed the discovery lines its jsonpath would print for the same objects.
const SCRIPT = fileURLToPath(new URL('../../src/cloudinit/assets/virtwork-chaos-migration.sh', import.meta.url));
const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

function discoveryLine(o: Any): string {
  const lm = (o.status?.conditions ?? []).find((c: Any) => c.type === 'LiveMigratable');
  const vm = (o.metadata.ownerReferences ?? []).find((r: Any) => r.kind === 'VirtualMachine');
  return [
    o.metadata.name,
    o.status?.phase ?? '',
    lm?.status ?? '',
    lm?.reason ?? '',
    o.metadata.labels?.['app.kubernetes.io/component'] ?? '',
    o.status?.nodeName ?? '',
    o.metadata.labels?.['kubevirt.io/migrationTargetNodeName'] ?? '',
    vm?.name ?? '',
    vm?.uid ?? '',
    o.metadata.uid,
    o.metadata.deletionTimestamp ?? '',
  ].join('|');
}

/** The script's reason codes, in our words. */
function scriptReason(code: string): string {
  if (code === 'self') return 'the controller itself';
  if (code === 'controller') return 'a chaos-migration controller';
  if (code.startsWith('excluded-component:')) return `excluded component ${code.slice('excluded-component:'.length)}`;
  if (code === 'being-deleted') return 'being deleted';
  if (code.startsWith('not-running:')) return `not Running (${code.slice('not-running:'.length)})`;
  if (code === 'migration-in-flight') return 'migration in flight';
  if (code.startsWith('not-live-migratable:')) {
    const r = code.slice('not-live-migratable:'.length);
    return `not live-migratable: ${r === 'no-condition' ? 'no LiveMigratable condition' : r}`;
  }
  if (code === 'no-virtualmachine') return 'no VirtualMachine (the virtctl trigger needs one)';
  return code;
}

describe.skipIf(!hasBash)('eligibility agrees with the controller script', () => {
  it('gives the same verdict and reason as filter_targets for every case the script would see', () => {
    // The script only ever sees what its label selector selected.
    const seen = CASES.filter(([, , , reason]) => !reason.startsWith('not selected'));
    const byTrigger = (trigger: string) => seen.filter(([, , over]) => (over.trigger ?? 'virtctl') === trigger);
    for (const trigger of ['virtctl', 'vmim']) {
      // One name per case, so that the in-flight list names only the case it is for.
      const cases = byTrigger(trigger).map(([why, o, over], i) => {
        const obj = structuredClone(o);
        const busy = over.inFlightVmis?.has(obj.metadata.name) ?? false;
        if (obj.metadata.name !== SELF) obj.metadata.name = `vmi-case-${i}`;
        const opts: EligibilityOptions = { ...OPTS, ...over, inFlightVmis: new Set(busy ? [obj.metadata.name] : []) };
        return { why, obj, opts, busy };
      });
      const inflight = cases.filter((c) => c.busy).map((c) => c.obj.metadata.name);
      const r = spawnSync(
        'bash',
        ['-c', 'source "$1" && filter_targets "$2" "$3" "$4" "" "$5"', 'bash', SCRIPT, SELF, OPTS.excludeComponents.join(','), inflight.join('\n'), trigger === 'virtctl' ? 'vm' : ''],
        { input: cases.map((c) => discoveryLine(c.obj)).join('\n') + '\n', encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(cases.length);
      lines.forEach((line, i) => {
        const { why, obj, opts } = cases[i]!;
        const parts = line.split('|');
        const scriptSays = parts[0] === 'ok' ? 'eligible' : scriptReason(parts[2]!);
        expect({ why, reason: eligibility(obj, opts).reason }).toEqual({ why, reason: scriptSays });
      });
    }
  });
});
