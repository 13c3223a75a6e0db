// The local history file: where it lives, what it keeps per uid however the
// lines were interleaved (two processes following one run), a torn last line,
// compaction to one line per migration, and which runs have one.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryFile, historyPath, runsWithHistory, stateDir } from '../../src/cluster/history.js';
import { keptInHistory } from '../../src/cluster/observe.js';
import type { Migration } from '../../src/state/types.js';

const running: Migration = {
  uid: 'u-1',
  name: 'virtwork-chaos-migration-abc',
  namespace: 'virtwork',
  vmi: 'virtwork-cpu-0',
  cause: 'chaos',
  runId: 'run-1',
  phase: 'Running',
  phaseTimes: { Pending: '2026-01-01T10:00:00Z', Running: '2026-01-01T10:00:03Z' },
  created: '2026-01-01T10:00:00Z',
  sourceNode: 'kv-worker-01',
  outcome: 'in-flight',
  ipsBefore: ['10.0.0.5'],
};
const succeeded: Migration = {
  ...running,
  phase: 'Succeeded',
  phaseTimes: { ...running.phaseTimes, Succeeded: '2026-01-01T10:00:09Z' },
  ended: '2026-01-01T10:00:09Z',
  targetNode: 'kv-worker-02',
  outcome: 'succeeded',
  outcomeFrom: 'vmim',
};
delete (succeeded as Partial<Migration>).ipsBefore;

const tmpFile = () => join(mkdtempSync(join(tmpdir(), 'history-test-')), 'h', 'run.jsonl');
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean);

describe('history path', () => {
  it('lives under XDG_STATE_HOME (else ~/.local/state), per context, namespace and run, with unsafe characters replaced', () => {
    const env = { XDG_STATE_HOME: '/state' };
    expect(stateDir(env)).toBe('/state/virtwork-chaos-tui');
    expect(historyPath({ context: 'admin@https://api.example:6443/x', namespace: 'virtwork', runId: 'r/1', env })).toBe(
      '/state/virtwork-chaos-tui/history/admin_https_api.example_6443_x/virtwork/r_1.jsonl',
    );
    expect(historyPath({ context: 'c', namespace: 'n', env })).toBe('/state/virtwork-chaos-tui/history/c/n/no-run.jsonl');
    expect(stateDir({})).toMatch(/\/\.local\/state\/virtwork-chaos-tui$/);
  });

  it('lists the runs that have a history, not the no-run file', () => {
    const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'history-runs-')) };
    expect(runsWithHistory({ context: 'c', namespace: 'n', env })).toEqual([]);
    for (const runId of ['b-run', 'a-run', undefined]) new HistoryFile(historyPath({ context: 'c', namespace: 'n', runId, env })).append([running]);
    expect(runsWithHistory({ context: 'c', namespace: 'n', env })).toEqual(['a-run', 'b-run']);
  });
});

describe('history file', () => {
  it('appends only what changed, and reads each migration back once', () => {
    const path = tmpFile();
    const h = new HistoryFile(path);
    expect(h.load()).toEqual([]);
    expect(h.append([running])).toBe(1);
    expect(h.append([{ ...running }])).toBe(0);
    expect(h.append([succeeded])).toBe(1);
    expect(lines(path)).toHaveLength(2);
    const back = new HistoryFile(path).load();
    expect(back).toHaveLength(1);
    // The final record, with what only the earlier line knew (the IPs before) kept.
    expect(back[0]).toMatchObject({ uid: 'u-1', outcome: 'succeeded', targetNode: 'kv-worker-02', ipsBefore: ['10.0.0.5'] });
  });

  it('folds lines in any order: a stale line written after the final one does not undo it', () => {
    const path = tmpFile();
    new HistoryFile(path).append([succeeded]);
    // Another process that had only seen the migration in flight writes after.
    new HistoryFile(path).append([running]);
    const [m] = new HistoryFile(path).load();
    expect(m).toMatchObject({ outcome: 'succeeded', phase: 'Succeeded', ipsBefore: ['10.0.0.5'] });
  });

  it('skips a torn last line and lines that are not migrations', () => {
    const path = tmpFile();
    const h = new HistoryFile(path);
    h.append([running, { ...succeeded, uid: 'u-2' }]);
    appendFileSync(path, '{"uid":"u-3","name":"torn');
    appendFileSync(path, '\n{"hello":"world"}\n');
    expect(new HistoryFile(path).load().map((m) => m.uid).sort()).toEqual(['u-1', 'u-2']);
  });

  it('compacts to one line per migration, keeping what another process appended meanwhile', () => {
    const path = tmpFile();
    const a = new HistoryFile(path);
    a.append([running]);
    a.append([succeeded]);
    new HistoryFile(path).append([{ ...succeeded, uid: 'u-other' }]);
    expect(a.redundant).toBe(true);
    a.compact();
    expect(lines(path)).toHaveLength(2);
    expect(new HistoryFile(path).load().map((m) => m.uid).sort()).toEqual(['u-1', 'u-other']);
    expect(a.redundant).toBe(false);
    expect(existsSync(`${path}.${process.pid}.tmp`)).toBe(false);
  });

  it('compacts by itself once superseded lines dominate a long file', () => {
    const path = tmpFile();
    const h = new HistoryFile(path);
    for (let i = 0; i < 600; i++) {
      h.append([{ ...running, uid: `u-${i % 50}`, phaseTimes: { ...running.phaseTimes, Running: `2026-01-01T10:${String(i % 60).padStart(2, '0')}:00Z` } }]);
      h.append([{ ...succeeded, uid: `u-${i % 50}`, ended: `2026-01-01T11:00:${String(i % 60).padStart(2, '0')}Z` }]);
    }
    expect(lines(path).length).toBeLessThan(1000);
    expect(new HistoryFile(path).load()).toHaveLength(50);
  });

  it('creates its file private to the user', () => {
    const path = tmpFile();
    new HistoryFile(path).append([running]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    new HistoryFile(path).compact();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('what a run keeps', () => {
  it("keeps the run's own migrations, those of no run while it is the deployed run, never another run's; the no-run file keeps everything", () => {
    expect(keptInHistory(running, 'run-1', undefined)).toBe(true);
    expect(keptInHistory({ ...running, runId: 'run-2' }, 'run-1', 'run-1')).toBe(false);
    const evacuation: Migration = { ...running, cause: 'evacuation' };
    delete evacuation.runId;
    expect(keptInHistory(evacuation, 'run-1', 'run-1')).toBe(true);
    expect(keptInHistory(evacuation, 'run-1', 'run-2')).toBe(false);
    expect(keptInHistory(evacuation, 'run-1', undefined)).toBe(false);
    expect(keptInHistory({ ...running, runId: 'run-2' }, undefined, 'run-1')).toBe(true);
  });
});
