// Placeholder: the `pause` command is being built (issue 5).
import type { Command } from 'commander';
import { FailureError } from './errors.js';

export function registerControl(program: Command): void {
  program
    .command('pause')
    .description('Pause, resume or change the running controller')
    .allowUnknownOption(true)
    .action(() => {
      throw new FailureError('pause is not built yet');
    });
}
