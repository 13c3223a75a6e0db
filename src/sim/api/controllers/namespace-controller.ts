// The namespace controller: a deleted namespace stays Terminating until all
// its content is gone, then its `kubernetes` finalizer is removed and it goes.
import type { Registry } from '../registry.js';
import type { ResourceRegistry } from '../resource-type.js';
import { namespaceContents } from '../system.js';
import type { SystemClient } from '../system-client.js';

export class NamespaceController {
  private readonly terminating = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly client: SystemClient,
    private readonly registry: Registry,
    private readonly types: ResourceRegistry,
    private readonly pollMs = 100,
  ) {
    this.unsubscribe = client.watch('namespaces', (ev) => {
      if (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp) {
        this.terminating.add(ev.object.metadata.name!);
        this.schedule();
      }
    });
  }

  stop(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sync();
      if (this.terminating.size > 0) this.schedule();
    }, this.pollMs);
    this.timer.unref();
  }

  private sync(): void {
    for (const name of [...this.terminating]) {
      const contents = namespaceContents(this.types, this.registry, name);
      for (const { key, object } of contents) {
        if (!object.metadata.deletionTimestamp) this.client.delete(key, name, object.metadata.name!, { propagationPolicy: 'Background' });
      }
      if (contents.length > 0) continue;
      this.terminating.delete(name);
      this.client.modify('namespaces', undefined, name, (ns) => {
        (ns.spec as { finalizers?: string[] }).finalizers = [];
        return ns;
      }, { subresource: 'finalize' });
    }
  }
}
