import { describe, expect, it } from 'vitest';
import { expectedPerHour, previewSchedule, randomBetween } from '../../src/state/schedule-preview.js';

/** A fixed sequence of draws, repeated. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

/** A small deterministic PRNG (mulberry32) for distribution checks. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('randomBetween', () => {
  it('is inclusive at both ends, like random_between', () => {
    expect(randomBetween(120, 600, () => 0)).toBe(120);
    expect(randomBetween(120, 600, () => 0.999999999)).toBe(600);
    expect(randomBetween(5, 15, () => 0.5)).toBe(10);
  });
  it('never leaves the range even for a source that returns 1, and gives min when max <= min', () => {
    expect(randomBetween(1, 3, () => 1)).toBe(3);
    expect(randomBetween(7, 7, () => 0.9)).toBe(7);
    expect(randomBetween(9, 3, () => 0.9)).toBe(9);
  });
  it('hits every second in the range about equally', () => {
    const r = mulberry32(42);
    const counts = new Map<number, number>();
    for (let i = 0; i < 11_000; i++) {
      const v = randomBetween(5, 15, r);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('previewSchedule', () => {
  const start = Date.parse('2026-11-27T22:00:00Z');

  it('draws the wait, then the target, for each planned migration, and accumulates the waits', () => {
    // wait draws 0 -> 10 s, 0.999 -> 20 s; target draws 0.5 of three -> index 1, 0.9 -> index 2.
    const plan = previewSchedule({ min: 10, max: 20, eligible: ['a', 'b', 'c'], count: 3, start, random: seq(0, 0.5, 0.999, 0.9) });
    expect(plan).toEqual([
      { at: start + 10_000, offsetSec: 10, waitSec: 10, target: 'b' },
      { at: start + 30_000, offsetSec: 30, waitSec: 20, target: 'c' },
      { at: start + 40_000, offsetSec: 40, waitSec: 10, target: 'b' },
    ]);
  });

  it('plans nothing without an eligible VMI, and keeps waits within [min, max]', () => {
    expect(previewSchedule({ min: 5, max: 15, eligible: [], count: 5, start, random: Math.random })).toEqual([]);
    const plan = previewSchedule({ min: 5, max: 15, eligible: ['only'], count: 200, start, random: mulberry32(7) });
    expect(plan).toHaveLength(200);
    for (const p of plan) {
      expect(p.waitSec).toBeGreaterThanOrEqual(5);
      expect(p.waitSec).toBeLessThanOrEqual(15);
      expect(Number.isInteger(p.waitSec)).toBe(true);
      expect(p.target).toBe('only');
    }
  });

  it('picks targets uniformly', () => {
    const plan = previewSchedule({ min: 1, max: 1, eligible: ['a', 'b', 'c', 'd'], count: 8000, start, random: mulberry32(3) });
    const counts = ['a', 'b', 'c', 'd'].map((t) => plan.filter((p) => p.target === t).length);
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe('expectedPerHour', () => {
  it('is 3600 over the mean interval, with the range from all-max to all-min waits', () => {
    expect(expectedPerHour(120, 600)).toEqual({ perHour: 10, minPerHour: 6, maxPerHour: 30 });
    expect(expectedPerHour(5, 15)).toEqual({ perHour: 360, minPerHour: 240, maxPerHour: 720 });
    expect(expectedPerHour(60, 60).perHour).toBe(60);
  });
});
