// Scoped stores for one test: a wizard store at a chosen step and a cluster
// store fed through applyBatch with the captured fixtures (or with thousands of
// VMIs cloned from one of them), as the watcher would feed it.
import { createClusterStore, type ClusterStore } from '../../../src/state/cluster-store.js';
import type { ObjectEvent } from '../../../src/state/types.js';
import { createWizardStore, initialWizard, type Step, type WizardState, type WizardStore } from '../../../src/state/wizard.js';
import { added, type Any, deleted, fixture, item, items, modified, NS } from '../../state/helpers/fixtures.js';

export { added, deleted, fixture, item, items, modified, NS };
export type { Any };

/** The wizard as the demo starts it (5 to 15 s, 120 s timeout). */
export function wizardAt(step: Step, patch: Partial<WizardState> = {}): WizardStore {
  const base = initialWizard({ min: 5, max: 15, timeout: 120 });
  const preflightDone: WizardState['preflight'] = {
    phase: 'done',
    blocked: false,
    checks: [
      { id: 'api', title: 'API server', status: 'ok', detail: 'answers' },
      { id: 'kubevirt', title: 'KubeVirt', status: 'ok', detail: 'v1.7.1 (upstream)' },
    ],
    facts: [{ label: 'KubeVirt', value: 'v1.7.1 (upstream)' }],
  };
  return createWizardStore({
    ...base,
    step,
    preflight: step === 'connect' ? base.preflight : preflightDone,
    components: ['chaos-migration', 'cpu', 'database', 'disk', 'memory', 'network'],
    connection: { context: 'kubernetes-admin@virtwork-sim', server: 'https://127.0.0.1:6443', namespace: NS },
    ...patch,
  });
}

/** The cluster after the controller's first migrations: 7 VMIs, 3 VMIMs, 4 nodes, the status ConfigMap. */
export function clusterWithFixtures(now = Date.now()): ClusterStore {
  const store = createClusterStore({ namespace: NS });
  store.getState().applyBatch(
    {
      vmis: items('vmi-list.json').map(added),
      vmims: items('vmim-list.json').map(added),
      nodes: items('node-list.json').map(added),
      statusConfigMaps: [added(withHeartbeat(fixture('status-configmap.json'), now))],
    },
    now,
  );
  return store;
}

/** The status ConfigMap with a fresh heartbeat (so the controller line is not stale). */
export function withHeartbeat(cm: Any, now: number): Any {
  cm.data.heartbeat = new Date(now - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  cm.data['next-migration'] = new Date(now + 9000).toISOString().replace(/\.\d+Z$/, 'Z');
  return cm;
}

let template: Any;

/** A VMI fixture renamed, placed on a node, with its own uid. */
export function vmiNamed(name: string, node: string, component = 'memory'): Any {
  template ??= item('vmi-list.json', 'virtwork-memory-0');
  const v = structuredClone(template);
  v.metadata.name = name;
  v.metadata.uid = `uid-${name}`;
  v.metadata.labels['app.kubernetes.io/component'] = component;
  v.metadata.labels['kubevirt.io/nodeName'] = node;
  v.status.nodeName = node;
  delete v.status.migrationState;
  return v;
}

/** The same VMI, moved to another node (what the watch delivers after a migration). */
export function movedTo(vmi: Any, node: string): Any {
  const v = structuredClone(vmi);
  v.status.nodeName = node;
  v.metadata.labels['kubevirt.io/nodeName'] = node;
  v.metadata.resourceVersion = String(Number(v.metadata.resourceVersion ?? '1') + 1);
  return v;
}

const COMPONENTS = ['cpu', 'memory', 'disk', 'database', 'network'];

/** `count` VMIs spread over `nodes` nodes, as ADDED events. */
export function manyVmis(count: number, nodes: number): ObjectEvent[] {
  const out: ObjectEvent[] = [];
  for (let i = 0; i < count; i++) {
    const c = COMPONENTS[i % COMPONENTS.length]!;
    out.push(added(vmiNamed(`virtwork-${c}-${i}`, `kv-worker-${String((i % nodes) + 1).padStart(3, '0')}`, c)));
  }
  return out;
}

export function clusterWith(events: ObjectEvent[], now = Date.now()): ClusterStore {
  const store = createClusterStore({ namespace: NS });
  store.getState().applyBatch({ vmis: events, statusConfigMaps: [added(withHeartbeat(fixture('status-configmap.json'), now))] }, now);
  return store;
}
