// The real API server's registry and SystemClient, without HTTP, for tests of
// the controllers, bootstrap policy and users.
import { ApiServer } from '../../../../src/sim/api/server.js';
import type { ObjectStore } from '../../../../src/sim/api/store.js';
import type { SystemClient } from '../../../../src/sim/api/system-client.js';

export function testCluster(namespaces: string[] = ['default', 'virtwork']): { client: SystemClient; store: ObjectStore } {
  const api = new ApiServer();
  for (const name of namespaces) api.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return { client: api.client, store: api.store };
}
