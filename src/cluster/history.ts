// The local history of migrations, so reports outlive KubeVirt keeping only
// five finished migrations per VMI, and TUI restarts: one JSON Lines file per
// context, namespace and run under the XDG state directory. Append-only (a
// crash loses at most the line being written); a later line for the same
// migration uid supersedes an earlier one when read back.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Migration } from '../state/types.js';

/** Path segments from user-controlled names (contexts carry '/', ':', '@'). */
function segment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || '_';
}

export function stateDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'virtwork-chaos-tui');
}

export function historyPath(opts: { context: string; namespace: string; runId?: string; env?: Record<string, string | undefined> }): string {
  return join(stateDir(opts.env), 'history', segment(opts.context), segment(opts.namespace), `${segment(opts.runId ?? 'no-run')}.jsonl`);
}

export class HistoryFile {
  /** What was last written per uid, so unchanged migrations are not appended again. */
  private readonly written = new Map<string, string>();
  private lines = 0;

  constructor(readonly path: string) {}

  /** Every migration in the file, deduplicated by uid (the last line wins). Unreadable lines are skipped. */
  load(): Migration[] {
    if (!existsSync(this.path)) return [];
    const byUid = new Map<string, Migration>();
    let lines = 0;
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      lines++;
      try {
        const m = JSON.parse(line) as Migration;
        if (typeof m.uid === 'string' && m.uid) byUid.set(m.uid, m);
      } catch {
        // A torn last line after a crash: the record before it still stands.
      }
    }
    this.lines = lines;
    for (const [uid, m] of byUid) this.written.set(uid, JSON.stringify(m));
    return [...byUid.values()];
  }

  /** Appends the migrations that are new or changed since they were last written. */
  append(migrations: Iterable<Migration>): number {
    const out: string[] = [];
    for (const m of migrations) {
      const json = JSON.stringify(m);
      if (this.written.get(m.uid) === json) continue;
      this.written.set(m.uid, json);
      out.push(json);
    }
    if (out.length === 0) return 0;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${out.join('\n')}\n`, { mode: 0o600 });
    this.lines += out.length;
    // Superseded lines pile up for long runs; rewrite once they dominate.
    if (this.lines > 4 * this.written.size && this.lines > 1000) this.compact();
    return out.length;
  }

  private compact(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${[...this.written.values()].join('\n')}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.lines = this.written.size;
  }
}
