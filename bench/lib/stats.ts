// Order statistics for benchmark samples.

/** The q-quantile (0..1) of the samples, nearest-rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (s: number[]) => quantile(s, 0.5);

/** Rounds to one decimal place, for readable figures. */
export const round1 = (n: number) => Math.round(n * 10) / 10;
