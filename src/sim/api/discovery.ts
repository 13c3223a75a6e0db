// Discovery documents as kubectl and client-node read them: /version, /api,
// /apis, /api/v1 and /apis/{group}/{version}, with kinds, verbs, short names,
// categories and subresources. Served as plain JSON (clients fall back to it
// from aggregated discovery).
import { createHash } from 'node:crypto';
import { type ResourceRegistry, type ResourceType, groupVersion } from './resource-type.js';

export interface ServerVersion {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export function serverVersion(gitVersion: string): ServerVersion {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '0',
    gitVersion,
    gitCommit: createHash('sha1').update(gitVersion).digest('hex'),
    gitTreeState: 'clean',
    buildDate: '2026-09-10T12:00:00Z',
    goVersion: 'go1.24.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** Extra entries of an API group-version served by extension handlers (e.g. `virtualmachines/migrate`). */
export interface ExtraResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  singularName?: string;
  group?: string;
  version?: string;
}

function storageVersionHash(rt: ResourceType): string {
  return createHash('sha256').update(`${groupVersion(rt)}/${rt.kind}`).digest('base64').slice(0, 11);
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const gvs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(types: ResourceRegistry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: types.groups().map((g) => apiGroup(g.name, g.versions)) };
}

export function apiGroupDoc(types: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  const g = types.groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) } : undefined;
}

export function apiResourceList(
  types: ResourceRegistry,
  group: string,
  version: string,
  extras: ExtraResource[] = [],
): Record<string, unknown> | undefined {
  const rts = types.resourcesOf(group, version);
  if (!rts) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const rt of rts) {
    const r: Record<string, unknown> = {
      name: rt.resource,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
    };
    if (rt.shortNames?.length) r.shortNames = rt.shortNames;
    if (rt.categories?.length) r.categories = rt.categories;
    r.storageVersionHash = storageVersionHash(rt);
    resources.push(r);
    for (const sub of rt.subresources) {
      resources.push({ name: `${rt.resource}/${sub}`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: ['get', 'patch', 'update'] });
    }
  }
  for (const e of extras) resources.push({ singularName: '', ...e });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
