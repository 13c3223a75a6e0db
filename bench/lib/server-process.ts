// Runs the simulated API server in a child process, seeded with N ConfigMaps,
// so that the benchmark's clients (parsing lists, reading watch streams) do
// not share an event loop with the server they measure.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerInfo {
  url: string;
  caPem: string;
  adminToken: string;
  namespace: string;
  objects: number;
  seedMs: number;
}

export interface ServerProcess {
  info: ServerInfo;
  /** The server process's CPU time so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  stop(): void;
}

export function startServerProcess(objects: number): Promise<ServerProcess> {
  const entry = fileURLToPath(new URL('./server-main.ts', import.meta.url));
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of the server there (open it in Chrome DevTools).
  const profile = process.env.BENCH_TRACE_GC ? ['--trace-gc'] : process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(entry, [String(objects)], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
    child.once('message', (info) => {
      const cpuMs = () =>
        new Promise<number>((done) => {
          const onMessage = (m: { type?: string; usage?: NodeJS.CpuUsage }) => {
            if (m.type !== 'cpu' || !m.usage) return;
            child.off('message', onMessage);
            done((m.usage.user + m.usage.system) / 1000);
          };
          child.on('message', onMessage);
          child.send({ type: 'cpu' });
        });
      resolve({ info: info as ServerInfo, cpuMs, stop: () => child.kill('SIGTERM') });
    });
  });
}
