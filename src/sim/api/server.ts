// The simulated API server: plain HTTP on loopback, all state in memory,
// embeddable. Build it, add kinds and behaviour, then listen.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { Socket } from 'node:net';
import { registerCoreKinds } from './core-kinds.js';
import { registerCoreStrategies } from './core-strategies.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, type ExtraResource, serverVersion } from './discovery.js';
import { StatusError, asStatusError, unauthorized } from './errors.js';
import { Faults } from './faults.js';
import { sendError, sendJson } from './http/io.js';
import { type RequestInfo, requestInfo } from './http/request-info.js';
import { serveResource } from './http/resource-handler.js';
import { type KubeconfigSpec, kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
import { openapiV3GroupVersion, openapiV3Root } from './openapi.js';
import { Registry } from './registry.js';
import { ResourceRegistry, type ResourceType } from './resource-type.js';
import { ObjectStore } from './store.js';
import { KindBehaviour } from './strategy.js';
import { systemClient } from './system.js';
import type { SystemClient } from './system-client.js';
import type { UserInfo } from './types.js';
import { ClusterAuth } from './cluster-auth.js';
import { type ClusterTls, makeClusterTls } from './tls.js';

/** An API group-version served by code rather than storage (e.g. KubeVirt's subresources.kubevirt.io). */
export interface ApiExtension {
  group: string;
  version: string;
  /** Discovery entries. */
  resources: ExtraResource[];
  /** Serves a request under the group-version; returns false for paths it does not know (404). */
  serve(info: RequestInfo, url: URL, req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<boolean>;
}

export interface ApiServerOptions {
  port?: number;
  /** The Kubernetes version /version reports. */
  kubernetesVersion?: string;
  adminToken?: string;
  /** Log lines of what the server's controllers do (never to a terminal the user is looking at). */
  log?: (line: string) => void;
  /** Interval of watch BOOKMARK events for clients that allow them (default 15 s; tests shorten it). */
  watchBookmarkIntervalMs?: number;
}

export class ApiServer {
  readonly store = new ObjectStore();
  readonly types = new ResourceRegistry();
  readonly behaviour = new KindBehaviour();
  readonly registry = new Registry(this.store, this.behaviour);
  readonly client: SystemClient;
  readonly faults = new Faults();
  readonly auth: ClusterAuth;
  readonly adminToken: string;
  readonly log: (line: string) => void;
  private readonly extensions: ApiExtension[] = [];
  private readonly stoppers: (() => void)[] = [];
  private http: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly kubernetesVersion: string;
  private baseUrl = '';
  private tlsMaterial: ClusterTls | undefined;

  constructor(private readonly opts: ApiServerOptions = {}) {
    this.adminToken = opts.adminToken ?? randomBytes(24).toString('base64url');
    this.kubernetesVersion = opts.kubernetesVersion ?? 'v1.33.5';
    this.log = opts.log ?? (() => {});
    registerCoreKinds(this.types);
    registerCoreStrategies(this.behaviour);
    this.client = systemClient(this.registry, this.types);
    this.auth = new ClusterAuth(this);
  }

  addKind(rt: ResourceType): ResourceType {
    return this.types.add(rt);
  }

  addExtension(ext: ApiExtension): void {
    this.types.addGroupVersion(ext.group, ext.version);
    this.extensions.push(ext);
  }

  /** Runs `fn` when the server stops (controllers register their shutdown here). */
  onStop(fn: () => void): void {
    this.stoppers.push(fn);
  }

  get url(): string {
    return this.baseUrl;
  }

  /** The cluster CA (PEM): what kubeconfigs and ServiceAccount token Secrets carry. */
  get caPem(): string {
    if (!this.tlsMaterial) throw new Error('the server has not started');
    return this.tlsMaterial.caPem;
  }

  /** Starts the built-in controllers and listens on 127.0.0.1 (HTTPS with the cluster's own CA). */
  async listen(): Promise<string> {
    this.tlsMaterial = await makeClusterTls();
    const gc = new GarbageCollector(this.client, this.types);
    const nsc = new NamespaceController(this.client, this.registry, this.types);
    this.stoppers.push(() => gc.stop(), () => nsc.stop());
    this.auth.start();
    const server = createServer({ key: this.tlsMaterial.keyPem, cert: this.tlsMaterial.certPem }, (req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('secureConnection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    this.baseUrl = `https://127.0.0.1:${addr.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const s of this.stoppers.splice(0).reverse()) s();
    this.auth.stop();
    const server = this.http;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    this.http = undefined;
  }

  /** Cuts or restores the API: while cut, every connection is reset. */
  setOutage(on: boolean): void {
    this.faults.set({ outage: on });
    if (on) for (const s of this.sockets) s.destroy();
  }

  adminKubeconfig(namespace?: string): KubeconfigSpec {
    return this.kubeconfigFor('kubernetes-admin', this.adminToken, namespace);
  }

  kubeconfigFor(user: string, token: string, namespace?: string): KubeconfigSpec {
    return { server: this.baseUrl, caPem: this.caPem, token, user, namespace };
  }

  kubeconfigYaml(spec: KubeconfigSpec = this.adminKubeconfig()): string {
    return kubeconfigYaml(spec);
  }

  writeKubeconfig(path: string, spec: KubeconfigSpec = this.adminKubeconfig()): void {
    writeKubeconfig(path, spec);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.faults.settings.outage) {
      req.socket.destroy();
      return;
    }
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const user = this.authenticate(req);
      const info = requestInfo(req.method ?? 'GET', url);
      this.auth.authorizeRequest(user, info);
      if (info.isResourceRequest) {
        await this.faults.delay();
        const failure = this.faults.failure();
        if (failure) throw failure;
      }
      await this.route(info, url, req, res, user);
    } catch (e) {
      const err = asStatusError(e);
      if (!(e instanceof StatusError)) this.log(`apiserver: internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      sendError(res, err);
    }
  }

  private authenticate(req: IncomingMessage): UserInfo {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    const user = m ? this.auth.authenticate(m[1]!) : undefined;
    if (!user) throw unauthorized();
    return this.auth.actingUser(user, req.headers);
  }

  private async route(info: RequestInfo, url: URL, req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (!info.isResourceRequest) return this.serveNonResource(p, info, url, req, res);
    const ext = this.extensions.find((e) => e.group === info.apiGroup && e.version === info.apiVersion);
    if (ext && this.types.isServed(ext.group)) {
      if (await ext.serve(info, url, req, res, user)) return;
    }
    const rt = this.types.lookup(info.apiGroup, info.apiVersion, info.resource);
    if (!rt || (info.apiPrefix === 'api') !== (rt.group === '')) throw notFoundPath();
    await serveResource(rt, info, url, req, res, {
      registry: this.registry,
      user,
      watchHooks: () => ({
        bookmarkIntervalMs: this.opts.watchBookmarkIntervalMs,
        takeExpiry: () => this.faults.takeExpiry(),
        trackDrop: (drop) => this.faults.trackWatch(drop),
      }),
      virtualCreate: (r, body, u) => this.auth.accessReview(r, body, u),
    });
  }

  private serveNonResource(p: string, info: RequestInfo, url: URL, req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw notFoundPath();
    if (p === '/version') return sendJson(res, 200, serverVersion(this.kubernetesVersion));
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (p === '/api') return sendJson(res, 200, apiVersions(new URL(this.baseUrl).host));
    if (p === '/apis') return sendJson(res, 200, apiGroupList(this.types));
    if (p === '/openapi/v3') return sendJson(res, 200, openapiV3Root(this.types.all()));
    if (p.startsWith('/openapi/v3/')) {
      const rest = p.slice('/openapi/v3/'.length).split('/');
      const [group, version] = rest[0] === 'api' ? ['', rest[1] ?? ''] : [rest[1] ?? '', rest[2] ?? ''];
      const doc = openapiV3GroupVersion(this.types.all(), group, version);
      if (doc) return sendJson(res, 200, doc);
      throw notFoundPath();
    }
    if (info.apiPrefix === 'api' && info.apiVersion) {
      const doc = apiResourceList(this.types, '', info.apiVersion);
      if (doc) return sendJson(res, 200, doc);
    }
    if (info.apiPrefix === 'apis' && info.apiVersion) {
      const extras = this.extensions.filter((e) => e.group === info.apiGroup && e.version === info.apiVersion).flatMap((e) => e.resources);
      const doc = apiResourceList(this.types, info.apiGroup, info.apiVersion, extras);
      if (doc) return sendJson(res, 200, doc);
    }
    if (info.apiPrefix === 'apis' && info.apiGroup && !info.apiVersion) {
      const doc = apiGroupDoc(this.types, info.apiGroup);
      if (doc) return sendJson(res, 200, doc);
    }
    void url;
    throw notFoundPath();
  }
}

function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** Builds, then starts, an API server with only the built-in kinds. */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const api = new ApiServer(opts);
  await api.listen();
  return api;
}
