import { describe, expect, it } from 'vitest';
import { percentile, selectStats } from '../../src/state/stats.js';
import { phaseDurations } from '../../src/state/time.js';
import type { Migration } from '../../src/state/types.js';
import { migrationFrom } from '../../src/state/vmim.js';
import { fixture, items } from './helpers/fixtures.js';

describe('percentile (nearest rank)', () => {
  const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
  it.each([
    [50, 10],
    [95, 19],
    [99, 20],
    [100, 20],
    [0, 1],
    [5, 1],
    [6, 2],
  ])('p%d of 1..20 is %d', (p, v) => {
    expect(percentile(oneToTwenty, p)).toBe(v);
  });

  it('sorts numbers as numbers and does not reorder its input', () => {
    const values = [10, 9, 100, 2];
    expect(percentile(values, 50)).toBe(9);
    expect(percentile(values, 95)).toBe(100);
    expect(values).toEqual([10, 9, 100, 2]);
  });

  it('is an observed value for small samples, and undefined for none', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([3, 8], 50)).toBe(3);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('phaseDurations', () => {
  it('measures each phase to the next transition, skipping phases a migration never entered', () => {
    const m = migrationFrom(fixture('vmim-evacuation.json'))!;
    expect(phaseDurations(m)).toEqual([
      { phase: 'Pending', seconds: 0 },
      { phase: 'Scheduling', seconds: 1 },
      { phase: 'Scheduled', seconds: 0 },
      { phase: 'PreparingTarget', seconds: 0 },
      { phase: 'TargetReady', seconds: 1 },
      { phase: 'Running', seconds: 2 },
    ]);
    expect(phaseDurations({ phaseTimes: { Pending: '2026-01-01T00:00:00Z', Running: '2026-01-01T00:00:30Z', Failed: '2026-01-01T00:01:00Z' } })).toEqual([
      { phase: 'Pending', seconds: 30 },
      { phase: 'Running', seconds: 30 },
    ]);
  });
});

describe('selectStats', () => {
  const base = (i: number, over: Partial<Migration>): Migration => ({
    uid: `u${i}`,
    name: `m${i}`,
    namespace: 'virtwork',
    vmi: 'v',
    cause: 'chaos',
    phase: '',
    phaseTimes: {},
    created: new Date(Date.parse('2026-11-27T20:00:00Z') + i * 600_000).toISOString(),
    outcome: 'succeeded',
    ...over,
  });
  const ended = (i: number, sec: number) => new Date(Date.parse('2026-11-27T20:00:00Z') + i * 600_000 + sec * 1000).toISOString();

  it('counts outcomes, rates success over finished migrations only, and takes durations of succeeded ones', () => {
    const list = [
      base(0, { ended: ended(0, 10), sourceNode: 'a', targetNode: 'b' }),
      base(1, { ended: ended(1, 30), sourceNode: 'b', targetNode: 'a' }),
      base(2, { ended: ended(2, 20), sourceNode: 'a', targetNode: 'c' }),
      base(3, { outcome: 'failed', ended: ended(3, 900), sourceNode: 'a' }),
      base(4, { outcome: 'timeout', ended: ended(4, 300) }),
      base(5, { outcome: 'aborted', ended: ended(5, 5) }),
      base(6, { outcome: 'in-flight' }),
    ];
    const now = Date.parse('2026-11-27T21:00:00Z');
    const s = selectStats(list, now);
    expect(s).toMatchObject({ total: 7, succeeded: 3, failed: 1, timeouts: 1, aborted: 1, inFlight: 1, spanSec: 3600 });
    expect(s.successRate).toBeCloseTo(3 / 6, 10);
    expect(s.perHour).toBeCloseTo(7, 10);
    // Only the succeeded (10, 20, 30 s): the 900 s failure must not drag p99 up.
    expect(s.durations).toEqual({ count: 3, p50: 20, p95: 30, p99: 30 });
    expect(s.perNode).toEqual([
      { node: 'a', outbound: 3, inbound: 1 },
      { node: 'b', outbound: 1, inbound: 1 },
      { node: 'c', outbound: 0, inbound: 1 },
    ]);
  });

  it('has no success rate before anything finished and no rate per hour under a minute of history', () => {
    const s = selectStats([base(0, { outcome: 'in-flight' })], Date.parse('2026-11-27T20:00:30Z'));
    expect(s.successRate).toBeUndefined();
    expect(s.perHour).toBeUndefined();
    expect(selectStats([], 0)).toMatchObject({ total: 0, spanSec: 0, durations: { count: 0 } });
  });

  it('gives per-phase percentiles from the real VMIMs, in phase order', () => {
    const list = [...items('vmim-list.json'), fixture('vmim-evacuation.json'), fixture('vmim-aborted.json')].map((o) => migrationFrom(o)!);
    const s = selectStats(list, Date.parse('2026-11-27T22:00:00Z'));
    expect(s.perPhase.map((p) => p.phase)).toEqual(['Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running']);
    const running = s.perPhase.find((p) => p.phase === 'Running')!;
    // Running lasted 1, 1, 2 (list), 2 (evacuation), 0 (aborted) seconds.
    expect(running).toEqual({ phase: 'Running', count: 5, p50: 1, p95: 2, p99: 2 });
    expect(s).toMatchObject({ succeeded: 4, aborted: 1 });
  });

  it('caches per collection: the same record object gives the same nested arrays', () => {
    const rec = Object.fromEntries(items('vmim-list.json').map((o) => migrationFrom(o)!).map((m) => [m.uid, m]));
    const a = selectStats(rec, 1e15);
    const b = selectStats(rec, 1e15 + 1000);
    expect(b.perNode).toBe(a.perNode);
    expect(b.perPhase).toBe(a.perPhase);
  });
});
