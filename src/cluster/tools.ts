// Which virtctl and kubectl the controller VM downloads. virtctl should match
// the cluster's KubeVirt (it warns on a mismatch, and older ones lack newer
// flags), kubectl the server's Kubernetes (supported within one minor). On
// OpenShift the cluster serves virtctl itself through a ConsoleCLIDownload,
// which also works where the VM cannot reach GitHub (disconnected clusters).
import type { Settings } from '../cloudinit/settings.js';
import { VIRTCTL_CLI_DOWNLOAD } from './kubevirt-version.js';
import { type Obj, arr, asObj, str } from './preflight-fields.js';
import { type KubeVirtInfo, type PreflightCheck, type PreflightReport, type ToolPin, type VirtctlPin, check } from './preflight-types.js';

export function githubVirtctlUrl(version: string): string {
  return `https://github.com/kubevirt/kubevirt/releases/download/${version}/virtctl-${version}-linux-{arch}`;
}

export function kubectlReleaseUrl(version: string): string {
  return `https://dl.k8s.io/release/${version}/bin/linux/{arch}/kubectl`;
}

/**
 * The Linux x86_64 link of a ConsoleCLIDownload, as a template with `{arch}`
 * where the architecture goes (HCO's links are
 * https://<host>/<arch>/linux/virtctl.tar.gz), so that an arm64 or s390x VM
 * fetches its own. Undefined when there is no Linux amd64 link.
 */
export function cliDownloadTemplate(cliDownload: Obj | undefined): string | undefined {
  const links = arr(asObj(cliDownload?.spec)?.links)
    .map(asObj)
    .map((l) => ({ href: str(l?.href) ?? '', text: str(l?.text) ?? '' }))
    .filter((l) => /^https?:\/\//.test(l.href));
  const isLinux = (l: { href: string; text: string }) => /linux/i.test(l.href) || /linux/i.test(l.text);
  const isAmd64 = (l: { href: string; text: string }) => /amd64|x86[_-]64/i.test(l.href) || /amd64|x86[_-]64/i.test(l.text);
  const link = links.find((l) => isLinux(l) && isAmd64(l));
  if (!link) return undefined;
  // Only an `amd64` path or name part becomes {arch}: the VM's fetch script
  // substitutes amd64, arm64 or s390x, not x86_64.
  return link.href.replace(/(^|[/_.-])amd64(?=[/_.-]|$)/, '$1{arch}');
}

export interface VirtctlChoice {
  pin?: VirtctlPin;
  check: PreflightCheck;
}

/**
 * virtctl for the controller VM: --virtctl-url if given, else the cluster's
 * own download (OpenShift), else the GitHub release of the cluster's KubeVirt.
 */
export function chooseVirtctl(
  settings: Settings,
  kubevirt: KubeVirtInfo | undefined,
  cli: { cliDownload?: Obj; cliDownloadError?: string },
): VirtctlChoice {
  const unused = settings.trigger === 'vmim' ? '; the vmim trigger does not use it' : '';
  if (settings.virtctlUrl) {
    const version = kubevirt?.version ?? settings.virtctlVersion;
    return { pin: { version, url: settings.virtctlUrl, source: 'flag' }, check: check('virtctl', 'ok', `${settings.virtctlUrl} (--virtctl-url)${unused}`) };
  }
  if (!kubevirt) return { check: check('virtctl', 'warn', `not pinned: KubeVirt's version is unknown${unused}`) };
  const version = kubevirt.version;
  const template = cliDownloadTemplate(cli.cliDownload);
  if (template) {
    return {
      pin: { version, url: template, source: 'cluster' },
      check: check('virtctl', 'ok', `${version} from the cluster (ConsoleCLIDownload ${VIRTCTL_CLI_DOWNLOAD}): ${template}, reachable without internet access${unused}`),
    };
  }
  const url = githubVirtctlUrl(version);
  const pin: VirtctlPin = { version, url, source: 'github' };
  if (kubevirt.flavor === 'openshift' && settings.trigger === 'virtctl') {
    const why = cli.cliDownloadError
      ? `the ConsoleCLIDownload ${VIRTCTL_CLI_DOWNLOAD} could not be read (${cli.cliDownloadError})`
      : cli.cliDownload
        ? `the ConsoleCLIDownload ${VIRTCTL_CLI_DOWNLOAD} has no Linux x86_64 link`
        : `the cluster serves no ConsoleCLIDownload ${VIRTCTL_CLI_DOWNLOAD}`;
    return {
      pin,
      check: check(
        'virtctl',
        'warn',
        `${version} from GitHub (${url}) because ${why}`,
        'If the controller VM cannot reach GitHub (a disconnected cluster), pass --virtctl-url with a mirror, or use --trigger vmim, which needs no virtctl.',
      ),
    };
  }
  return { pin, check: check('virtctl', 'ok', `${version} from GitHub: ${url}${unused}`) };
}

export interface KubectlChoice {
  pin?: ToolPin;
  check: PreflightCheck;
}

/** kubectl for the controller VM: the server's release (or --kubectl-url). */
export function chooseKubectl(settings: Settings, kubernetesVersion: string | undefined, reported: string): KubectlChoice {
  const version = kubernetesVersion ?? settings.kubectlVersion;
  if (settings.kubectlUrl) {
    return { pin: { version, url: settings.kubectlUrl }, check: check('kubectl', 'ok', `${settings.kubectlUrl} (--kubectl-url)`) };
  }
  const url = kubectlReleaseUrl(version);
  if (!kubernetesVersion) {
    return {
      pin: { version, url },
      check: check(
        'kubectl',
        'warn',
        `the server reports Kubernetes ${JSON.stringify(reported)}, which names no release; using ${version}: ${url}`,
        'Pass --kubectl-version with the release within one minor version of your cluster.',
      ),
    };
  }
  return { pin: { version, url }, check: check('kubectl', 'ok', `${version}, the server's release: ${url}`) };
}

/** Which tool settings the user gave (flags, --params or the TUI), which pinning must leave alone. */
export interface ExplicitTools {
  virtctlVersion?: boolean;
  virtctlUrl?: boolean;
  kubectlVersion?: boolean;
  kubectlUrl?: boolean;
}

/** Settings with virtctl/kubectl version and URL pinned from the report, unless the user set them explicitly. */
export function pinTools(settings: Settings, report: PreflightReport, explicit: ExplicitTools): Settings {
  const out: Settings = { ...settings };
  const v = report.virtctl;
  if (v) {
    if (!explicit.virtctlVersion) out.virtctlVersion = v.version;
    // A user-chosen version is fetched from GitHub: the cluster's download serves only the cluster's own release.
    if (!explicit.virtctlUrl && !explicit.virtctlVersion) out.virtctlUrl = v.source === 'github' ? undefined : v.url;
  }
  const k = report.kubectl;
  if (k && !explicit.kubectlVersion) out.kubectlVersion = k.version;
  return out;
}
