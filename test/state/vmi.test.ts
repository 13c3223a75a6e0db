import { describe, expect, it } from 'vitest';
import { fleetVmiFrom, sameFleetVmi, vmiIps } from '../../src/state/vmi.js';
import { fixture, item } from './helpers/fixtures.js';

const T0 = Date.parse('2026-11-27T21:53:00Z');

describe('fleetVmiFrom', () => {
  it('reads labels, phase, node, IPs, owner VM and the LiveMigratable condition of a real VMI', () => {
    const v = fleetVmiFrom(item('vmi-list.json', 'virtwork-disk-0'), undefined, T0)!;
    expect(v).toMatchObject({
      namespace: 'virtwork',
      name: 'virtwork-disk-0',
      uid: 'd02bdeb0-3601-44d3-8ee3-0608d8e4ab4d',
      component: 'disk',
      runId: 'df882493-66c3-4136-9c02-15bcd5e03b42',
      virtwork: true,
      phase: 'Running',
      node: 'kv-worker-03',
      ips: ['10.244.2.4'],
      migratable: false,
      migratableReason: 'DisksNotLiveMigratable',
      vm: 'virtwork-disk-0',
      deleting: false,
      migrations: 0,
    });
    expect(v.previousNode).toBeUndefined();
    expect(v.nodeChangedAt).toBeUndefined();
  });

  it('takes previousNode from a completed, successful migrationState when first seen, without claiming a fresh move', () => {
    const v = fleetVmiFrom(item('vmi-list.json', 'virtwork-cpu-0'), undefined, T0)!;
    expect(v.node).toBe('kv-worker-01');
    expect(v.previousNode).toBe('kv-worker-03');
    expect(v.nodeChangedAt).toBeUndefined();
    expect(v.migrationState).toMatchObject({ uid: '90efffd4-a5c0-4dd3-911b-0b61af2e4723', completed: true, failed: false });
  });

  it('does not take previousNode from a failed or unfinished migrationState', () => {
    const during = fleetVmiFrom(fixture('vmi-memory-migrating.json'), undefined, T0)!;
    expect(during.previousNode).toBeUndefined();
    expect(during.migrationTargetNode).toBe('kv-worker-03');
    const failedObj = fixture('vmi-memory-migrated.json');
    failedObj.status.migrationState.failed = true;
    failedObj.status.nodeName = 'kv-worker-02';
    expect(fleetVmiFrom(failedObj, undefined, T0)!.previousNode).toBeUndefined();
  });

  it('records a node change it sees: previousNode, previousIps and nodeChangedAt = now', () => {
    const before = fleetVmiFrom(fixture('vmi-memory-migrating.json'), undefined, T0)!;
    const after = fleetVmiFrom(fixture('vmi-memory-migrated.json'), before, T0 + 1000)!;
    expect(after).toMatchObject({ node: 'kv-worker-03', previousNode: 'kv-worker-02', previousIps: ['10.244.1.4'], ips: ['10.244.2.7'], nodeChangedAt: T0 + 1000 });
    // A later update without a move keeps all three, nodeChangedAt included.
    const later = fleetVmiFrom(fixture('vmi-memory-migrated.json'), after, T0 + 9000)!;
    expect(later).toMatchObject({ previousNode: 'kv-worker-02', previousIps: ['10.244.1.4'], nodeChangedAt: T0 + 1000 });
  });

  it('does not treat a VMI that lost its node (restart) as a move, nor carry state to a new VMI of the same name', () => {
    const before = fleetVmiFrom(fixture('vmi-memory-migrating.json'), undefined, T0)!;
    const restarted = fixture('vmi-memory-migrating.json');
    delete restarted.status.nodeName;
    restarted.status.phase = 'Scheduling';
    const r = fleetVmiFrom(restarted, before, T0 + 1000)!;
    expect(r.node).toBeUndefined();
    expect(r.nodeChangedAt).toBeUndefined();

    const recreated = fixture('vmi-memory-migrated.json');
    recreated.metadata.uid = 'another-uid';
    delete recreated.status.migrationState;
    const n = fleetVmiFrom(recreated, before, T0 + 2000)!;
    expect(n.previousNode).toBeUndefined();
    expect(n.nodeChangedAt).toBeUndefined();
  });

  it('marks deletion and tolerates an object with almost nothing in it', () => {
    const o = fixture('vmi-memory-migrated.json');
    o.metadata.deletionTimestamp = '2026-11-27T21:54:00Z';
    expect(fleetVmiFrom(o, undefined, T0)!.deleting).toBe(true);
    expect(fleetVmiFrom({ metadata: { name: 'x' } }, undefined, T0)).toMatchObject({ name: 'x', phase: '', ips: [], virtwork: false, deleting: false });
    expect(fleetVmiFrom({}, undefined, T0)).toBeUndefined();
    expect(fleetVmiFrom(null, undefined, T0)).toBeUndefined();
  });

  it('sameFleetVmi ignores a resourceVersion-only update but sees an IP change', () => {
    const a = fleetVmiFrom(fixture('vmi-memory-migrated.json'), undefined, T0)!;
    const o = fixture('vmi-memory-migrated.json');
    o.metadata.resourceVersion = '99999';
    expect(sameFleetVmi(a, fleetVmiFrom(o, undefined, T0)!)).toBe(true);
    o.status.interfaces[0].ipAddresses = ['10.244.2.8'];
    expect(sameFleetVmi(a, fleetVmiFrom(o, undefined, T0)!)).toBe(false);
  });
});

describe('vmiIps', () => {
  it('takes every ipAddresses entry (IPv4 and IPv6), falls back to ipAddress, and drops repeats', () => {
    const vmi = {
      status: {
        interfaces: [
          { ipAddress: '10.0.0.5', ipAddresses: ['10.0.0.5', 'fd10::5'] },
          { ipAddress: '192.168.1.9' },
          { ipAddresses: ['10.0.0.5'] },
          { name: 'no-ip' },
        ],
      },
    };
    expect(vmiIps(vmi)).toEqual(['10.0.0.5', 'fd10::5', '192.168.1.9']);
  });
});
