// kubectl's connection flags, shared by every command that talks to a
// cluster. Kept free of the Kubernetes client so that registering commands
// (and the TUI's first frame) does not load it; connect.ts does.
import type { Command } from 'commander';
import { DEFAULT_NAMESPACE } from '../cloudinit/names.js';

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
