// The local history of migrations, so reports outlive KubeVirt keeping only
// five finished migrations per VMI, and TUI restarts: one JSON Lines file per
// context, namespace and run under the XDG state directory.
//
// Append-only while it is written (a crash loses at most the line being
// written; appends of a few KB are atomic with O_APPEND, so two processes
// following the same run do not tear each other's lines); every line is a
// whole Migration. Read back, the lines of one uid are folded with the state
// layer's merge rules (the richer record wins field by field), so it does not
// matter which process wrote last. compact() rewrites the file with one line
// per uid: when superseded lines dominate, and when a view closes, so that a
// file at rest holds every migration exactly once.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { mergeMigration, sameMigration } from '../state/merge.js';
import type { Migration } from '../state/types.js';

type Env = Record<string, string | undefined>;

/** Path segments from user-controlled names (contexts carry '/', ':', '@'). */
function segment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || '_';
}

/** The file name used for a view that follows no run. */
export const NO_RUN = 'no-run';

export function stateDir(env: Env = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'virtwork-chaos-tui');
}

/** The directory holding one file per run of a context and namespace. */
export function historyDir(opts: { context: string; namespace: string; env?: Env }): string {
  return join(stateDir(opts.env), 'history', segment(opts.context), segment(opts.namespace));
}

export function historyPath(opts: { context: string; namespace: string; runId?: string; env?: Env }): string {
  return join(historyDir(opts), `${segment(opts.runId ?? NO_RUN)}.jsonl`);
}

/**
 * The runs with a local history in this context and namespace (file names,
 * so a run id with characters a file name cannot hold shows as stored).
 */
export function runsWithHistory(opts: { context: string; namespace: string; env?: Env }): string[] {
  try {
    return readdirSync(historyDir(opts))
      .filter((f) => f.endsWith('.jsonl') && f !== `${NO_RUN}.jsonl`)
      .map((f) => f.slice(0, -'.jsonl'.length))
      .sort();
  } catch {
    return [];
  }
}

function isMigration(v: unknown): v is Migration {
  const m = v as Partial<Migration> | null;
  return typeof m === 'object' && m !== null && typeof m.uid === 'string' && m.uid !== '' && typeof m.phaseTimes === 'object' && m.phaseTimes !== null;
}

/** Reads a history file: every migration in it, folded by uid, and how many lines it has. */
function readLines(path: string): { byUid: Map<string, Migration>; lines: number } {
  const byUid = new Map<string, Migration>();
  let lines = 0;
  if (!existsSync(path)) return { byUid, lines };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    lines++;
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      // A torn last line after a crash: the records before it still stand.
      continue;
    }
    if (!isMigration(m)) continue;
    const cur = byUid.get(m.uid);
    // A later line is the newer knowledge; the merge keeps what either knew.
    byUid.set(m.uid, cur ? mergeMigration(m, cur) : m);
  }
  return { byUid, lines };
}

export class HistoryFile {
  /** What the file holds per uid (as far as this process knows), for deciding what to append. */
  private readonly known = new Map<string, Migration>();
  private lines = 0;

  constructor(readonly path: string) {}

  /** Every migration in the file, deduplicated by uid. Unreadable lines are skipped. */
  load(): Migration[] {
    const { byUid, lines } = readLines(this.path);
    this.lines = lines;
    for (const [uid, m] of byUid) this.known.set(uid, m);
    return [...byUid.values()];
  }

  /** How many migrations this process knows the file to hold. */
  get size(): number {
    return this.known.size;
  }

  /** The file has more lines than migrations (as far as this process knows): compact() would shrink it. */
  get redundant(): boolean {
    return this.lines > this.known.size;
  }

  /** Appends the migrations that are new or changed since they were last written or read; returns how many. */
  append(migrations: Iterable<Migration>): number {
    const out: string[] = [];
    for (const m of migrations) {
      if (!isMigration(m)) continue;
      const cur = this.known.get(m.uid);
      if (cur && (cur === m || sameMigration(cur, m))) continue;
      this.known.set(m.uid, m);
      out.push(JSON.stringify(m));
    }
    if (out.length === 0) return 0;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, `${out.join('\n')}\n`, { mode: 0o600 });
    this.lines += out.length;
    // Superseded lines pile up over a long run; rewrite once they dominate.
    if (this.lines > 4 * this.known.size && this.lines > 1000) this.compact();
    return out.length;
  }

  /**
   * Rewrites the file with one line per migration: what is on disk now
   * (another process may have appended) folded with what this process wrote.
   * Written to a temporary file and renamed over, so a reader never sees half
   * a file. A line another process appends between the read and the rename is
   * lost; it writes the migration again on its next change or its own close.
   */
  compact(): void {
    if (!existsSync(this.path) && this.known.size === 0) return;
    const { byUid } = readLines(this.path);
    for (const [uid, m] of this.known) {
      const disk = byUid.get(uid);
      byUid.set(uid, disk ? mergeMigration(m, disk) : m);
    }
    this.known.clear();
    for (const [uid, m] of byUid) this.known.set(uid, m);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, byUid.size ? `${[...byUid.values()].map((m) => JSON.stringify(m)).join('\n')}\n` : '', { mode: 0o600 });
    renameSync(tmp, this.path);
    this.lines = byUid.size;
  }
}
