// A sample of what the controller's schedule would do, by the script's own
// random rules: before each round it waits a whole number of seconds drawn
// uniformly from [min, max] (random_between), then picks one eligible VMI
// uniformly (shuf -n 1). The random source is injected so tests (and a
// stable preview on screen) can fix it.

export interface PreviewOptions {
  /** migration-interval-min and -max, seconds. */
  min: number;
  max: number;
  /** Names of the eligible VMIs. */
  eligible: readonly string[];
  /** How many planned migrations to show. */
  count: number;
  /** Epoch ms the schedule starts from (deploy time, or now). */
  start: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

export interface PlannedMigration {
  /** Epoch ms of the attempt. */
  at: number;
  /** Seconds after `start`. */
  offsetSec: number;
  /** The wait drawn before this attempt, seconds. */
  waitSec: number;
  target: string;
}

/** Uniform integer in [lo, hi], as random_between draws it (hi <= lo gives lo). */
export function randomBetween(lo: number, hi: number, random: () => number): number {
  if (hi <= lo) return lo;
  const span = hi - lo + 1;
  // Math.floor(r * span) is span only if r is 1, which a broken source might return.
  return lo + Math.min(span - 1, Math.floor(random() * span));
}

/**
 * The next `count` migrations: times and targets. Each attempt's time adds
 * only the drawn wait; the real controller also spends the migration's own
 * duration before it draws the next wait, so real attempts come a little
 * later. No eligible VMI: nothing is planned (the controller waits and looks
 * again), so the result is empty.
 */
export function previewSchedule(opts: PreviewOptions): PlannedMigration[] {
  const out: PlannedMigration[] = [];
  if (opts.eligible.length === 0 || opts.count <= 0) return out;
  const min = Math.max(0, Math.floor(opts.min));
  const max = Math.max(min, Math.floor(opts.max));
  let offset = 0;
  for (let i = 0; i < opts.count; i++) {
    // The script draws the wait first (schedule_next), then the target in the round.
    const waitSec = randomBetween(min, max, opts.random);
    offset += waitSec;
    const target = opts.eligible[randomBetween(0, opts.eligible.length - 1, opts.random)]!;
    out.push({ at: opts.start + offset * 1000, offsetSec: offset, waitSec, target });
  }
  return out;
}

export interface ExpectedRate {
  /** 3600 / the mean interval ((min + max) / 2). */
  perHour: number;
  /** Every wait at max: the fewest per hour. */
  minPerHour: number;
  /** Every wait at min: the most per hour. */
  maxPerHour: number;
}

/**
 * Migrations per hour the schedule aims at. Upper bounds in practice: each
 * migration's own duration (and rounds with nothing eligible) come on top of
 * the waits.
 */
export function expectedPerHour(min: number, max: number): ExpectedRate {
  const lo = Math.max(1, Math.min(min, max));
  const hi = Math.max(1, Math.max(min, max));
  return { perHour: 3600 / ((lo + hi) / 2), minPerHour: 3600 / hi, maxPerHour: 3600 / lo };
}
