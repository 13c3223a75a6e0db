// Connects as the connection flags say; imported inside a command's action
// (it loads the Kubernetes client).
import { type Connection, connect } from '../cluster/connection.js';
import { ClusterError } from '../cluster/errors.js';
import type { ConnectionFlags } from './connection-options.js';
import { FailureError } from './errors.js';

/** A kubeconfig problem is a failure with one sentence (exit 1). */
export function connectFrom(flags: ConnectionFlags): Connection {
  try {
    return connect({ kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace });
  } catch (e) {
    if (e instanceof ClusterError) throw new FailureError(e.message);
    throw e;
  }
}
