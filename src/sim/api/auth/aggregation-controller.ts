// The clusterrole-aggregation controller: a ClusterRole with an
// aggregationRule gets as its rules the union of the rules of every other
// ClusterRole matching any of its selectors (per selector, roles in name
// order, exact duplicates dropped), recomputed on every ClusterRole change
// and written only when it differs. Aggregated roles can feed others (edit
// into admin, view into edit); each write triggers the next round.
import { fromLabelSelectorObject, matchesLabels } from '../selectors.js';
import type { SystemClient } from '../system-client.js';
import type { KubeObject } from '../types.js';
import { KEYS, type PolicyRule, policyRuleJson, rulesOf } from './rbac-types.js';

type Selector = Parameters<typeof fromLabelSelectorObject>[0];

function selectorsOf(o: KubeObject): Selector[] | undefined {
  const rule = o.aggregationRule as { clusterRoleSelectors?: unknown } | undefined;
  if (!rule || typeof rule !== 'object') return undefined;
  const sels = rule.clusterRoleSelectors;
  return Array.isArray(sels) ? (sels.filter((s) => s && typeof s === 'object') as Selector[]) : [];
}

/** Semantic equality of rules: absent and empty lists are the same, order within a list matters. */
function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return JSON.stringify(policyRuleJson(a)) === JSON.stringify(policyRuleJson(b));
}

function sameRules(a: PolicyRule[], b: PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => sameRule(r, b[i]!));
}

const VALID_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** The rules an aggregated ClusterRole should hold, or undefined when a selector is unusable. */
export function aggregatedRules(target: KubeObject, all: KubeObject[]): PolicyRule[] | undefined {
  const selectors = selectorsOf(target);
  if (!selectors) return undefined;
  const byName = [...all].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const out: PolicyRule[] = [];
  for (const sel of selectors) {
    // An invalid selector fails the whole sync, as metav1.LabelSelectorAsSelector would.
    if ((sel.matchExpressions ?? []).some((e) => !VALID_OPERATORS.has(e.operator))) return undefined;
    const reqs = fromLabelSelectorObject(sel);
    for (const role of byName) {
      if (role.metadata.name === target.metadata.name || !matchesLabels(reqs, role.metadata.labels)) continue;
      for (const r of rulesOf(role)) if (!out.some((x) => sameRule(x, r))) out.push(r);
    }
  }
  return out;
}

export class AggregationController {
  private readonly stops: (() => void)[] = [];
  private scheduled = false;
  private running = false;

  constructor(private readonly client: SystemClient) {}

  start(): void {
    if (this.stops.length) return;
    this.stops.push(this.client.watch(KEYS.clusterRoles, () => this.schedule()));
    this.schedule();
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
  }

  async idle(): Promise<void> {
    while (this.scheduled || this.running) await new Promise<void>((r) => setImmediate(r));
  }

  private schedule(): void {
    if (this.scheduled || !this.stops.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = true;
      try {
        this.syncAll();
      } finally {
        this.running = false;
      }
    });
  }

  /** Any change may affect any aggregated role: the real controller requeues them all too. */
  syncAll(): void {
    for (const role of this.client.list(KEYS.clusterRoles)) {
      if (!selectorsOf(role)) continue;
      try {
        this.sync(role.metadata.name!);
      } catch {
        // Left for the next change, as the real controller's rate-limited requeue would retry it.
      }
    }
  }

  private sync(name: string): void {
    const target = this.client.get(KEYS.clusterRoles, undefined, name);
    if (!target) return;
    const wanted = aggregatedRules(target, this.client.list(KEYS.clusterRoles));
    if (!wanted || sameRules(wanted, rulesOf(target))) return;
    this.client.modify(KEYS.clusterRoles, undefined, name, (live) => {
      const again = aggregatedRules(live, this.client.list(KEYS.clusterRoles));
      if (!again || sameRules(again, rulesOf(live))) return undefined;
      live.rules = again.map(policyRuleJson);
      return live;
    });
  }
}
