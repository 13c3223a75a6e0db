// Placeholder: the `status` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show the controller and the fleet')
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('status is not built yet');
    });
}
