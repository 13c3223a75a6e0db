// A real terminal for end-to-end tests: a private tmux server (its own
// socket, no user config) with a plain bash in a pane of a given size. The
// test types into it and reads the screen back, waiting for text rather than
// sleeping, as a person (or cli-kit's tests) would wait for the prompt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface Pane {
  /** A scratch directory for this pane's files (kubeconfig, logs, scripts). */
  dir: string;
  /** What the pane shows now, as text (no escapes). */
  capture(): Promise<string>;
  /** The same, with the escapes tmux keeps for styles (-e). */
  captureStyled(): Promise<string>;
  /** tmux key names or literal text, e.g. 'Enter', 'C-c', 'p'. */
  keys(...keys: string[]): Promise<void>;
  /** Types text literally (no key names). */
  type(text: string): Promise<void>;
  /** Types a line of text literally and presses Enter. */
  run(line: string): Promise<void>;
  /** Polls the screen until the predicate holds; returns that screen. */
  waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** A tmux format about the pane, e.g. '#{cursor_flag}'. */
  display(format: string): Promise<string>;
  kill(): Promise<void>;
}

let serial = 0;

export async function openPane(columns: number, rows: number): Promise<Pane> {
  const socket = `vct-e2e-${process.pid}-${serial++}`;
  const dir = mkdtempSync(join(tmpdir(), 'vct-e2e-'));
  const tmux = (...args: string[]) => execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], { timeout: 30_000 });
  const rc = join(dir, 'bashrc');
  // A plain, predictable shell: a fixed prompt, no history expansion surprises.
  writeFileSync(rc, "PS1='$ '\nset +H\n");
  await tmux('new-session', '-d', '-s', 'main', '-x', String(columns), '-y', String(rows), '-c', dir, `env -u TMUX TERM=xterm-256color bash --noprofile --rcfile ${rc} -i`);
  const pane: Pane = {
    dir,
    capture: async () => (await tmux('capture-pane', '-p', '-t', 'main')).stdout,
    captureStyled: async () => (await tmux('capture-pane', '-p', '-e', '-t', 'main')).stdout,
    keys: async (...keys) => {
      for (const k of keys) await tmux('send-keys', '-t', 'main', k);
    },
    type: async (text) => {
      await tmux('send-keys', '-t', 'main', '-l', text);
    },
    run: async (line) => {
      await tmux('send-keys', '-t', 'main', '-l', line);
      await tmux('send-keys', '-t', 'main', 'Enter');
    },
    waitFor: async (predicate, what, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        last = await pane.capture();
        if (predicate(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${last}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    display: async (format) => (await tmux('display-message', '-p', '-t', 'main', format)).stdout.trim(),
    kill: async () => {
      await tmux('kill-server').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pane.waitFor((s) => s.includes('$'), 'the shell prompt', 30_000);
  return pane;
}
