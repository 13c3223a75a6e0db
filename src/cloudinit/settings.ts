// The one typed Settings object shared by render, deploy and the TUI.
// Every value arrives as text (flags, --params, ConfigMap data, TUI fields),
// so each field is parsed from `unknown` with a message that names the
// setting as the user typed it (kebab-case), e.g.
//   migration-interval-min (300) must not be greater than migration-interval-max (120)

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseLabelSelector, SelectorError } from '../k8s/selectors.js';
import { COMPONENT, DEFAULT_NAMESPACE } from './names.js';

export type Trigger = 'virtctl' | 'vmim';
export const TRIGGERS: readonly Trigger[] = ['virtctl', 'vmim'];

/**
 * virtwork's workloads. An exclusion outside this list is refused here (a
 * typo would otherwise silently exclude nothing); callers that have looked
 * at the cluster may pass the components they found as `knownComponents`.
 */
export const KNOWN_COMPONENTS: readonly string[] = ['cpu', 'memory', 'disk', 'database', 'network', COMPONENT];

/** The newest KubeVirt release this product knows; preflight pins the cluster's. */
export const DEFAULT_VIRTCTL_VERSION = 'v1.7.4';
/** Within one minor of every Kubernetes that KubeVirt v1.5–v1.7 supports. */
export const DEFAULT_KUBECTL_VERSION = 'v1.33.5';
/** A week: longer intervals are a typo, and bash arithmetic stays far from overflow. */
export const MAX_SECONDS = 604_800;

export interface Settings {
  namespace: string;
  migrationIntervalMin: number;
  migrationIntervalMax: number;
  migrationTimeout: number;
  /** Extra label selector ANDed with managed-by=virtwork; '' = none. */
  migrationTargetLabels: string;
  /** Components never migrated besides chaos-migration itself (always excluded). */
  migrationExcludeComponents: string[];
  migrationDryRun: boolean;
  trigger: Trigger;
  virtctlVersion: string;
  /** Overrides the GitHub release URL; `{arch}` becomes amd64, arm64 or s390x. */
  virtctlUrl: string | undefined;
  kubectlVersion: string;
  kubectlUrl: string | undefined;
  containerDiskImage: string;
  /** The API server address as the controller VM reaches it. */
  apiServer: string;
  runId: string;
}

/** Raw values by field; undefined means "not given" and takes the default. */
export type SettingsInput = { [K in keyof Settings]?: unknown };

export const DEFAULT_SETTINGS: Omit<Settings, 'runId'> = {
  namespace: DEFAULT_NAMESPACE,
  migrationIntervalMin: 120,
  migrationIntervalMax: 600,
  migrationTimeout: 300,
  migrationTargetLabels: '',
  migrationExcludeComponents: [],
  migrationDryRun: false,
  trigger: 'virtctl',
  virtctlVersion: DEFAULT_VIRTCTL_VERSION,
  virtctlUrl: undefined,
  kubectlVersion: DEFAULT_KUBECTL_VERSION,
  kubectlUrl: undefined,
  containerDiskImage: 'quay.io/containerdisks/fedora:42',
  apiServer: 'https://kubernetes.default.svc',
};

/** The user-facing (flag and ConfigMap) name of each field. */
export const SETTING_NAMES: { readonly [K in keyof Settings]: string } = {
  namespace: 'namespace',
  migrationIntervalMin: 'migration-interval-min',
  migrationIntervalMax: 'migration-interval-max',
  migrationTimeout: 'migration-timeout',
  migrationTargetLabels: 'migration-target-labels',
  migrationExcludeComponents: 'migration-exclude-components',
  migrationDryRun: 'migration-dry-run',
  trigger: 'trigger',
  virtctlVersion: 'virtctl-version',
  virtctlUrl: 'virtctl-url',
  kubectlVersion: 'kubectl-version',
  kubectlUrl: 'kubectl-url',
  containerDiskImage: 'container-disk-image',
  apiServer: 'api-server',
  runId: 'run-id',
};

/** Bad settings: `message` is the first problem, `problems` all of them. */
export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems[0] ?? 'invalid settings');
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

export interface ParseOptions {
  /** Components found in the cluster, accepted as exclusions besides KNOWN_COMPONENTS. */
  knownComponents?: readonly string[];
  /** For tests; crypto.randomUUID otherwise. */
  newRunId?: () => string;
}

type Check<T> = (raw: unknown) => { value: T } | { error: string };

/** Shows a raw value the way it was typed: numbers bare, text quoted. */
export function showValue(raw: unknown): string {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return raw.trim();
  return JSON.stringify(raw) ?? String(raw);
}

function text(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

export const checkSeconds = (name: string): Check<number> => (raw) => {
  const t = text(raw);
  if (t === undefined || !/^[-+]?\d+$/.test(t)) return { error: `${name} (${showValue(raw)}) must be a whole number of seconds` };
  const n = Number(t);
  if (n < 1) return { error: `${name} (${n}) must be at least 1 second` };
  if (n > MAX_SECONDS) return { error: `${name} (${n}) must be at most ${MAX_SECONDS} seconds (7 days)` };
  return { value: n };
};

export const checkSelector: Check<string> = (raw) => {
  const t = text(raw) ?? '';
  try {
    parseLabelSelector(t);
  } catch (e) {
    if (e instanceof SelectorError) {
      return { error: `migration-target-labels (${showValue(raw)}) is not a valid label selector: ${e.message}` };
    }
    throw e;
  }
  return { value: t };
};

export const checkComponents = (known: readonly string[]): Check<string[]> => (raw) => {
  const items = Array.isArray(raw) ? raw.map((v) => text(v) ?? '') : (text(raw) ?? '').split(',');
  const out: string[] = [];
  for (const item of items.map((s) => s.trim()).filter((s) => s !== '')) {
    if (!known.includes(item)) {
      return { error: `migration-exclude-components: unknown component ${JSON.stringify(item)} (known: ${known.join(', ')})` };
    }
    if (!out.includes(item)) out.push(item);
  }
  return { value: out };
};

export const checkBoolean = (name: string): Check<boolean> => (raw) => {
  if (raw === true || raw === false) return { value: raw };
  const t = text(raw)?.toLowerCase();
  if (t === 'true' || t === 'false') return { value: t === 'true' };
  return { error: `${name} (${showValue(raw)}) must be true or false` };
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const checkNamespace: Check<string> = (raw) => {
  const t = text(raw) ?? '';
  if (t.length <= 63 && DNS_LABEL.test(t)) return { value: t };
  return {
    error: `namespace (${showValue(raw)}) must be a valid namespace name: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
  };
};

const checkTrigger: Check<Trigger> = (raw) => {
  const t = text(raw);
  if (t === 'virtctl' || t === 'vmim') return { value: t };
  return { error: `trigger (${showValue(raw)}) must be virtctl or vmim` };
};

const checkVersion = (name: string): Check<string> => (raw) => {
  const t = text(raw) ?? '';
  if (/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(t)) return { value: t };
  return { error: `${name} (${showValue(raw)}) must be a release tag like v1.7.0` };
};

const checkUrl = (name: string, optional: boolean): Check<string | undefined> => (raw) => {
  const t = text(raw) ?? '';
  if (optional && t === '') return { value: undefined };
  let ok = /^https?:\/\/[^\s"'\\]+$/.test(t);
  if (ok) {
    try {
      ok = new URL(t.replaceAll('{arch}', 'amd64')).hostname !== '';
    } catch {
      ok = false;
    }
  }
  return ok ? { value: t } : { error: `${name} (${showValue(raw)}) must be an http:// or https:// URL` };
};

// Registry host, path components, then :tag and/or @digest (docker's reference grammar, simplified).
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9.-]*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const checkImage: Check<string> = (raw) => {
  const t = text(raw) ?? '';
  if (t.length <= 512 && IMAGE.test(t)) return { value: t };
  return { error: `container-disk-image (${showValue(raw)}) must be a container image reference like quay.io/containerdisks/fedora:42` };
};

export const checkRunId: Check<string> = (raw) => {
  const t = text(raw) ?? '';
  if (t.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(t)) return { value: t };
  return {
    error: `run-id (${showValue(raw)}) must be a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
  };
};

function field<T>(check: Check<T>) {
  return z.unknown().transform((raw, ctx): T => {
    const r = check(raw);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.value;
  });
}

/** The zod schema of Settings over raw values that already carry their defaults. */
export function settingsSchema(opts: ParseOptions = {}) {
  const known = [...KNOWN_COMPONENTS, ...(opts.knownComponents ?? []).filter((c) => !KNOWN_COMPONENTS.includes(c))];
  return z
    .object({
      namespace: field(checkNamespace),
      migrationIntervalMin: field(checkSeconds('migration-interval-min')),
      migrationIntervalMax: field(checkSeconds('migration-interval-max')),
      migrationTimeout: field(checkSeconds('migration-timeout')),
      migrationTargetLabels: field(checkSelector),
      migrationExcludeComponents: field(checkComponents(known)),
      migrationDryRun: field(checkBoolean('migration-dry-run')),
      trigger: field(checkTrigger),
      virtctlVersion: field(checkVersion('virtctl-version')),
      virtctlUrl: field(checkUrl('virtctl-url', true)),
      kubectlVersion: field(checkVersion('kubectl-version')),
      kubectlUrl: field(checkUrl('kubectl-url', true)),
      containerDiskImage: field(checkImage),
      apiServer: field(checkUrl('api-server', false)),
      runId: field(checkRunId),
    })
    .superRefine((s, ctx) => {
      if (s.migrationIntervalMin > s.migrationIntervalMax) {
        ctx.addIssue({
          code: 'custom',
          path: ['migrationIntervalMin'],
          message: `migration-interval-min (${s.migrationIntervalMin}) must not be greater than migration-interval-max (${s.migrationIntervalMax})`,
        });
      }
    });
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

/** Defaults for what is absent, a fresh run id when none is given, then validation. */
export function safeParseSettings(input: SettingsInput, opts: ParseOptions = {}): SettingsResult {
  const raw: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) raw[k] = v;
  if (raw.runId === undefined) raw.runId = (opts.newRunId ?? randomUUID)();
  const r = settingsSchema(opts).safeParse(raw);
  if (r.success) return { ok: true, settings: r.data as Settings };
  return { ok: false, problems: r.error.issues.map((i) => i.message) };
}

/** Like safeParseSettings, throwing a SettingsError with one clear message. */
export function parseSettings(input: SettingsInput, opts: ParseOptions = {}): Settings {
  const r = safeParseSettings(input, opts);
  if (!r.ok) throw new SettingsError(r.problems);
  return r.settings;
}
