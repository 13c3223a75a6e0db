// Discovery and OpenAPI as kubectl and client-node read them: /version, /api,
// /apis (every listed group-version answers), resource lists with short names,
// categories and status subresources, /openapi/v3 with the PATCH operation and
// fieldValidation parameter kubectl looks for, and a group hidden altogether.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BareServer, bareServer } from '../../helpers/api-server.js';
import { raw } from '../../helpers/https.js';

let s: BareServer;
beforeAll(async () => {
  s = await bareServer();
});
afterAll(() => s.stop());

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

describe('discovery documents', () => {
  it('/version reports the Kubernetes version', async () => {
    const v = (await raw(s.api, 'GET', '/version')).json;
    expect(v).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.5', platform: 'linux/amd64' });
    const k = await s.kubectl(['version', '-o', 'json']);
    expect(JSON.parse(k.stdout).serverVersion.gitVersion).toBe('v1.33.5');
  });

  it('/api lists v1', async () => {
    const r = (await raw(s.api, 'GET', '/api')).json;
    expect(r.kind).toBe('APIVersions');
    expect(r.versions).toEqual(['v1']);
  });

  it('every group-version /apis lists answers with its APIResourceList', async () => {
    const groups = (await raw(s.api, 'GET', '/apis')).json;
    expect(groups.kind).toBe('APIGroupList');
    const names = groups.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(['rbac.authorization.k8s.io', 'authorization.k8s.io', 'chaos.example.com']));
    for (const g of groups.groups as { name: string; versions: { groupVersion: string }[] }[]) {
      for (const v of g.versions) {
        const r = await raw(s.api, 'GET', `/apis/${v.groupVersion}`);
        expect([v.groupVersion, r.status, r.json.kind, r.json.groupVersion]).toEqual([v.groupVersion, 200, 'APIResourceList', v.groupVersion]);
      }
      expect((await raw(s.api, 'GET', `/apis/${g.name}`)).json.kind).toBe('APIGroup');
    }
  });

  it('answers plain JSON when kubectl asks for aggregated discovery first', async () => {
    const r = await raw(s.api, 'GET', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.kind).toBe('APIGroupList');
  });

  it('/api/v1 describes the core kinds with the real short names, verbs and status subresources', async () => {
    const r = (await raw(s.api, 'GET', '/api/v1')).json;
    expect(r).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const by = new Map<string, ApiResource>(r.resources.map((x: ApiResource) => [x.name, x]));
    expect([...by.keys()]).toEqual(
      expect.arrayContaining(['namespaces', 'namespaces/status', 'nodes', 'nodes/status', 'secrets', 'configmaps', 'serviceaccounts', 'events', 'services', 'services/status', 'persistentvolumeclaims', 'persistentvolumeclaims/status']),
    );
    const short = Object.fromEntries([...by.values()].filter((x) => x.shortNames).map((x) => [x.name, x.shortNames]));
    expect(short).toEqual({ namespaces: ['ns'], nodes: ['no'], configmaps: ['cm'], serviceaccounts: ['sa'], events: ['ev'], services: ['svc'], persistentvolumeclaims: ['pvc'] });
    expect(by.get('configmaps')).toMatchObject({ singularName: 'configmap', namespaced: true, kind: 'ConfigMap' });
    expect(by.get('namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace' });
    expect(by.get('namespaces')!.verbs).not.toContain('deletecollection');
    expect(by.get('services')!.categories).toEqual(['all']);
    const access = (await raw(s.api, 'GET', '/apis/authorization.k8s.io/v1')).json.resources as ApiResource[];
    expect(access.map((x) => [x.name, x.verbs])).toEqual([
      ['selfsubjectaccessreviews', ['create']],
      ['selfsubjectrulesreviews', ['create']],
    ]);
  });

  it.each([27, undefined, 33])('kubectl 1.%s api-resources reads it', async (minor) => {
    const r = await s.kubectl(['api-resources', '--no-headers'], { minor });
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('configmaps '))).toMatch(/^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/);
    expect(lines.find((l) => l.startsWith('widgets '))).toMatch(/^widgets\s+wdg\s+chaos\.example\.com\/v1\s+true\s+Widget$/);
    expect(lines.find((l) => l.startsWith('roles '))).toMatch(/^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/);
  });
});

describe('OpenAPI v3, which kubectl reads to trust server-side field validation', () => {
  it('indexes every group-version with a hashed URL', async () => {
    const root = (await raw(s.api, 'GET', '/openapi/v3')).json;
    expect(Object.keys(root.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/chaos.example.com/v1']));
    expect(root.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('gives each kind a PATCH operation with x-kubernetes-group-version-kind and a fieldValidation parameter', async () => {
    const root = (await raw(s.api, 'GET', '/openapi/v3')).json;
    for (const [gv, path, gvk] of [
      ['api/v1', '/api/v1/namespaces/{namespace}/configmaps/{name}', { group: '', version: 'v1', kind: 'ConfigMap' }],
      ['apis/chaos.example.com/v1', '/apis/chaos.example.com/v1/namespaces/{namespace}/widgets/{name}', { group: 'chaos.example.com', version: 'v1', kind: 'Widget' }],
    ] as const) {
      const doc = (await raw(s.api, 'GET', root.paths[gv].serverRelativeURL)).json;
      const patch = doc.paths[path].patch;
      expect(patch['x-kubernetes-group-version-kind']).toEqual(gvk);
      expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    }
  });

  it('kubectl 1.27 (which needs protobuf /openapi/v2 to validate) can still write with --validate=false', async () => {
    const r = await s.kubectl(['create', '-f', '-', '--validate=false'], {
      minor: 27,
      input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old-kubectl', namespace: 'virtwork' } }),
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('configmap/old-kubectl created');
  });
});

describe('a group absent from discovery', () => {
  let hidden: BareServer;
  beforeAll(async () => {
    hidden = await bareServer();
    hidden.api.types.hideGroup('chaos.example.com');
  });
  afterAll(() => hidden.stop());

  it('is not listed, its paths are 404, and kubectl does not know its kinds', async () => {
    const groups = (await raw(hidden.api, 'GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).not.toContain('chaos.example.com');
    expect((await raw(hidden.api, 'GET', '/apis/chaos.example.com/v1')).status).toBe(404);
    expect((await raw(hidden.api, 'GET', '/apis/chaos.example.com/v1/namespaces/virtwork/widgets')).status).toBe(404);
    expect(Object.keys((await raw(hidden.api, 'GET', '/openapi/v3')).json.paths)).not.toContain('apis/chaos.example.com/v1');
    const k = await hidden.kubectl(['get', 'widgets', '-n', 'virtwork']);
    expect(k.exitCode).toBe(1);
    expect(k.stderr).toContain(`the server doesn't have a resource type "widgets"`);
  });
});
