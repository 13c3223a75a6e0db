// `pause`, `resume` and `set KEY=VALUE ...` [connection flags] [--timeout 15s]:
// change the running controller through its config ConfigMap and wait for it
// to confirm (src/cluster/control.ts). Bad input (an unknown key, a value the
// flags would refuse, min > max) is exit 2 before anything is written; no
// controller, or no confirmation in time, is exit 1.
import type { Command } from 'commander';
import type { ConfigChange } from '../cluster/control.js';
import { CONFIG_KEYS } from '../cloudinit/config-data.js';
import { SettingsError } from '../cloudinit/settings.js';
import { addConnectionOptions, type ConnectionFlags } from './connection-options.js';
import { durationOption, withInterrupt } from './deploy.js';
import { FailureError, UsageError } from './errors.js';

interface ControlFlags extends ConnectionFlags {
  timeout: number;
}

type Change = 'pause' | 'resume' | 'set';

function confirmation(kind: Change, c: ConfigChange): string {
  const s = c.status;
  const state = s.state ? `state ${s.state}` : 'no state reported';
  if (kind === 'pause') {
    const inFlight = s.state === 'migrating' && s.currentMigration ? `; the migration in flight (${s.currentMigration} of VMI ${s.currentVmi}) finishes first` : '';
    return `paused: the controller confirmed (${state})${inFlight}`;
  }
  if (kind === 'resume') return `resumed: the controller confirmed (${state})`;
  const pairs = Object.entries(c.patch).map(([k, v]) => `${k}=${v === '' ? '""' : v}`);
  return `set ${pairs.join(' ')}: the controller confirmed (${state})`;
}

async function run(kind: Change, flags: ControlFlags, assignments: string[] = []): Promise<void> {
  // Syntax and values first: bad input never needs a cluster.
  const { parseConfigAssignment } = await import('../cloudinit/config-data.js');
  try {
    for (const a of assignments) parseConfigAssignment(a);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
  const { connectFrom } = await import('./connect.js');
  const conn = connectFrom(flags);
  const { ClusterError } = await import('../cluster/errors.js');
  const control = await import('../cluster/control.js');
  const opts = { timeoutMs: flags.timeout };
  try {
    const change = await withInterrupt((signal) =>
      kind === 'pause'
        ? control.pause(conn, conn.namespace, { ...opts, signal })
        : kind === 'resume'
          ? control.resume(conn, conn.namespace, { ...opts, signal })
          : control.setAssignments(conn, conn.namespace, assignments, { ...opts, signal }),
    );
    process.stdout.write(`${confirmation(kind, change)}\n`);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    if (e instanceof ClusterError || (e instanceof Error && e.name === 'AbortedError')) throw new FailureError(e.message);
    throw e;
  }
}

function withCommon(cmd: Command): Command {
  cmd.option('--timeout <duration>', 'how long the controller gets to confirm', durationOption('--timeout'), 15_000);
  return addConnectionOptions(cmd);
}

export function registerControl(program: Command): void {
  withCommon(program.command('pause').description('pause the controller (a migration in flight finishes) and wait until it confirms')).action(
    (flags: ControlFlags) => run('pause', flags),
  );
  withCommon(program.command('resume').description('resume a paused controller and wait until it confirms')).action((flags: ControlFlags) => run('resume', flags));
  withCommon(
    program
      .command('set')
      .description(`change live settings and wait until the controller confirms; KEY is one of ${CONFIG_KEYS.join(', ')}`)
      .argument('<KEY=VALUE...>', 'e.g. migration-interval-min=60 migration-dry-run=true'),
  ).action((assignments: string[], flags: ControlFlags) => run('set', flags, assignments));
}
