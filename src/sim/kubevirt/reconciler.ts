// A controller's work queue: keys are enqueued from watch events, deduplicated,
// and reconciled asynchronously in batches, like client-go's workqueue. A
// reconcile can ask to run again after some simulated time; until then the key
// is parked, so the controller's own writes do not hurry it along (an urgent
// enqueue, such as a deletion, still goes through).
import type { SimClock } from './clock.js';

export type ReconcileResult = { requeueAfterMs?: number } | void;

export class Reconciler {
  private readonly pending = new Set<string>();
  private readonly urgent = new Set<string>();
  /** Wall-clock time before which a parked key is not reconciled. */
  private readonly parked = new Map<string, number>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly clock: SimClock,
    private readonly reconcile: (key: string) => ReconcileResult,
    private readonly log: (line: string) => void,
  ) {}

  enqueue(key: string, opts: { urgent?: boolean } = {}): void {
    if (this.stopped) return;
    if (opts.urgent) this.urgent.add(key);
    this.pending.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private park(key: string, ms: number): void {
    const until = Date.now() + ms / this.clock.speed;
    this.parked.set(key, until);
    // Only the latest park's timer may wake the key: an older one would hurry it.
    this.clock.after(ms, () => {
      if (this.parked.get(key) !== until) return;
      this.parked.delete(key);
      this.enqueue(key, { urgent: true });
    });
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const keys = [...this.pending];
    this.pending.clear();
    const now = Date.now();
    for (const key of keys) {
      const urgent = this.urgent.delete(key);
      const until = this.parked.get(key);
      if (!urgent && until !== undefined && now < until) continue;
      this.parked.delete(key);
      try {
        const r = this.reconcile(key);
        if (r && r.requeueAfterMs !== undefined) this.park(key, r.requeueAfterMs);
      } catch (e) {
        // A failed reconcile is retried with backoff, as a controller would.
        this.log(`${this.name}: reconcile ${key} failed: ${(e as Error).message}`);
        this.park(key, 1000);
      }
    }
  }
}

export const nsKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
