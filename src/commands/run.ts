// Placeholder: the `run` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Deploy, let the controller work, report, tear down (for CI)')
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('run is not built yet');
    });
}
