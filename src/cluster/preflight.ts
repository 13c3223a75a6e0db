// Preflight: everything deploy depends on, asked of the cluster before
// anything is written. The API server is probed first (when it cannot be
// reached, or refuses the credentials, nothing else can be asked and that one
// sentence is the whole report); then the independent checks run at once,
// each reported through onCheck as it completes so that a UI can replace its
// spinner. Permissions go last: their fixes name the user, whom a Forbidden
// answer to another check may have named.
import { ApisApi, VersionApi } from '@kubernetes/client-node';
import type { Settings } from '../cloudinit/settings.js';
import type { Connection } from './connection.js';
import { ClusterError, describeError } from './errors.js';
import { type KubeVirtDetection, detectKubeVirt, normaliseKubernetesVersion } from './kubevirt-version.js';
import { type NodesResult, checkNodes } from './nodes.js';
import { type PermissionsResult, checkPermissions, permissionsUnknown } from './permissions.js';
import { type ControllerResult, checkExistingController } from './preflight-controller.js';
import { type NamespaceResult, checkNamespace } from './preflight-namespace.js';
import {
  type CheckStatus,
  PREFLIGHT_CHECKS,
  type PreflightCheck,
  type PreflightCheckId,
  type PreflightOptions,
  type PreflightReport,
  check,
} from './preflight-types.js';
import { type TargetsResult, checkTargets } from './targets.js';
import { chooseKubectl, chooseVirtctl } from './tools.js';

export {
  type CheckStatus,
  type ExistingController,
  type KubeVirtInfo,
  type MissingPermission,
  type NodeSummary,
  PREFLIGHT_CHECKS,
  type PreflightCheck,
  type PreflightCheckId,
  type PreflightOptions,
  type PreflightReport,
  type TargetInfo,
  type ToolPin,
  type VirtctlPin,
} from './preflight-types.js';
export { type ExplicitTools, pinTools } from './tools.js';

interface Probe {
  gitVersion: string;
  groups: Set<string>;
}

/** /version and the API group list: the cheapest requests every identity may make, and the first to fail on a bad connection. */
async function probeApi(conn: Connection): Promise<Probe | { error: string }> {
  try {
    const [version, groups] = await Promise.all([conn.kc.makeApiClient(VersionApi).getCode(), conn.kc.makeApiClient(ApisApi).getAPIVersions()]);
    return { gitVersion: version.gitVersion, groups: new Set(groups.groups.map((g) => g.name)) };
  } catch (e) {
    return { error: describeError(e, conn.server) };
  }
}

/** A check that failed with a ClusterError becomes that check's result; anything else is a bug and propagates. */
async function guarded<T extends { check: PreflightCheck }>(id: PreflightCheckId, status: CheckStatus, run: () => Promise<T>, empty: Omit<T, 'check'>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof ClusterError)) throw e;
    return { ...empty, check: check(id, status, e.message) } as T;
  }
}

function emptyReport(checks: PreflightCheck[]): PreflightReport {
  return { checks, blocked: checks.some((c) => c.status === 'block'), nodes: { schedulable: [], unschedulable: [] }, permissions: { missing: [] }, namespaceExists: false, targets: [] };
}

export async function runPreflight(conn: Connection, settings: Settings, opts: PreflightOptions = {}): Promise<PreflightReport> {
  const done = new Map<string, PreflightCheck>();
  const emit = (c: PreflightCheck) => {
    done.set(c.id, c);
    opts.onCheck?.(c);
  };
  const ordered = () => PREFLIGHT_CHECKS.map((c) => done.get(c.id)).filter((c): c is PreflightCheck => c !== undefined);

  const probe = await probeApi(conn);
  if ('error' in probe) {
    // The sentence already says what to check: the address, the network, the CA or the credentials.
    emit(check('api', 'block', probe.error));
    return emptyReport(ordered());
  }
  const kubernetesVersion = normaliseKubernetesVersion(probe.gitVersion);
  emit(check('api', 'ok', `${conn.server} answers (context ${conn.context}, Kubernetes ${probe.gitVersion})`));
  const kubectl = chooseKubectl(settings, kubernetesVersion, probe.gitVersion);
  emit(kubectl.check);

  const kubevirtP = guarded<KubeVirtDetection>('kubevirt', 'block', () => detectKubeVirt(conn, probe.groups), {
    limitsCheck: check('limits', 'warn', 'not read: KubeVirt could not be asked'),
  }).then((d) => {
    emit(d.check);
    const virtctl = chooseVirtctl(settings, d.info, d);
    emit(virtctl.check);
    emit(d.limitsCheck);
    return { ...d, virtctl: virtctl.pin };
  });
  const nodesP = guarded<NodesResult>('nodes', 'block', () => checkNodes(conn, { allowSingleNode: opts.allowSingleNode }), {
    nodes: { schedulable: [], unschedulable: [] },
  }).then((r) => (emit(r.check), r));
  const namespaceP = guarded<NamespaceResult>('namespace', 'block', () => checkNamespace(conn, settings), { exists: false }).then((r) => (emit(r.check), r));
  const targetsP = kubevirtP.then(async (kv) => {
    const r: TargetsResult = kv.info
      ? await guarded<TargetsResult>('targets', 'warn', () => checkTargets(conn, settings), { targets: [] })
      : { targets: [], check: check('targets', 'warn', 'not listed: KubeVirt is not installed or could not be read') };
    emit(r.check);
    return r;
  });
  const controllerP = kubevirtP.then(async (kv) => {
    const r = await guarded<ControllerResult>('controller', 'warn', () => checkExistingController(conn, settings, kv.info !== undefined), {});
    emit(r.check);
    return r;
  });
  const permissionsP = Promise.all([kubevirtP, nodesP, namespaceP]).then(async ([kv]) => {
    let r: PermissionsResult;
    try {
      r = await checkPermissions(conn, settings, { kubevirtVersion: kv.info?.version, forbiddenMessages: [...done.values()].map((c) => c.detail) });
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e;
      r = permissionsUnknown(e);
    }
    emit(r.check);
    return r;
  });

  const [kv, nodes, namespace, targets, controller, permissions] = await Promise.all([kubevirtP, nodesP, namespaceP, targetsP, controllerP, permissionsP]);
  const virtctl = kv.virtctl;
  const checks = ordered();
  return {
    checks,
    blocked: checks.some((c) => c.status === 'block'),
    ...(kv.info ? { kubevirt: kv.info } : {}),
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    ...(virtctl ? { virtctl } : {}),
    ...(kubectl.pin ? { kubectl: kubectl.pin } : {}),
    nodes: nodes.nodes,
    permissions: { missing: permissions.missing },
    namespaceExists: namespace.exists,
    targets: targets.targets,
    ...(controller.existing ? { existingController: controller.existing } : {}),
  };
}
