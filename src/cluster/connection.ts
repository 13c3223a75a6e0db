// The one way this product reaches a cluster: a kubeconfig chosen as kubectl
// chooses it (--kubeconfig wins over KUBECONFIG, which may list several files
// to merge; --context picks a context), and the client-node API clients built
// from it. The namespace defaults to virtwork's, not the context's.
import { existsSync } from 'node:fs';
import {
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../cloudinit/names.js';
import { ClusterError, describeError } from './errors.js';

export { DEFAULT_NAMESPACE };

/** A request that has not answered by then is reported, not waited on forever (a server that drops packets). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ConnectionOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** The environment to read KUBECONFIG from (tests pass their own). */
  env?: Record<string, string | undefined>;
}

export interface Connection {
  kc: KubeConfig;
  context: string;
  /** The API server address, for messages. */
  server: string;
  namespace: string;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  authz: AuthorizationV1Api;
  rbac: RbacAuthorizationV1Api;
  objects: KubernetesObjectApi;
  /** Runs a request and turns any failure into a ClusterError with one sentence. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

function loadKubeConfig(opts: ConnectionOptions): KubeConfig {
  const kc = new KubeConfig();
  const env = opts.env ?? process.env;
  try {
    if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig)) throw new ClusterError(`The kubeconfig ${opts.kubeconfig} does not exist: pass an existing file to --kubeconfig.`);
      kc.loadFromFile(opts.kubeconfig);
    } else if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(':').filter((f) => f && existsSync(f));
      if (files.length === 0) throw new ClusterError(`None of the files in KUBECONFIG (${env.KUBECONFIG}) exists.`);
      // kubectl merges them: the first file to set a name wins; the first current-context wins.
      kc.loadFromFile(files[0]!);
      for (const f of files.slice(1)) {
        const other = new KubeConfig();
        other.loadFromFile(f);
        kc.mergeConfig(other, true);
      }
    } else {
      kc.loadFromDefault();
    }
  } catch (e) {
    if (e instanceof ClusterError) throw e;
    throw new ClusterError(`Cannot read your kubeconfig: ${(e as Error).message.split('\n')[0]}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ClusterError(`There is no context "${opts.context}" in your kubeconfig${known.length ? ` (contexts: ${known.join(', ')})` : ''}.`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentContext() || !kc.getCurrentCluster()) {
    throw new ClusterError('Your kubeconfig has no current context: pass --context or set one with kubectl config use-context.');
  }
  return kc;
}

export function connect(opts: ConnectionOptions = {}): Connection {
  const kc = loadKubeConfig(opts);
  const server = kc.getCurrentCluster()!.server;
  return {
    kc,
    context: kc.getCurrentContext(),
    server,
    namespace: opts.namespace ?? DEFAULT_NAMESPACE,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    authz: kc.makeApiClient(AuthorizationV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
    async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ClusterError(`${what}: the API server at ${server} did not answer within ${REQUEST_TIMEOUT_MS / 1000}s. Check your network or VPN and that the cluster is up.`)),
          REQUEST_TIMEOUT_MS,
        );
        timer.unref();
      });
      try {
        return await Promise.race([fn(), timeout]);
      } catch (e) {
        if (e instanceof ClusterError) throw e;
        const status = (e as { code?: unknown }).code;
        throw new ClusterError(`${what}: ${describeError(e, server)}`, typeof status === 'number' ? status : undefined);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
