// Entry point: parses arguments and routes to the TUI or a headless command.
// This file is the only place that decides the process's exit code.
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from './commands/errors.js';
import { registerControl } from './commands/control.js';
import { registerDeploy } from './commands/deploy.js';
import { registerPreflight } from './commands/preflight.js';
import { registerRender } from './commands/render.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSim } from './commands/sim.js';
import { registerStatus } from './commands/status.js';
import { registerTeardown } from './commands/teardown.js';
import { registerTui } from './commands/tui.js';

const VERSION = '0.1.0';

function buildProgram(): Command {
  const program = new Command('virtwork-chaos-tui')
    .description('Deploy and watch a chaos-migration controller that keeps live-migrating virtwork VMs on KubeVirt')
    .version(VERSION)
    .showSuggestionAfterError(true)
    // The TUI's flags go before any subcommand; a subcommand's own flags after it.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  // Each command's heavy code is imported inside its action, so start-up stays fast.
  registerTui(program);
  registerPreflight(program);
  registerDeploy(program);
  registerStatus(program);
  registerControl(program);
  registerReport(program);
  registerRun(program);
  registerTeardown(program);
  registerRender(program);
  registerSim(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end with code 0; anything commander refuses is bad input.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    process.stderr.write(`error: ${(e as Error).message}\n`);
    if (process.env.VIRTWORK_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return exitCodeOf(e);
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
