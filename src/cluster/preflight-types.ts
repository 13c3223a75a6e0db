// The shapes preflight hands to deploy, the TUI and `preflight --json`. Kept
// apart from the checks so that each check module can name them without
// importing the orchestrator (and the orchestrator re-exports them).

export type CheckStatus = 'ok' | 'warn' | 'block';

export interface PreflightCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** One sentence: what was found. */
  detail: string;
  /** What to do about a warn or block, when there is something to do. */
  fix?: string;
}

export interface KubeVirtInfo {
  /** The release, normalised: v1.7.1 (for pinning virtctl). */
  version: string;
  /** As the cluster reports it: v1.7.1-23-g1a2b3c4d5e on OpenShift builds. */
  gitVersion: string;
  flavor: 'kubevirt' | 'openshift';
  /** Where the KubeVirt CR lives (kubevirt upstream, openshift-cnv on OpenShift). */
  namespace: string;
  crName: string;
  /** spec.configuration.migrations over KubeVirt's defaults. */
  limits: Record<string, unknown>;
}

export interface ToolPin {
  version: string;
  /** `{arch}` stands where the VM's architecture goes. */
  url: string;
}

export interface VirtctlPin extends ToolPin {
  source: 'github' | 'cluster' | 'flag';
}

export interface NodeSummary {
  schedulable: string[];
  unschedulable: { name: string; reason: string }[];
}

export interface MissingPermission {
  what: string;
  fix: string;
}

export interface TargetInfo {
  name: string;
  component?: string;
  eligible: boolean;
  reason: string;
}

export interface ExistingController {
  runId?: string;
  vm: string;
  state?: string;
}

export interface PreflightReport {
  checks: PreflightCheck[];
  blocked: boolean;
  kubevirt?: KubeVirtInfo;
  kubernetesVersion?: string;
  virtctl?: VirtctlPin;
  kubectl?: ToolPin;
  nodes: NodeSummary;
  permissions: { missing: MissingPermission[] };
  namespaceExists: boolean;
  targets: TargetInfo[];
  existingController?: ExistingController;
}

export interface PreflightOptions {
  /** Downgrade "fewer than two schedulable nodes" from block to warn. */
  allowSingleNode?: boolean;
  /** Called as each check completes, in completion order. */
  onCheck?: (c: PreflightCheck) => void;
}

/**
 * Every check preflight may report, in the order the report lists them, so
 * that a UI can show a spinner for each before any has finished. `api` is
 * the only one reported alone: when the server cannot be reached nothing
 * else can be asked.
 */
export const PREFLIGHT_CHECKS = [
  { id: 'api', title: 'API server' },
  { id: 'kubevirt', title: 'KubeVirt' },
  { id: 'virtctl', title: 'virtctl' },
  { id: 'kubectl', title: 'kubectl' },
  { id: 'nodes', title: 'Nodes' },
  { id: 'limits', title: 'Migration limits' },
  { id: 'namespace', title: 'Namespace' },
  { id: 'permissions', title: 'Permissions' },
  { id: 'targets', title: 'Targets' },
  { id: 'controller', title: 'Existing controller' },
] as const;

export type PreflightCheckId = (typeof PREFLIGHT_CHECKS)[number]['id'];

export function checkTitle(id: PreflightCheckId): string {
  return PREFLIGHT_CHECKS.find((c) => c.id === id)!.title;
}

/** Builds a check with its title from PREFLIGHT_CHECKS. */
export function check(id: PreflightCheckId, status: CheckStatus, detail: string, fix?: string): PreflightCheck {
  return fix ? { id, title: checkTitle(id), status, detail, fix } : { id, title: checkTitle(id), status, detail };
}
