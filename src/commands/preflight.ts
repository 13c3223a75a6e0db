// Placeholder: the `preflight` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerPreflight(program: Command): void {
  program
    .command('preflight')
    .description('Check that the cluster is ready for the chaos-migration controller')
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('preflight is not built yet');
    });
}
