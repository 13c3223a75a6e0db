// Pod IPs per node, from the node's slice of the cluster network (each node
// owns a /24 upstream, a /23 on OpenShift's OVN-Kubernetes), so that a
// migrated VMI's pod IP visibly changes with its node.
import type { Flavor } from './context.js';

export class PodIps {
  private readonly nodeIndex = new Map<string, number>();
  private readonly next = new Map<string, number>();

  constructor(private readonly flavor: Flavor) {}

  allocate(node: string): string {
    let idx = this.nodeIndex.get(node);
    if (idx === undefined) {
      idx = this.nodeIndex.size;
      this.nodeIndex.set(node, idx);
    }
    const n = (this.next.get(node) ?? 0) + 1;
    this.next.set(node, n);
    if (this.flavor === 'openshift') {
      const host = (n % 500) + 3;
      return `10.128.${idx * 2 + Math.floor(host / 256)}.${host % 256}`;
    }
    return `10.244.${idx % 256}.${(n % 250) + 3}`;
  }
}
