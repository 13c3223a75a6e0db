// A CI run's middle part, after deploy and before the report: following the
// run in a namespace view until its goal (a duration, or a number of
// finished migrations) is reached, the controller stops working, the caller
// gives up or interrupts; and the verdict a pipeline gates on. UI-agnostic:
// progress is reported through callbacks.
//
// "Stopped working" is judged on our own clock, not the controller's (its
// clock may be skewed): the heartbeat value has not changed for stallMs while
// the status ConfigMap's watch was connected, or the status ConfigMap is gone.
// The controller's VMI is named in the sentence when it is gone or not Running.
import { VM_NAME } from '../cloudinit/names.js';
import type { Report } from '../state/report/index.js';
import { parseTime } from '../state/time.js';
import type { Migration } from '../state/types.js';
import type { NamespaceView } from './observe.js';
import { formatDuration } from './wait-duration.js';

export type RunGoal = { kind: 'duration'; ms: number } | { kind: 'migrations'; count: number };

export type RunEnd =
  /** The goal was reached. */
  | { kind: 'done' }
  /** The controller stopped working (no heartbeat for long, its status gone). */
  | { kind: 'stalled'; reason: string }
  /** A migrations goal not reached within the time allowed. */
  | { kind: 'timeout'; reason: string }
  /** The caller's signal fired (Ctrl+C, SIGTERM). */
  | { kind: 'interrupted' };

export interface FollowOptions {
  goal: RunGoal;
  runId: string;
  /** No new heartbeat for this long means the controller stopped working. */
  stallMs: number;
  /** Give up on a migrations goal after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How often the clock-based checks run (default 1 s). */
  tickMs?: number;
  /** Each of the run's migrations as it finishes, with how many have finished so far. */
  onMigration?: (m: Migration, finished: number) => void;
}

export interface FollowResult {
  end: RunEnd;
  /** Epoch ms the following began and ended. */
  startedAt: number;
  endedAt: number;
  /** The run's migrations that finished, in the order we saw them finish. */
  finished: Migration[];
}

/** The run's own migrations (its run id) that finished. */
function finishedOf(migrations: Readonly<Record<string, Migration>>, runId: string): Migration[] {
  return Object.values(migrations).filter((m) => m.runId === runId && m.outcome !== 'in-flight');
}

export function followRun(view: NamespaceView, opts: FollowOptions): Promise<FollowResult> {
  const startedAt = Date.now();
  const seen = new Set<string>();
  const finished: Migration[] = [];
  let lastBeat = view.store.getState().controller.heartbeatAt;
  let lastBeatSeenAt = startedAt;
  let goneSince: number | undefined;

  return new Promise<FollowResult>((resolve) => {
    let settled = false;
    const finish = (end: RunEnd) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      off();
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ end, startedAt, endedAt: Date.now(), finished });
    };
    const onAbort = () => finish({ kind: 'interrupted' });

    const check = () => {
      if (settled) return;
      const now = Date.now();
      const s = view.store.getState();
      for (const m of finishedOf(s.migrations, opts.runId).sort((a, b) => (parseTime(a.ended) ?? 0) - (parseTime(b.ended) ?? 0))) {
        if (seen.has(m.uid)) continue;
        seen.add(m.uid);
        finished.push(m);
        opts.onMigration?.(m, finished.length);
      }
      if (opts.goal.kind === 'migrations' && finished.length >= opts.goal.count) return finish({ kind: 'done' });
      if (opts.goal.kind === 'duration' && now - startedAt >= opts.goal.ms) return finish({ kind: 'done' });

      // Only what we could see counts: while the status watch is down, no heartbeat can arrive.
      const statusHealth = s.health.statusConfigMaps;
      const watching = statusHealth?.connected !== false;
      const c = s.controller;
      if (c.heartbeatAt !== lastBeat || !watching) {
        lastBeat = c.heartbeatAt;
        lastBeatSeenAt = now;
      }
      if (!c.present && watching) goneSince ??= now;
      else goneSince = undefined;
      const vmi = s.fleet.get(VM_NAME);
      const vmiWords = !vmi ? `; its VMI ${VM_NAME} is gone` : vmi.phase !== 'Running' ? `; its VMI ${VM_NAME} is ${vmi.phase || 'not running'}` : '';
      if (goneSince !== undefined && now - goneSince >= Math.min(opts.stallMs, 10_000)) {
        return finish({ kind: 'stalled', reason: `the controller stopped working: its status ConfigMap was deleted${vmiWords}` });
      }
      if (now - lastBeatSeenAt >= opts.stallMs) {
        return finish({ kind: 'stalled', reason: `the controller stopped working: no heartbeat for ${formatDuration(now - lastBeatSeenAt)}${vmiWords}` });
      }
      if (opts.goal.kind === 'migrations' && opts.timeoutMs !== undefined && now - startedAt >= opts.timeoutMs) {
        return finish({
          kind: 'timeout',
          reason: `only ${finished.length} of ${opts.goal.count} migrations finished within ${formatDuration(opts.timeoutMs)} (controller ${c.state ?? 'state unknown'}${c.paused ? ', paused' : ''})`,
        });
      }
    };

    const ticker = setInterval(check, opts.tickMs ?? 1000);
    const off = view.store.subscribe(check);
    if (opts.signal?.aborted) return finish({ kind: 'interrupted' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });
}

/** Waits (at most timeoutMs) until none of the run's migrations triggered by `cutoff` is in flight. */
export function waitForInFlight(view: NamespaceView, runId: string, cutoff: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const busy = () =>
      Object.values(view.store.getState().migrations).some((m) => m.runId === runId && m.outcome === 'in-flight' && (parseTime(m.created) ?? 0) <= cutoff);
    let off = () => {};
    const done = () => {
      off();
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    off = view.store.subscribe(() => {
      if (!busy()) done();
    });
    if (!busy() || signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface Verdict {
  ok: boolean;
  /** Why not, in one sentence. */
  reason?: string;
}

const pct = (rate: number) => `${(Math.round(rate * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;

/** What a pipeline gates on: how the following ended, then the success rate against failUnder (0..1). */
export function runVerdict(report: Report, end: RunEnd, opts: { failUnder: number; dryRun: boolean; elapsedMs: number; interruptedBy?: string }): Verdict {
  const t = report.totals;
  const finished = t.total - t.inFlight;
  if (end.kind === 'stalled' || end.kind === 'timeout') return { ok: false, reason: end.reason };
  if (end.kind === 'interrupted') {
    return { ok: false, reason: `the run was interrupted${opts.interruptedBy ? ` (${opts.interruptedBy})` : ''} after ${formatDuration(opts.elapsedMs)} with ${finished} migration${finished === 1 ? '' : 's'} finished` };
  }
  if (t.successRate === undefined) {
    if (opts.dryRun) return { ok: true };
    return { ok: false, reason: `no migration finished during the run's ${formatDuration(opts.elapsedMs)}: the controller migrated nothing` };
  }
  if (t.successRate < opts.failUnder) {
    return {
      ok: false,
      reason: `the success rate ${pct(t.successRate)} (${t.succeeded} of ${finished} migration${finished === 1 ? '' : 's'} succeeded) is under --fail-under ${pct(opts.failUnder)}`,
    };
  }
  return { ok: true };
}
