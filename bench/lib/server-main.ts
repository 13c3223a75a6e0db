// The benchmark's server process: an API server with the built-in kinds only,
// a `bench` namespace holding N ConfigMaps of about 1 KB each, then it reports
// where it listens over IPC and serves until it is told to stop.
import { ApiServer } from '../../src/sim/api/server.js';

const objects = Number(process.argv[2] ?? 5000);
const namespace = 'bench';
const api = new ApiServer();
await api.listen();
api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
const started = performance.now();
const filler = 'x'.repeat(120);
for (let i = 0; i < objects; i++) {
  api.client.create('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${String(i).padStart(5, '0')}`,
      namespace,
      labels: { app: 'bench', shard: String(i % 10), 'app.kubernetes.io/part-of': 'virtwork' },
      annotations: { 'bench.example.com/note': filler },
    },
    data: Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`key-${k}`, filler])),
  });
}
const seedMs = performance.now() - started;
process.send!({ type: 'ready', url: api.url, caPem: api.caPem, adminToken: api.adminToken, namespace, objects, seedMs });
// CPU time is the figure machine load does not distort: report it when asked.
process.on('message', (m) => {
  if ((m as { type?: string }).type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() });
});
process.on('SIGTERM', () => void api.stop().then(() => process.exit(0)));
process.on('disconnect', () => void api.stop().then(() => process.exit(0)));
