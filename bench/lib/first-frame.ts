// Start-up: from spawning `node dist/cli.js` in a terminal (script(1) gives it
// a pty) to its first frame (the first output with the product's name), and
// `kubectl version --client` from spawn to exit, for comparison.
import { spawn } from 'node:child_process';

/** Milliseconds from spawn to the first output containing `marker`; the TUI is then asked to quit. */
export function timeToFirstFrame(command: string, marker: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qfc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    let out = '';
    let took: number | undefined;
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`no first frame within ${timeoutMs} ms: ${JSON.stringify(out.slice(0, 300))}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (took === undefined && out.includes(marker)) {
        took = performance.now() - started;
        // q quits the TUI at any moment (before the cluster answers too).
        child.stdin.write('q');
        setTimeout(() => {
          if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
        }, 10_000).unref();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      if (took === undefined) reject(new Error(`exited before the first frame: ${JSON.stringify(out.slice(0, 300))}`));
      else resolve(took);
    });
  });
}

/** Milliseconds from spawn to exit of a command. */
export function timeToExit(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}
