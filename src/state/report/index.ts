// Reports: one model (buildReport) and its formats.
export { buildReport, dedupeMigrations, isFailure } from './model.js';
export type { CauseTotals, HourBucket, Report, ReportAttempt, ReportMigration, ReportOptions, ReportTotals } from './model.js';
export { toMarkdown } from './markdown.js';
export { toJson } from './json.js';
export { toCsv } from './csv.js';
export { toJunit } from './junit.js';

import { toCsv } from './csv.js';
import { toJson } from './json.js';
import { toJunit } from './junit.js';
import { toMarkdown } from './markdown.js';
import type { Report } from './model.js';

export type ReportFormat = 'md' | 'json' | 'csv' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'csv', 'junit'];

export function formatReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return toMarkdown(report);
    case 'json':
      return toJson(report);
    case 'csv':
      return toCsv(report);
    case 'junit':
      return toJunit(report);
  }
}
