// Placeholder: the `deploy` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description('Deploy the controller VM and its RBAC')
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('deploy is not built yet');
    });
}
