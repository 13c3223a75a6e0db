// Placeholder: the `report` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("Write a report of the run's migrations")
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('report is not built yet');
    });
}
