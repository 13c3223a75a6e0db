import { describe, expect, it } from 'vitest';
import { nodeViewFrom } from '../../src/state/nodes.js';
import { item, items } from './helpers/fixtures.js';

describe('nodeViewFrom', () => {
  it('judges the real nodes: a control plane, a drained worker and two good workers', () => {
    const views = items('node-list.json').map((n) => nodeViewFrom(n)!);
    expect(views.map((v) => [v.name, v.ready, v.schedulable])).toEqual([
      ['kv-control-plane-01', true, false],
      ['kv-worker-01', true, true],
      ['kv-worker-02', true, false],
      ['kv-worker-03', true, true],
    ]);
    expect(views[0]!.reason).toBe('tainted node-role.kubernetes.io/control-plane:NoSchedule, no kubevirt.io/schedulable=true label (virt-handler does not run there)');
    expect(views[2]!.reason).toBe('cordoned, tainted kubevirt.io/drain=draining:NoSchedule');
    expect(views[1]!.reason).toBe('');
  });

  it('NotReady, NoExecute and a false schedulable label each block; PreferNoSchedule does not', () => {
    const n = item('node-list.json', 'kv-worker-01');
    n.spec.taints = [{ key: 'soft', effect: 'PreferNoSchedule' }];
    expect(nodeViewFrom(n)!.schedulable).toBe(true);
    n.spec.taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' });
    n.status.conditions.find((c: { type: string }) => c.type === 'Ready').status = 'False';
    n.status.conditions.find((c: { type: string }) => c.type === 'Ready').reason = 'KubeletNotReady';
    n.metadata.labels['kubevirt.io/schedulable'] = 'false';
    const v = nodeViewFrom(n)!;
    expect(v).toMatchObject({ ready: false, schedulable: false });
    expect(v.reason).toBe('not Ready (KubeletNotReady), tainted node.kubernetes.io/unreachable:NoExecute, kubevirt.io/schedulable=false (virt-handler is not ready there)');
  });
});
