// The SystemClient over the registry: how the simulator's own controllers
// read and write, as a privileged identity, with full API semantics.
import { StatusError } from './errors.js';
import { type Registry, handOver } from './registry.js';
import type { ResourceRegistry, ResourceType } from './resource-type.js';
import type { WriteContext } from './strategy.js';
import type { SystemClient } from './system-client.js';
import type { KubeObject, UserInfo } from './types.js';

export const SYSTEM_USER: UserInfo = { name: 'system:kube-controller-manager', groups: ['system:masters', 'system:authenticated'] };

export function resolveKey(types: ResourceRegistry, key: string): ResourceType {
  const dot = key.indexOf('.');
  const resource = dot < 0 ? key : key.slice(0, dot);
  const group = dot < 0 ? '' : key.slice(dot + 1);
  const rt = types.byResource(group, resource);
  if (!rt) throw new Error(`unknown resource ${key}`);
  return rt;
}

export function systemClient(registry: Registry, types: ResourceRegistry, manager = 'kube-controller-manager'): SystemClient {
  const ctx = (as?: UserInfo): WriteContext => ({ user: as ?? SYSTEM_USER, dryRun: false, fieldManager: manager, fieldValidation: 'Ignore', warnings: [], trackManagedFields: false });
  const ns = (rt: ResourceType, namespace: string | undefined) => (rt.namespaced ? namespace : undefined);
  const client: SystemClient = {
    get: (key, namespace, name) => registry.store.get(key, ns(resolveKey(types, key), namespace), name),
    list: (key, namespace) => registry.store.list(key, namespace),
    create: (key, obj, opts) => {
      const rt = resolveKey(types, key);
      return registry.create(rt, ns(rt, obj.metadata.namespace), obj, ctx(opts?.as));
    },
    update: (key, obj, opts) => {
      const rt = resolveKey(types, key);
      return registry.update(rt, ns(rt, obj.metadata.namespace), obj.metadata.name!, obj, ctx(opts?.as), opts?.subresource);
    },
    modify: (key, namespace, name, mutate, opts) => {
      const rt = resolveKey(types, key);
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = registry.store.get(key, ns(rt, namespace), name);
        if (!current) return undefined;
        const next = mutate(structuredClone(current));
        if (!next) return current;
        next.metadata.resourceVersion = current.metadata.resourceVersion;
        try {
          return registry.update(rt, ns(rt, namespace), name, handOver(next), ctx(), opts?.subresource);
        } catch (e) {
          if (!(e instanceof StatusError && e.reason === 'Conflict')) throw e;
        }
      }
      throw new Error(`could not update ${key} ${namespace ?? ''}/${name}: conflicts`);
    },
    delete: (key, namespace, name, opts) => {
      const rt = resolveKey(types, key);
      try {
        registry.delete(rt, ns(rt, namespace), name, { propagationPolicy: opts?.propagationPolicy }, ctx());
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    },
    watch: (key, fn) => registry.store.subscribe(key, fn),
  };
  return client;
}

/** Lists every object of every namespaced kind in a namespace, with its resource key. */
export function namespaceContents(types: ResourceRegistry, registry: Registry, namespace: string): { key: string; object: KubeObject }[] {
  const out: { key: string; object: KubeObject }[] = [];
  for (const rt of types.all()) {
    if (!rt.namespaced) continue;
    const key = rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
    for (const o of registry.store.list(key, namespace)) out.push({ key, object: o });
  }
  return out;
}
