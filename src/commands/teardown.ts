// Placeholder: the `teardown` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerTeardown(program: Command): void {
  program
    .command('teardown')
    .description('Remove everything deploy created')
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('teardown is not built yet');
    });
}
