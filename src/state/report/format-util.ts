// Small number and text helpers the report formats share.

/** Seconds with at most 3 decimals and no trailing zeros ('' for undefined). */
export function seconds(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  return String(Math.round(n * 1000) / 1000);
}

/** 0.9567 -> "95.7%"; '' when there is no rate. */
export function percent(rate: number | undefined): string {
  return rate === undefined ? '' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** A rate per hour with one decimal; '' when unknown. */
export function rate(perHour: number | undefined): string {
  return perHour === undefined ? '' : (Math.round(perHour * 10) / 10).toFixed(1);
}
