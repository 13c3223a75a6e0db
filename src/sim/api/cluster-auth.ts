// Wires authentication and authorization into the server, in the order a
// kube-apiserver applies them: authenticate (401), authorize (403), and for
// RBAC writes the escalation checks after mutating admission.
import {
  AggregationController,
  Authenticator,
  CLUSTER_ADMIN,
  EscalationGuard,
  RbacAuthorizer,
  TokenController,
  TokenSigner,
  authorizeRequestInfo,
  ensureBootstrapPolicy,
  mintUser,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
} from './auth/index.js';
import type { IncomingHttpHeaders } from 'node:http';
import { impersonate, selfSubjectReview } from './auth/impersonation.js';
import type { RequestInfo } from './http/request-info.js';
import { type ResourceType, resourceKey } from './resource-type.js';
import type { KindBehaviour } from './strategy.js';
import type { SystemClient } from './system-client.js';
import type { UserInfo } from './types.js';

const RBAC_ROLES = ['roles.rbac.authorization.k8s.io', 'clusterroles.rbac.authorization.k8s.io'];
const RBAC_BINDINGS = ['rolebindings.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io'];

interface ServerParts {
  adminToken: string;
  client: SystemClient;
  behaviour: KindBehaviour;
  caPem: string;
}

export class ClusterAuth {
  private readonly signer = new TokenSigner();
  private readonly authn: Authenticator;
  private readonly authz: RbacAuthorizer;
  private readonly escalation: EscalationGuard;
  private readonly stoppers: (() => void)[] = [];

  constructor(private readonly server: ServerParts) {
    // The issue asks for 401 on missing tokens: anonymous requests are off.
    this.authn = new Authenticator(server.client, this.signer, { anonymous: false, writer: server.client });
    this.authn.addToken(server.adminToken, CLUSTER_ADMIN);
    this.authz = new RbacAuthorizer(server.client);
    this.escalation = new EscalationGuard(this.authz);
    this.registerEscalationChecks(server.behaviour);
  }

  /** Bootstrap policy and the auth controllers; needs the CA, so it runs once the server has one. */
  start(): void {
    ensureBootstrapPolicy(this.server.client);
    const aggregation = new AggregationController(this.server.client);
    aggregation.start();
    const tokens = new TokenController(this.server.client, this.signer, { caPem: this.server.caPem });
    tokens.start();
    this.stoppers.push(() => aggregation.stop(), () => tokens.stop(), () => this.authz.dispose());
  }

  stop(): void {
    for (const s of this.stoppers.splice(0)) s();
  }

  authenticate(token: string): UserInfo | undefined {
    return this.authn.authenticate(token);
  }

  /** The user a request acts as (impersonation headers honoured only with `impersonate`; 403 otherwise). */
  actingUser(user: UserInfo, headers: IncomingHttpHeaders): UserInfo {
    return impersonate(this.authz, user, headers);
  }

  /** Throws the real 403 when RBAC does not allow the request. */
  authorizeRequest(user: UserInfo, info: RequestInfo): void {
    authorizeRequestInfo(this.authz, user, info);
  }

  /** SelfSubjectAccessReview and SelfSubjectRulesReview are answered, not stored. */
  accessReview(rt: ResourceType, body: Record<string, unknown>, user: UserInfo): Record<string, unknown> | undefined {
    const key = resourceKey(rt);
    if (key === 'selfsubjectaccessreviews.authorization.k8s.io') return selfSubjectAccessReview(this.authz, user, body);
    if (key === 'selfsubjectrulesreviews.authorization.k8s.io') return selfSubjectRulesReview(this.authz, user, body);
    if (key === 'selfsubjectreviews.authentication.k8s.io') return selfSubjectReview(user);
    return undefined;
  }

  /** A user bound to ClusterRoles (in a namespace where given), for tests and demos; returns its token. */
  mintUser(name: string, clusterRoles: { name: string; namespace?: string }[]): string {
    return mintUser(this.server.client, this.authn, { name, clusterRoles });
  }

  private registerEscalationChecks(behaviour: KindBehaviour): void {
    behaviour.addAdmission({
      name: 'rbac-escalation',
      resources: [...RBAC_ROLES, ...RBAC_BINDINGS],
      operations: ['CREATE', 'UPDATE'],
      mutate: (req) => {
        if (!req.object) return;
        const namespace = req.rt.namespaced ? (req.namespace ?? '') : '';
        const opts = { operation: req.operation === 'CREATE' ? ('create' as const) : ('update' as const), old: req.oldObject };
        const key = resourceKey(req.rt);
        if (RBAC_ROLES.includes(key)) this.escalation.checkRoleEscalation(req.ctx.user, req.object, namespace, opts);
        else this.escalation.checkBindingEscalation(req.ctx.user, req.object, namespace, opts);
      },
    });
  }
}
