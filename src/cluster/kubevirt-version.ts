// Is KubeVirt there, which release, which flavour, and how it limits
// migrations. The release pins virtctl, so it must be a real release tag:
// builds report git-described versions (v1.7.1-23-g1a2b3c4d5e on OpenShift)
// that exist on no download server, and those are cut back to the tag.
import semver from 'semver';
import type { Connection } from './connection.js';
import { type Obj, asObj, at, isForbidden, isMissing, itemsOf, messageOf, nameOf, str } from './preflight-fields.js';
import { type KubeVirtInfo, type PreflightCheck, check } from './preflight-types.js';

export const KUBEVIRT_GROUP = 'kubevirt.io';
export const OPENSHIFT_CONFIG_GROUP = 'config.openshift.io';
export const CONSOLE_GROUP = 'console.openshift.io';
export const VIRTCTL_CLI_DOWNLOAD = 'virtctl-clidownloads-kubevirt-hyperconverged';
export const HCO_CR_NAME = 'kubevirt-kubevirt-hyperconverged';

/** Where virt-operator (upstream) and HCO (OpenShift, then OKD) put the KubeVirt CR. */
const KNOWN_CRS: { namespace: string; name: string }[] = [
  { namespace: 'kubevirt', name: 'kubevirt' },
  { namespace: 'openshift-cnv', name: HCO_CR_NAME },
  { namespace: 'kubevirt-hyperconverged', name: HCO_CR_NAME },
];

/** The oldest release this product is proven against. */
export const OLDEST_SUPPORTED = 'v1.1.0';

/** KubeVirt's defaults for spec.configuration.migrations (v1.5 to v1.7): what applies where the CR says nothing. */
export const MIGRATION_DEFAULTS: Readonly<Record<string, unknown>> = {
  parallelMigrationsPerCluster: 5,
  parallelOutboundMigrationsPerNode: 2,
  bandwidthPerMigration: '0Mi',
  completionTimeoutPerGiB: 150,
  progressTimeout: 150,
  allowPostCopy: false,
  allowAutoConverge: false,
  nodeDrainTaintKey: 'kubevirt.io/drain',
};

// `git describe` appends -<commits>-g<hash> (and -dirty) to the last tag.
const GIT_DESCRIBE_SUFFIX = /(^|-)\d+-g[0-9a-f]{6,40}(-dirty)?$|(^|-)dirty$/;

/**
 * A KubeVirt release tag from a reported version: v1.7.1-23-g1a2b3c4d5e ->
 * v1.7.1, v1.6.0-rc.1-4-gabcdef0 -> v1.6.0-rc.1 (release candidates are
 * published too), 1.7.1 -> v1.7.1. Undefined when no release can be read.
 */
export function normaliseKubeVirtVersion(reported: string | undefined): string | undefined {
  if (!reported) return undefined;
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(reported.trim());
  if (!m) {
    const c = semver.coerce(reported);
    return c ? `v${c.major}.${c.minor}.${c.patch}` : undefined;
  }
  const [, major, minor, patch, pre] = m;
  const base = `v${Number(major)}.${Number(minor)}.${Number(patch)}`;
  const kept = (pre ?? '').replace(GIT_DESCRIBE_SUFFIX, '');
  return kept && semver.valid(`${base}-${kept}`) ? `${base}-${kept}` : base;
}

/**
 * A Kubernetes release from /version's gitVersion. Vendors append their own
 * build tags (v1.29.1-eks-b9c9ed7, v1.30.5-gke.1014001, v1.28.6+f1618d5)
 * that dl.k8s.io does not serve, so only major.minor.patch is kept.
 */
export function normaliseKubernetesVersion(reported: string | undefined): string | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(reported?.trim() ?? '');
  return m ? `v${Number(m[1])}.${Number(m[2])}.${Number(m[3])}` : undefined;
}

/** spec.configuration.migrations of a KubeVirt CR over KubeVirt's defaults. */
export function migrationLimits(cr: unknown): Record<string, unknown> {
  const cfg = asObj(at(cr, 'spec', 'configuration', 'migrations')) ?? {};
  return { ...MIGRATION_DEFAULTS, ...cfg };
}

function describeBandwidth(v: unknown): string {
  const s = typeof v === 'number' ? String(v) : str(v) ?? '';
  return s === '' || /^0([A-Za-z]*)$/.test(s) ? 'unlimited bandwidth' : `${s}/s per migration`;
}

/** One sentence over the limits that shape how fast and how many migrations run. */
export function describeLimits(l: Record<string, unknown>): string {
  const onOff = (v: unknown) => (v === true ? 'on' : 'off');
  return (
    `at most ${String(l.parallelMigrationsPerCluster)} migrations at once in the cluster and ${String(l.parallelOutboundMigrationsPerNode)} leaving each node, ` +
    `${describeBandwidth(l.bandwidthPerMigration)}, completion timeout ${String(l.completionTimeoutPerGiB)} s per GiB of memory, ` +
    `progress timeout ${String(l.progressTimeout)} s, post-copy ${onOff(l.allowPostCopy)}, auto-converge ${onOff(l.allowAutoConverge)}`
  );
}

export interface KubeVirtDetection {
  check: PreflightCheck;
  limitsCheck: PreflightCheck;
  info?: KubeVirtInfo;
  /** The ConsoleCLIDownload serving virtctl, when the cluster has one (OpenShift). */
  cliDownload?: Obj;
  /** Why the ConsoleCLIDownload could not be read, when it could not. */
  cliDownloadError?: string;
}

interface CrLookup {
  cr?: Obj;
  error?: string;
}

/** The KubeVirt CR: listed across namespaces (kubevirt.io:default lets everyone), else read where installers put it. */
async function findKubeVirtCr(conn: Connection): Promise<CrLookup> {
  try {
    const list = await conn.call('Listing KubeVirt CRs', () =>
      conn.custom.listClusterCustomObject({ group: KUBEVIRT_GROUP, version: 'v1', plural: 'kubevirts' }),
    );
    const items = itemsOf(list);
    // Several CRs happen only mid-reinstall; the deployed one is the one in charge.
    const deployed = items.find((i) => at(i, 'status', 'phase') === 'Deployed');
    return deployed || items[0] ? { cr: deployed ?? items[0] } : { error: 'no KubeVirt CR exists in any namespace' };
  } catch (e) {
    if (!isForbidden(e)) return { error: messageOf(e) };
  }
  let lastError = 'no KubeVirt CR found in kubevirt, openshift-cnv or kubevirt-hyperconverged';
  for (const { namespace, name } of KNOWN_CRS) {
    try {
      const cr = await conn.call(`Reading KubeVirt CR ${namespace}/${name}`, () =>
        conn.custom.getNamespacedCustomObject({ group: KUBEVIRT_GROUP, version: 'v1', namespace, plural: 'kubevirts', name }),
      );
      const o = asObj(cr);
      if (o) return { cr: o };
    } catch (e) {
      if (!isMissing(e)) lastError = messageOf(e);
    }
  }
  return { error: lastError };
}

/** `GET /apis/subresources.kubevirt.io/v1/version`, served by virt-api to every authenticated user. */
async function versionSubresource(conn: Connection): Promise<{ gitVersion?: string; error?: string }> {
  try {
    const v = await conn.call("Reading KubeVirt's version", () =>
      conn.custom.listClusterCustomObject({ group: 'subresources.kubevirt.io', version: 'v1', plural: 'version' }),
    );
    const gitVersion = str(at(v, 'gitVersion'));
    return gitVersion ? { gitVersion } : { error: 'the version endpoint answered without a gitVersion' };
  } catch (e) {
    return { error: messageOf(e) };
  }
}

async function readCliDownload(conn: Connection, groups: ReadonlySet<string>): Promise<{ obj?: Obj; error?: string }> {
  if (!groups.has(CONSOLE_GROUP)) return {};
  try {
    const o = await conn.call(`Reading ConsoleCLIDownload ${VIRTCTL_CLI_DOWNLOAD}`, () =>
      conn.custom.getClusterCustomObject({ group: CONSOLE_GROUP, version: 'v1', plural: 'consoleclidownloads', name: VIRTCTL_CLI_DOWNLOAD }),
    );
    return { obj: asObj(o) };
  } catch (e) {
    return isMissing(e) ? {} : { error: messageOf(e) };
  }
}

/**
 * Finds KubeVirt: the API group in discovery (its absence is the one sure
 * sign it is not installed), the version subresource, the CR, and the
 * OpenShift markers. `groups` are the API groups the server serves.
 */
export async function detectKubeVirt(conn: Connection, groups: ReadonlySet<string>): Promise<KubeVirtDetection> {
  if (!groups.has(KUBEVIRT_GROUP)) {
    const detail = `KubeVirt is not installed: the API group ${KUBEVIRT_GROUP} is not served by ${conn.server}`;
    return {
      check: check(
        'kubevirt',
        'block',
        detail,
        'Install KubeVirt (upstream: virt-operator and a KubeVirt CR; OpenShift: the OpenShift Virtualization operator and its HyperConverged CR), or point --kubeconfig/--context at a cluster that has it.',
      ),
      limitsCheck: check('limits', 'warn', 'not read: KubeVirt is not installed'),
    };
  }
  const [ver, found, cli] = await Promise.all([versionSubresource(conn), findKubeVirtCr(conn), readCliDownload(conn, groups)]);
  const cr = found.cr;
  const crName = cr ? nameOf(cr) : undefined;
  const openshift = groups.has(OPENSHIFT_CONFIG_GROUP) || crName === HCO_CR_NAME || cli.obj !== undefined;
  const flavor: KubeVirtInfo['flavor'] = openshift ? 'openshift' : 'kubevirt';
  const crStatusVersion = str(at(cr, 'status', 'observedKubeVirtVersion')) ?? str(at(cr, 'status', 'operatorVersion'));
  const gitVersion = ver.gitVersion ?? crStatusVersion;
  const version = normaliseKubeVirtVersion(gitVersion);
  const fallback = KNOWN_CRS[openshift ? 1 : 0]!;
  const namespace = str(at(cr, 'metadata', 'namespace')) ?? fallback.namespace;
  const name = crName ?? fallback.name;
  const limits = migrationLimits(cr);
  const flavorText = openshift ? 'OpenShift Virtualization' : 'upstream KubeVirt';
  const cliResult = { cliDownload: cli.obj, cliDownloadError: cli.error };

  if (!gitVersion || !version) {
    const why = [ver.error, found.error].filter(Boolean).join('; ');
    return {
      check: check(
        'kubevirt',
        'block',
        `KubeVirt's API group is served but its version cannot be read: ${why || `the reported version ${JSON.stringify(gitVersion)} is not a release`}`,
        'Check that virt-api and virt-operator are running (kubectl get kubevirt -A; kubectl get pods -n ' + namespace + ').',
      ),
      limitsCheck: check('limits', 'warn', `not read from the KubeVirt CR (${found.error ?? 'version unknown'}); KubeVirt's defaults: ${describeLimits(limits)}`),
      ...cliResult,
    };
  }

  const info: KubeVirtInfo = { version, gitVersion, flavor, namespace, crName: name, limits };
  const reported = gitVersion !== version ? `, reported as ${gitVersion}` : '';
  const phase = str(at(cr, 'status', 'phase'));
  const crText = cr ? `CR ${namespace}/${name}${phase ? ` ${phase}` : ''}` : 'CR not readable';
  const detail = `${version} (${flavorText}${reported}; ${crText})`;
  const warnings: string[] = [];
  const fixes: string[] = [];
  if (ver.error) {
    warnings.push(`the version endpoint did not answer (${ver.error}), so the version comes from the KubeVirt CR`);
    fixes.push(`check virt-api (kubectl get pods -n ${namespace} -l kubevirt.io=virt-api)`);
  }
  if (cr && phase && phase !== 'Deployed') {
    warnings.push(`the KubeVirt CR is in phase ${phase}, not Deployed`);
    fixes.push(`wait for KubeVirt to finish deploying (kubectl get kubevirt -n ${namespace} ${name} -w)`);
  }
  if (semver.lt(version, OLDEST_SUPPORTED)) {
    warnings.push(`KubeVirt ${version} is older than ${OLDEST_SUPPORTED}, the oldest release this tool is tested with`);
  }
  const kvCheck = warnings.length
    ? check('kubevirt', 'warn', `${detail}; ${warnings.join('; ')}`, fixes.length ? `${fixes.join('; ')}.` : undefined)
    : check('kubevirt', 'ok', detail);
  const limitsCheck = cr
    ? check('limits', 'ok', `${describeLimits(limits)} (KubeVirt CR ${namespace}/${name})`)
    : check('limits', 'warn', `the KubeVirt CR could not be read (${found.error ?? 'unknown'}); KubeVirt's defaults: ${describeLimits(limits)}`);
  return { check: kvCheck, limitsCheck, info, ...cliResult };
}
