// How in-process controllers (the simulator's own "kube-controller-manager",
// KubeVirt's controllers) read and write the cluster: through the same
// registry logic as HTTP clients (defaulting, validation, admission, finalizers,
// resourceVersions, watch events), as a privileged system identity.
import type { StoreEvent } from './store.js';
import type { KubeObject, UserInfo } from './types.js';

/** Resource keys are `configmaps`, `roles.rbac.authorization.k8s.io`, `virtualmachines.kubevirt.io`. */
export interface SystemClient {
  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(key: string, namespace?: string): KubeObject[];
  /** Creates an object; throws a StatusError as the API would (AlreadyExists, Invalid, ...). */
  create(key: string, obj: KubeObject, opts?: { as?: UserInfo }): KubeObject;
  /** Replaces an object; a set metadata.resourceVersion is checked (409 when stale). */
  update(key: string, obj: KubeObject, opts?: { subresource?: string; as?: UserInfo }): KubeObject;
  /**
   * Reads, changes and writes an object, retrying on conflict. `mutate` gets a
   * deep copy and returns it (or a replacement), or undefined to skip the write.
   */
  modify(
    key: string,
    namespace: string | undefined,
    name: string,
    mutate: (o: KubeObject) => KubeObject | undefined,
    opts?: { subresource?: string },
  ): KubeObject | undefined;
  /** Deletes an object with the API's semantics (finalizers keep it with a deletionTimestamp). */
  delete(key: string, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' }): void;
  /** Every change to a resource, synchronously, in order. */
  watch(key: string, fn: (ev: StoreEvent) => void): () => void;
}
