// Simulated time: durations shrink by the speed factor, timestamps never do
// (everything the simulator writes is real wall-clock time). A seeded random
// source makes a run's choices reproducible.

/** mulberry32: small, fast, good enough for reproducible simulation choices. */
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

export class SimClock {
  readonly random: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    readonly speed: number,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  /** A realistic duration in ms, varied uniformly by ±spread (0..1). */
  jitter(ms: number, spread = 0.3): number {
    return ms * (1 - spread + 2 * spread * this.random());
  }

  /** Uniform in [min, max] ms. */
  between(minMs: number, maxMs: number): number {
    return minMs + (maxMs - minMs) * this.random();
  }

  /** Picks one element uniformly. */
  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** Runs fn after `ms` of simulated time (ms / speed of wall-clock time). */
  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, Math.max(0, ms / this.speed));
    t.unref();
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
