// The report as JSON: the model itself, for machines (`report --format json`).
import type { Report } from './model.js';

export function toJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
