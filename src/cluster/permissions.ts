// May the caller deploy? Two questions, both asked of the API server with
// SelfSubjectAccessReviews (what `kubectl auth can-i` asks), so that every
// authorizer in the chain answers, not just RBAC rules we could read:
//  1. every create/get/update/patch deploy makes on the objects `render`
//     produces, and the reads that watching the fleet needs;
//  2. every rule of the controller's Role: RBAC refuses to let anyone create
//     a Role (or bind one) granting what they do not hold themselves, unless
//     they may `escalate` and `bind` roles.
// From KubeVirt v1.5 the namespace `admin` and `edit` roles no longer carry
// `virtualmachines/migrate` or writes on migrations: a cluster admin has to
// bind the separate, non-aggregated ClusterRole kubevirt.io:migrate.
import { AuthenticationV1Api } from '@kubernetes/client-node';
import semver from 'semver';
import { renderManifests, roleRules } from '../cloudinit/manifests.js';
import { CONTROLLER_NAME } from '../cloudinit/names.js';
import type { Settings } from '../cloudinit/settings.js';
import type { Connection } from './connection.js';
import { at, listNames, messageOf, plural, str } from './preflight-fields.js';
import { type MissingPermission, type PreflightCheck, check } from './preflight-types.js';

export const MIGRATE_CLUSTER_ROLE = 'kubevirt.io:migrate';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One question for a SelfSubjectAccessReview, and why deploy or the controller needs the answer to be yes. */
export interface Need {
  verb: string;
  group: string;
  /** Plural resource, without the subresource. */
  resource: string;
  subresource?: string;
  name?: string;
  purposes: string[];
  /** Granted by the controller's Role (so the caller must hold it to grant it). */
  granted: boolean;
  /** Used by deploy or watching itself (not only granted). */
  direct: boolean;
}

const needKey = (n: Pick<Need, 'verb' | 'group' | 'resource' | 'subresource' | 'name'>) =>
  [n.verb, n.group, n.resource, n.subresource ?? '', n.name ?? ''].join('|');

function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

const DEPLOY_VERB_TEXT: Record<string, string> = { create: 'creates', get: 'reads', update: 'updates', patch: 'patches' };

/** Every question preflight asks for these settings, deduplicated, in a stable order. */
export function permissionNeeds(settings: Settings): Need[] {
  const needs = new Map<string, Need>();
  const add = (n: Omit<Need, 'purposes' | 'granted' | 'direct'>, purpose: string, granted = false) => {
    const key = needKey(n);
    const have = needs.get(key);
    if (have) {
      if (!have.purposes.includes(purpose)) have.purposes.push(purpose);
      have.granted ||= granted;
      have.direct ||= !granted;
    } else {
      needs.set(key, { ...n, purposes: [purpose], granted, direct: !granted });
    }
  };
  for (const o of renderManifests(settings)) {
    const group = groupOf(o.apiVersion);
    const resource = pluralOf(o.kind);
    add({ verb: 'create', group, resource }, `deploy creates the ${o.kind} ${o.metadata.name}`);
    for (const verb of ['get', 'update', 'patch']) {
      add({ verb, group, resource, name: o.metadata.name }, `deploy ${DEPLOY_VERB_TEXT[verb]} the ${o.kind} ${o.metadata.name}`);
    }
  }
  for (const resource of ['virtualmachineinstances', 'virtualmachineinstancemigrations']) {
    for (const verb of ['get', 'list', 'watch']) add({ verb, group: 'kubevirt.io', resource }, 'watching the VMIs and their migrations');
  }
  for (const { rule } of roleRules(settings.trigger)) {
    for (const group of rule.apiGroups) {
      for (const full of rule.resources) {
        const [resource, subresource] = full.split('/') as [string, string | undefined];
        for (const verb of rule.verbs) {
          for (const name of rule.resourceNames ?? [undefined]) {
            add({ verb, group, resource, subresource, name }, "the controller's Role grants it, and you can grant only what you hold", true);
          }
        }
      }
    }
  }
  return [...needs.values()];
}

/** `update virtualmachines/migrate (subresources.kubevirt.io)`, as a person reads it. */
export function describeNeed(n: Pick<Need, 'verb' | 'group' | 'resource' | 'subresource' | 'name'>): string {
  const res = `${n.resource}${n.subresource ? `/${n.subresource}` : ''}`;
  return `${n.verb} ${res}${n.group ? ` (${n.group})` : ''}${n.name ? ` named ${n.name}` : ''}`;
}

/** Needs that only kubevirt.io:migrate grants a namespace admin from KubeVirt v1.5 on. */
export function isMigrateNeed(n: Pick<Need, 'verb' | 'group' | 'resource' | 'subresource'>): boolean {
  if (n.group === 'subresources.kubevirt.io' && n.resource === 'virtualmachines' && n.subresource === 'migrate') return true;
  return n.group === 'kubevirt.io' && n.resource === 'virtualmachineinstancemigrations' && !['get', 'list', 'watch'].includes(n.verb);
}

/** The subject flag of `kubectl create rolebinding` for a user name from the API server. */
export function subjectFlag(user: string | undefined): string {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user ?? '');
  if (sa) return `--serviceaccount=${sa[1]}:${sa[2]}`;
  return user ? `--user=${user}` : '--user=<your user name, see kubectl auth whoami>';
}

export function migrateFix(user: string | undefined, namespace: string): string {
  return `a cluster admin runs: kubectl create rolebinding kubevirt-migrate --clusterrole=${MIGRATE_CLUSTER_ROLE} ${subjectFlag(user)} -n ${namespace}`;
}

export function adminFix(user: string | undefined, namespace: string): string {
  return `a namespace or cluster admin runs: kubectl create rolebinding virtwork-admin --clusterrole=admin ${subjectFlag(user)} -n ${namespace}`;
}

/** The user name in a Forbidden message: `... is forbidden: User "alice" cannot list ...`. */
export function userFromForbidden(message: string): string | undefined {
  return /\bUser "([^"]+)" cannot\b/.exec(message)?.[1];
}

function serviceAccountFromJwt(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const sub = str(at(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), 'sub'));
    // Only ServiceAccount tokens carry the user name in `sub`; OIDC subjects are opaque ids.
    return sub?.startsWith('system:serviceaccount:') ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The caller's user name, for the fixes: SelfSubjectReview (`kubectl auth
 * whoami`, Kubernetes 1.28+), else a ServiceAccount token's subject, else a
 * Forbidden message some other check received (they name the user).
 */
export async function whoAmI(conn: Connection, forbiddenMessages: readonly string[]): Promise<string | undefined> {
  try {
    const review = await conn.kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    const name = review.status?.userInfo?.username;
    if (name) return name;
  } catch {
    // Older servers and some simulators do not serve it: fall through.
  }
  const fromToken = serviceAccountFromJwt(conn.kc.getCurrentUser()?.token);
  if (fromToken) return fromToken;
  for (const m of forbiddenMessages) {
    const u = userFromForbidden(m);
    if (u) return u;
  }
  return undefined;
}

async function allowed(conn: Connection, namespace: string, n: Omit<Need, 'purposes' | 'granted' | 'direct'>): Promise<boolean> {
  const review = await conn.call(`Asking whether you may ${describeNeed(n)}`, () =>
    conn.authz.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            namespace,
            verb: n.verb,
            group: n.group,
            resource: n.resource,
            ...(n.subresource ? { subresource: n.subresource } : {}),
            ...(n.name ? { name: n.name } : {}),
          },
        },
      },
    }),
  );
  return review.status?.allowed === true;
}

export interface PermissionsResult {
  check: PreflightCheck;
  missing: MissingPermission[];
  user?: string;
}

export interface PermissionsContext {
  /** The cluster's KubeVirt release, when known: decides which ClusterRole the fix names. */
  kubevirtVersion?: string;
  /** Messages of Forbidden answers other checks met, which name the user. */
  forbiddenMessages?: readonly string[];
}

export async function checkPermissions(conn: Connection, settings: Settings, ctx: PermissionsContext = {}): Promise<PermissionsResult> {
  const ns = settings.namespace;
  const needs = permissionNeeds(settings);
  const answers = await Promise.all(needs.map((n) => allowed(conn, ns, n)));
  let denied = needs.filter((_, i) => !answers[i]);
  let escalates = false;
  if (denied.some((n) => n.granted)) {
    // `escalate` lets one write a Role beyond one's rules, `bind` bind it: with both, holding is not required.
    const [escalate, bind] = await Promise.all([
      allowed(conn, ns, { verb: 'escalate', group: RBAC_GROUP, resource: 'roles' }),
      allowed(conn, ns, { verb: 'bind', group: RBAC_GROUP, resource: 'roles', name: CONTROLLER_NAME }),
    ]);
    if (escalate && bind) {
      escalates = true;
      denied = denied.filter((n) => n.direct);
    }
  }
  const trigger = `trigger ${settings.trigger}`;
  if (denied.length === 0) {
    const how = escalates ? ', and may grant its Role through escalate and bind on roles' : ' and hold every permission its Role grants';
    return { missing: [], check: check('permissions', 'ok', `you may do everything deploy does in ${ns}${how} (${trigger})`) };
  }
  const user = await whoAmI(conn, ctx.forbiddenMessages ?? []);
  const split = ctx.kubevirtVersion !== undefined && semver.valid(ctx.kubevirtVersion) !== null && semver.gte(ctx.kubevirtVersion, '1.5.0');
  const missing: MissingPermission[] = denied.map((n) => ({
    what: `${describeNeed(n)} in ${ns}: ${n.purposes.join('; ')}`,
    fix: split && isMigrateNeed(n) ? migrateFix(user, ns) : adminFix(user, ns),
  }));
  const fixes = [...new Set(missing.map((m) => m.fix))];
  const needsMigrate = split && denied.some(isMigrateNeed);
  const why = needsMigrate ? ` (from KubeVirt v1.5 the admin and edit roles no longer allow migrating; ${MIGRATE_CLUSTER_ROLE} does)` : '';
  return {
    user,
    missing,
    check: check(
      'permissions',
      'block',
      `${user ? `${user} lacks` : 'you lack'} ${plural(denied.length, 'permission')} that deploy needs in ${ns} (${trigger}): ${listNames(denied.map(describeNeed), 8)}${why}`,
      fixes.map((f) => f.charAt(0).toUpperCase() + f.slice(1)).join("; "),
    ),
  };
}

/** For a check that could not be run at all. */
export function permissionsUnknown(e: unknown): PermissionsResult {
  return { missing: [], check: check('permissions', 'warn', `could not check your permissions: ${messageOf(e)}`) };
}
