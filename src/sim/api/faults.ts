// Fault injection for reliability tests, off by default: failing answers,
// latency, dropped watch connections, forced 410s, and a full outage. Settings
// take effect at once, on watches already open too: a test turns faults on
// against a running client, not only before it connects.
import { randomInt } from 'node:crypto';
import { internalError, serviceUnavailable, type StatusError } from './errors.js';

export interface FaultSettings {
  /** Share (0..1) of resource requests answered with 500 or 503. */
  errorRate: number;
  /** Added latency per request, in ms. */
  latencyMs: number;
  /** Cut every watch connection this many seconds after it opened (0 = never). */
  dropWatchesAfterSeconds: number;
  /** The next N watches that resume from a resourceVersion get 410 Expired. */
  expireNextWatches: number;
  /** Every connection is reset, as when the API server is unreachable. */
  outage: boolean;
}

export const NO_FAULTS: FaultSettings = { errorRate: 0, latencyMs: 0, dropWatchesAfterSeconds: 0, expireNextWatches: 0, outage: false };

interface OpenWatch {
  openedAt: number;
  drop: () => void;
  timer?: NodeJS.Timeout;
}

export class Faults {
  settings: FaultSettings = { ...NO_FAULTS };
  private readonly watches = new Set<OpenWatch>();

  set(patch: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...patch };
    if (patch.dropWatchesAfterSeconds !== undefined) for (const w of this.watches) this.schedule(w);
  }

  /** An error to answer instead of serving, or undefined. */
  failure(): StatusError | undefined {
    const rate = this.settings.errorRate;
    if (rate <= 0 || randomInt(1_000_000) >= rate * 1_000_000) return undefined;
    return randomInt(2) === 0 ? serviceUnavailable() : internalError('injected fault: etcdserver: request timed out');
  }

  async delay(): Promise<void> {
    const ms = this.settings.latencyMs;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  /** Consumes one forced expiry, if any is pending. */
  takeExpiry(): boolean {
    if (this.settings.expireNextWatches <= 0) return false;
    this.settings = { ...this.settings, expireNextWatches: this.settings.expireNextWatches - 1 };
    return true;
  }

  /** Registers an open watch's connection cutter; returns what to call when the watch ends. */
  trackWatch(drop: () => void): () => void {
    const w: OpenWatch = { openedAt: Date.now(), drop };
    this.watches.add(w);
    this.schedule(w);
    return () => {
      clearTimeout(w.timer);
      this.watches.delete(w);
    };
  }

  private schedule(w: OpenWatch): void {
    clearTimeout(w.timer);
    w.timer = undefined;
    const s = this.settings.dropWatchesAfterSeconds;
    if (s <= 0) return;
    const wait = Math.max(0, w.openedAt + s * 1000 - Date.now());
    w.timer = setTimeout(() => {
      this.watches.delete(w);
      w.drop();
    }, wait);
    w.timer.unref();
  }
}
