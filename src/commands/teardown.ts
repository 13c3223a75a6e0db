// `virtwork-chaos-tui teardown [connection flags] [--run-id ID] [--yes]
// [--delete-migrations] [--timeout 5m] [--json]`: removes every object deploy
// created (src/cluster/teardown.ts), found by labels, and says what it
// removed. The run's migrations stay for history unless --delete-migrations.
// Asks first on a terminal; without one it needs --yes (exit 2).
import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags } from './connection-options.js';
import { confirm, durationOption, requireConfirmable, stepPrinter, withInterrupt } from './deploy.js';
import { FailureError } from './errors.js';

interface TeardownFlags extends ConnectionFlags {
  runId?: string;
  yes: boolean;
  deleteMigrations: boolean;
  timeout: number;
  json: boolean;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function registerTeardown(program: Command): Command {
  const cmd = program
    .command('teardown')
    .description("remove everything deploy created (found by virtwork's labels, RBAC included); the run's migrations stay unless --delete-migrations")
    .option('--run-id <id>', 'only this run (default: every chaos-migration run in the namespace)')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)', false)
    .option('--delete-migrations', "also delete the run's VirtualMachineInstanceMigrations (kept for history otherwise)", false)
    .option('--timeout <duration>', 'how long the VM, its VMI and deleted migrations get to disappear', durationOption('--timeout'), 5 * 60_000)
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)', false);
  addConnectionOptions(cmd);
  cmd.action(async (flags: TeardownFlags) => {
    requireConfirmable('teardown', flags.yes);
    const out = flags.json ? process.stderr : process.stdout;
    const { connectFrom } = await import('./connect.js');
    const conn = connectFrom(flags);
    const namespace = conn.namespace;
    const { ClusterError } = await import('../cluster/errors.js');
    const { planTeardown, teardown, TeardownError } = await import('../cluster/teardown.js');
    try {
      if (!flags.yes) {
        const plan = await planTeardown(conn, { namespace, runId: flags.runId });
        if (plan.objects.length === 0 && (!flags.deleteMigrations || plan.migrations.length === 0)) {
          out.write(`Nothing to remove in namespace ${namespace}.\n`);
          return;
        }
        out.write(`In namespace ${namespace} on context ${conn.context}${plan.runIds.length ? `, run ${plan.runIds.join(', ')}` : ''}:\n`);
        for (const o of plan.objects) out.write(`  ${o.kind} ${o.name}\n`);
        if (plan.migrations.length) out.write(`  ${plural(plan.migrations.length, 'migration')} (${flags.deleteMigrations ? 'deleted' : 'kept for history'})\n`);
        if (!(await confirm('Remove these?', false))) {
          out.write('Cancelled: nothing was removed.\n');
          return;
        }
      }
      const result = await withInterrupt((signal) =>
        teardown(conn, { namespace, runId: flags.runId, deleteMigrations: flags.deleteMigrations, onStep: stepPrinter(out), signal, timeoutMs: flags.timeout }),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
        return;
      }
      if (result.removed.length === 0 && result.migrationsDeleted === 0) {
        out.write(`\nNothing to remove in namespace ${namespace}${result.migrationsKept ? ` (${plural(result.migrationsKept, 'migration')} kept for history)` : ''}.\n`);
        return;
      }
      const kept = result.migrationsKept ? `; kept ${plural(result.migrationsKept, 'migration')} for history` : '';
      const deleted = result.migrationsDeleted ? `; deleted ${plural(result.migrationsDeleted, 'migration')}` : '';
      out.write(
        `\nRemoved ${plural(result.removed.length, 'object')}${result.runIds.length ? ` of run ${result.runIds.join(', ')}` : ''} from namespace ${namespace}${deleted}${kept}.\n`,
      );
    } catch (e) {
      if (e instanceof TeardownError) {
        if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, error: e.message, removed: e.removed, steps: e.steps }, null, 2)}\n`);
        throw new FailureError(e.message);
      }
      if (e instanceof ClusterError || (e instanceof Error && e.name === 'AbortedError')) {
        if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, error: e.message }, null, 2)}\n`);
        throw new FailureError(e.message);
      }
      throw e;
    }
  });
  return cmd;
}
