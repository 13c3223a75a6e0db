// Mounts the TUI. Ink does not exit on Ctrl+C (the keymap handles it, so the
// terminal is always restored) and does not patch the console (nothing may
// write to it while Ink renders). Cluster changes come at the pace of the
// watch batches (FRAME_MS in src/commands/tui-runtime.ts); Ink's throttle
// matches it, so that a batch is drawn at once rather than waiting for Ink's
// next slot.
import { render } from 'ink';
import { App } from './app.js';
import { AppContext, type AppContextValue } from './context.js';

export interface MountedApp {
  unmount(): void;
  waitUntilExit(): Promise<unknown>;
}

export function mountApp(ctx: AppContextValue, io: { stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream } = {}): MountedApp {
  const instance = render(
    <AppContext.Provider value={ctx}>
      <App />
    </AppContext.Provider>,
    { exitOnCtrlC: false, patchConsole: false, maxFps: 60, ...(io.stdout ? { stdout: io.stdout } : {}), ...(io.stdin ? { stdin: io.stdin } : {}) },
  );
  return { unmount: () => instance.unmount(), waitUntilExit: () => instance.waitUntilExit() };
}
