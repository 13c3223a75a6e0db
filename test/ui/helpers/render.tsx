// Renders the app (or one screen) with ink-testing-library on scoped stores,
// at a chosen terminal size, with a dispatch that records effects, and
// helpers to press keys and wait for what the frame shows.
import type { ReactNode } from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../../src/ui/app.js';
import { AppContext, type AppContextValue } from '../../../src/ui/context.js';
import type { ClusterStore } from '../../../src/state/cluster-store.js';
import type { Effect } from '../../../src/state/wizard-reducer.js';
import type { WizardStore } from '../../../src/state/wizard.js';

export const KEYS = {
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  backspace: '\u007F',
  space: ' ',
  ctrlC: '\u0003',
} as const;

export const PREVIEW_TEXT = {
  objects: Array.from({ length: 120 }, (_, i) => `object line ${i + 1}`).join('\n'),
  script: Array.from({ length: 80 }, (_, i) => `script line ${i + 1}`).join('\n'),
  sample: 'next migrations\n12:00:05  virtwork-cpu-0',
};

export interface Rendered {
  frame(): string;
  lines(): string[];
  effects: Effect[];
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
  /** Every frame written so far. */
  frames: string[];
}

export const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

export interface RenderOptions {
  columns?: number;
  rows?: number;
  demo?: boolean;
  preview?: AppContextValue['preview'];
}

/** Renders `node` (default: the whole App) in the app's context. */
export async function renderApp(wizard: WizardStore, cluster: ClusterStore, opts: RenderOptions = {}, node: ReactNode = <App />): Promise<Rendered> {
  const effects: Effect[] = [];
  const value: AppContextValue = {
    wizard,
    cluster,
    dispatch: (e) => effects.push(e),
    info: { demo: opts.demo ?? false, version: '0.0.0-test' },
    preview: opts.preview ?? (() => PREVIEW_TEXT),
  };
  const r = render(<AppContext.Provider value={value}>{node}</AppContext.Provider>);
  const frame = () => r.lastFrame() ?? '';
  const resize = async (columns: number, rows: number) => {
    // ink-testing-library's stdout is 100 columns with no rows; a terminal
    // resize is how a real one changes size, and the app follows it.
    Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
    r.stdout.emit('resize');
    await tick();
  };
  // Let effects (useInput's stdin listener) attach before the first key.
  await tick(30);
  if (opts.columns || opts.rows) await resize(opts.columns ?? 100, opts.rows ?? 24);
  const waitFor = async (predicate: (f: string) => boolean, what: string, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frame();
      if (predicate(f)) return f;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
      await tick(10);
    }
  };
  return {
    frame,
    lines: () => frame().split('\n'),
    effects,
    frames: r.frames,
    async press(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        // A lone Esc is told apart from a sequence on the next turn of the loop.
        await tick(k === KEYS.esc ? 30 : 10);
      }
    },
    async type(text: string) {
      for (const ch of text) {
        r.stdin.write(ch);
        await tick(5);
      }
      await tick();
    },
    waitFor,
    resize,
    unmount: () => r.unmount(),
  };
}

/** Text without ANSI escape sequences. */
// eslint-disable-next-line no-control-regex -- stripping escapes is the point
export const plain = (s: string) => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

/** The VMI table's rows in a frame: the lines after its NAME header, up to the migration log. */
export function tableRows(frame: string): string[] {
  const lines = plain(frame).split('\n');
  const start = lines.findIndex((l) => /^\s*NAME\s/.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('migrations (newest first)'));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
}
