// Records core/v1 Events as KubeVirt's controllers do, and keeps them bounded
// the way a real cluster's event TTL does.
import { randomBytes } from 'node:crypto';
import { timestamp } from '../api/object-meta.js';
import type { SystemClient } from '../api/system-client.js';
import type { KubeObject } from '../api/types.js';

/** Events kept per namespace; the oldest go first (a real cluster expires them after an hour). */
const MAX_EVENTS_PER_NAMESPACE = 2000;

export class EventRecorder {
  private readonly order = new Map<string, string[]>();

  constructor(private readonly client: SystemClient) {}

  record(about: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const ns = about.metadata.namespace ?? 'default';
    const name = `${about.metadata.name}.${randomBytes(8).toString('hex')}`;
    const now = timestamp();
    try {
      this.client.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: {
          apiVersion: about.apiVersion,
          kind: about.kind,
          name: about.metadata.name,
          namespace: ns,
          uid: about.metadata.uid,
          resourceVersion: about.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: '',
      });
    } catch {
      return; // An event that cannot be recorded is dropped, as client-go's recorder does.
    }
    const list = this.order.get(ns) ?? [];
    list.push(name);
    this.order.set(ns, list);
    while (list.length > MAX_EVENTS_PER_NAMESPACE) this.client.delete('events', ns, list.shift()!);
  }
}
