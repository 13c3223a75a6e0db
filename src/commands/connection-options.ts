// kubectl's connection flags, shared by every command that talks to a cluster.
import type { Command } from 'commander';
import { type Connection, DEFAULT_NAMESPACE, connect } from '../cluster/connection.js';
import { ClusterError } from '../cluster/errors.js';
import { FailureError } from './errors.js';

export interface ConnectionFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/**
 * Adds --kubeconfig and --context, and -n/--namespace (default virtwork, not
 * the context's) unless the command's settings flags already carry it.
 */
export function addConnectionOptions(cmd: Command, opts: { namespace?: boolean } = {}): Command {
  cmd.option('--kubeconfig <file>', 'path to the kubeconfig file (wins over KUBECONFIG)').option('--context <name>', 'the kubeconfig context to use');
  if (opts.namespace !== false) cmd.option('-n, --namespace <ns>', "the namespace of the virtwork VMs (not the context's namespace)", DEFAULT_NAMESPACE);
  return cmd;
}

/** Connects as the flags say; a kubeconfig problem is a failure with one sentence (exit 1). */
export function connectFrom(flags: ConnectionFlags): Connection {
  try {
    return connect({ kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace });
  } catch (e) {
    if (e instanceof ClusterError) throw new FailureError(e.message);
    throw e;
  }
}
