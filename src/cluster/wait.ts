// Waiting on the cluster: polling a probe until it answers, bounded by a
// timeout and an AbortSignal. Polling, not watching, because every wait here
// is short and one missed watch event must never turn into a hang; transient
// API failures (5xx, 429, a dropped connection) are retried until the
// deadline, anything else (403, 401, 404 of a kind) ends the wait at once.
import { httpStatus } from './errors.js';

/** The caller's AbortSignal fired: the operation stopped where it was. */
export class AbortedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'AbortedError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new AbortedError(message);
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A failure worth retrying while waiting: the server or the network, not the request. */
export function isTransient(e: unknown): boolean {
  const status = httpStatus(e);
  if (status === undefined) return !(e instanceof AbortedError);
  return status >= 500 || status === 429;
}

export interface PollOptions {
  timeoutMs: number;
  /** Pause between two probes (default 500 ms). */
  pollMs?: number;
  signal?: AbortSignal;
}

export type PollResult<T> = { ok: true; value: T } | { ok: false; lastError?: unknown };

/**
 * Calls `probe` until it returns something other than undefined, or the
 * timeout passes (then `ok: false`, with the last transient error if any).
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, opts: PollOptions): Promise<PollResult<T>> {
  const deadline = Date.now() + Math.max(0, opts.timeoutMs);
  const pollMs = opts.pollMs ?? 500;
  let lastError: unknown;
  for (;;) {
    throwIfAborted(opts.signal);
    try {
      const v = await probe();
      if (v !== undefined) return { ok: true, value: v };
      lastError = undefined;
    } catch (e) {
      if (!isTransient(e)) throw e;
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) return { ok: false, lastError };
    await sleep(Math.min(pollMs, left), opts.signal);
  }
}

/**
 * Runs an idempotent request again after a transient failure (a 5xx, a 429,
 * a dropped connection), a few times with a growing pause: one lost answer
 * must not fail (and roll back) a whole deploy. Other failures are final.
 */
export async function retryTransient<T>(fn: () => Promise<T>, opts: { attempts?: number; delayMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  let delay = opts.delayMs ?? 250;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !isTransient(e)) throw e;
      await sleep(delay, opts.signal);
      delay *= 2;
    }
  }
}
