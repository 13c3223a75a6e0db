// Defaulting and validation of the built-in kinds, with the real messages.
import { type StatusCause, badRequest, fieldInvalid, fieldRequired } from './errors.js';
import type { KindBehaviour } from './strategy.js';
import type { KubeObject } from './types.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MESSAGE =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const MAX_DATA_BYTES = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function dataKeyCauses(field: string, data: Any | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  for (const k of Object.keys(data ?? {})) {
    if (!CONFIG_KEY.test(k) || k.length > 253) out.push(fieldInvalid(`${field}[${k}]`, k, CONFIG_KEY_MESSAGE));
  }
  return out;
}

function immutableCauses(o: Any, old: Any | undefined): StatusCause[] {
  if (!old?.immutable) return [];
  const out: StatusCause[] = [];
  if (JSON.stringify(o.data ?? {}) !== JSON.stringify(old.data ?? {})) out.push({ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' });
  if (o.immutable !== true) out.push({ reason: 'FieldValueForbidden', field: 'immutable', message: 'Forbidden: field is immutable when `immutable` is set' });
  return out;
}

/** Secrets: stringData folds into data, data must be base64 (a decode error, so 400), type defaults and is immutable. */
function prepareSecret(o: KubeObject): void {
  const sec = o as Any;
  for (const v of Object.values(sec.data ?? {})) {
    if (typeof v !== 'string' || !BASE64.test(v) || v.length % 4 !== 0) {
      const at = typeof v === 'string' ? [...v].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c)) : 0;
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at < 0 ? String(v).length : at}`);
    }
  }
  if (sec.stringData) {
    sec.data = { ...(sec.data ?? {}) };
    for (const [k, v] of Object.entries(sec.stringData)) sec.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete sec.stringData;
  }
  sec.type ??= 'Opaque';
}

function validateSecret(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const sec = o as Any;
  const causes = dataKeyCauses('data', sec.data);
  let size = 0;
  for (const v of Object.values(sec.data ?? {})) size += Buffer.from(String(v), 'base64').length;
  if (size > MAX_DATA_BYTES) causes.push({ reason: 'FieldValueTooLong', field: 'data', message: `Too long: must have at most ${MAX_DATA_BYTES} bytes` });
  if (sec.type === 'kubernetes.io/service-account-token' && !sec.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    causes.push(fieldRequired('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  if (old && (old as Any).type !== sec.type) causes.push(fieldInvalid('type', sec.type, 'field is immutable'));
  causes.push(...immutableCauses(sec, old as Any));
  return causes;
}

function validateConfigMap(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const cm = o as Any;
  const causes = [...dataKeyCauses('data', cm.data), ...dataKeyCauses('binaryData', cm.binaryData)];
  for (const k of Object.keys(cm.data ?? {})) {
    if (cm.binaryData && k in cm.binaryData) causes.push(fieldInvalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
  }
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) size += k.length + Buffer.byteLength(String(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) size += k.length + Buffer.from(String(v), 'base64').length;
  if (size > MAX_DATA_BYTES) causes.push({ reason: 'FieldValueTooLong', field: '[]', message: `Too long: must have at most ${MAX_DATA_BYTES} bytes` });
  causes.push(...immutableCauses(cm, old as Any));
  return causes;
}

function prepareNamespace(o: KubeObject): void {
  const ns = o as Any;
  ns.spec = { ...(ns.spec ?? {}), finalizers: ['kubernetes'] };
  ns.status = { phase: 'Active' };
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
}

function prepareNamespaceUpdate(o: KubeObject, old: KubeObject, subresource?: string): void {
  const ns = o as Any;
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
  // spec.finalizers changes only through /finalize; a DELETE makes the namespace Terminating.
  if (subresource !== 'finalize') ns.spec = { ...(ns.spec ?? {}), finalizers: (old as Any).spec?.finalizers ?? [] };
  if (ns.metadata.deletionTimestamp) ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
}

let nextClusterIp = 10;

/** SetDefaults_Service, which a real server applies to every write it decodes, not only to creates. */
function defaultService(svc: Any): void {
  svc.spec ??= {};
  svc.spec.type ??= 'ClusterIP';
  svc.spec.sessionAffinity ??= 'None';
  if (svc.spec.type !== 'ExternalName') svc.spec.internalTrafficPolicy ??= 'Cluster';
  for (const p of svc.spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
}

function prepareService(o: KubeObject): void {
  const svc = o as Any;
  defaultService(svc);
  if (svc.spec.type !== 'ExternalName' && svc.spec.clusterIP === undefined) {
    const n = nextClusterIp++;
    svc.spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }
  if (svc.spec.clusterIP && svc.spec.clusterIP !== 'None') {
    svc.spec.clusterIPs ??= [svc.spec.clusterIP];
    svc.spec.ipFamilies ??= ['IPv4'];
    svc.spec.ipFamilyPolicy ??= 'SingleStack';
  }
  svc.status ??= { loadBalancer: {} };
}

/**
 * What the service REST keeps on update: an omitted clusterIP (and the IP
 * family fields) stay as allocated (patchAllocatedValues), so re-applying the
 * YAML that created a Service, or a server-side apply that no longer sets
 * them, does not unset them.
 */
function prepareServiceUpdate(o: KubeObject, old: KubeObject): void {
  const svc = o as Any;
  const prev = (old as Any).spec ?? {};
  defaultService(svc);
  if (svc.spec.type !== 'ExternalName' && prev.clusterIP && prev.clusterIP !== 'None') {
    svc.spec.clusterIP ||= prev.clusterIP;
    if (!svc.spec.clusterIPs?.length && prev.clusterIPs) svc.spec.clusterIPs = prev.clusterIPs;
    svc.spec.ipFamilies ??= prev.ipFamilies;
    svc.spec.ipFamilyPolicy ??= prev.ipFamilyPolicy;
  }
}

const goStrings = (v: unknown) => (Array.isArray(v) ? `[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}` : '[]string(nil)');

/** Allocated cluster IPs may not change (validateUpgradeDowngradeClusterIPs, single-stack). */
function validateServiceUpdate(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  if (!old) return [];
  const now = ((o as Any).spec?.clusterIPs ?? []) as string[];
  const before = ((old as Any).spec?.clusterIPs ?? []) as string[];
  if (before.length === 0 || before[0] === 'None') return [];
  const message = now.length === 0 ? 'primary clusterIP can not be unset' : now[0] !== before[0] ? 'may not change once set' : '';
  return message ? [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: ${goStrings((o as Any).spec?.clusterIPs)}: ${message}` }] : [];
}

function validateRules(rules: Any[] | undefined, namespaced: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  (rules ?? []).forEach((r, i) => {
    if (!r.verbs?.length) out.push({ ...fieldRequired(`rules[${i}].verbs`), message: 'Required value: verbs must contain at least one value' });
    if (r.nonResourceURLs?.length) {
      if (namespaced) out.push(fieldInvalid(`rules[${i}].nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) {
        out.push(fieldInvalid(`rules[${i}].nonResourceURLs`, r.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
    } else {
      if (!r.apiGroups?.length) out.push({ ...fieldRequired(`rules[${i}].apiGroups`), message: 'Required value: resource rules must supply at least one api group' });
      if (!r.resources?.length) out.push({ ...fieldRequired(`rules[${i}].resources`), message: 'Required value: resource rules must supply at least one resource' });
    }
  });
  return out;
}

function validateBinding(o: KubeObject, old: KubeObject | undefined, clusterScoped: boolean): StatusCause[] {
  const b = o as Any;
  const out: StatusCause[] = [];
  const ref = b.roleRef ?? {};
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (ref.apiGroup !== 'rbac.authorization.k8s.io') out.push({ reason: 'FieldValueNotSupported', field: 'roleRef.apiGroup', message: `Unsupported value: "${ref.apiGroup ?? ''}": supported values: "rbac.authorization.k8s.io"` });
  if (!kinds.includes(ref.kind)) out.push({ reason: 'FieldValueNotSupported', field: 'roleRef.kind', message: `Unsupported value: "${ref.kind ?? ''}": supported values: ${kinds.map((k) => `"${k}"`).join(', ')}` });
  if (!ref.name) out.push(fieldRequired('roleRef.name'));
  if (old && JSON.stringify((old as Any).roleRef) !== JSON.stringify(b.roleRef)) {
    out.push(fieldInvalid('roleRef', b.roleRef, 'cannot change roleRef'));
  }
  (b.subjects ?? []).forEach((sub: Any, i: number) => {
    if (!sub.name) out.push(fieldRequired(`subjects[${i}].name`));
    if (sub.kind === 'ServiceAccount') {
      if (sub.apiGroup) out.push({ reason: 'FieldValueNotSupported', field: `subjects[${i}].apiGroup`, message: `Unsupported value: "${sub.apiGroup}": supported values: ""` });
      if (!sub.namespace && clusterScoped) out.push(fieldRequired(`subjects[${i}].namespace`));
    } else if (sub.kind === 'User' || sub.kind === 'Group') {
      if (sub.apiGroup !== 'rbac.authorization.k8s.io') {
        out.push({ reason: 'FieldValueNotSupported', field: `subjects[${i}].apiGroup`, message: `Unsupported value: "${sub.apiGroup ?? ''}": supported values: "rbac.authorization.k8s.io"` });
      }
    } else {
      out.push({ reason: 'FieldValueNotSupported', field: `subjects[${i}].kind`, message: `Unsupported value: "${sub.kind ?? ''}": supported values: "ServiceAccount", "User", "Group"` });
    }
  });
  return out;
}

function validateEvent(o: KubeObject): StatusCause[] {
  const e = o as Any;
  const out: StatusCause[] = [];
  if (!e.involvedObject?.kind && !e.regarding) out.push(fieldRequired('involvedObject.kind'));
  if (e.involvedObject?.namespace && e.involvedObject.namespace !== e.metadata.namespace) {
    out.push(fieldInvalid('involvedObject.namespace', e.involvedObject.namespace, 'does not match event.namespace'));
  }
  if (e.type && !['Normal', 'Warning'].includes(e.type)) out.push({ reason: 'FieldValueNotSupported', field: 'type', message: `Unsupported value: "${e.type}": supported values: "Normal", "Warning"` });
  return out;
}

export function registerCoreStrategies(b: KindBehaviour): void {
  b.addStrategy('secrets', { prepareForCreate: prepareSecret, prepareForUpdate: (o) => prepareSecret(o), validate: validateSecret });
  b.addStrategy('configmaps', { validate: validateConfigMap });
  b.addStrategy('namespaces', { prepareForCreate: prepareNamespace, prepareForUpdate: (o, old, _c, sub) => prepareNamespaceUpdate(o, old, sub) });
  b.addStrategy('services', {
    prepareForCreate: prepareService,
    prepareForUpdate: (o, old, _c, sub) => {
      if (sub !== 'status') prepareServiceUpdate(o, old);
    },
    validate: validateServiceUpdate,
  });
  b.addStrategy('events', { validate: validateEvent });
  b.addStrategy('persistentvolumeclaims', {
    prepareForCreate: (o) => {
      (o as Any).status = { phase: 'Pending' };
    },
  });
  b.addStrategy('roles.rbac.authorization.k8s.io', { validate: (o) => validateRules((o as Any).rules, true) });
  b.addStrategy('clusterroles.rbac.authorization.k8s.io', { validate: (o) => validateRules((o as Any).rules, false) });
  b.addStrategy('rolebindings.rbac.authorization.k8s.io', { validate: (o, old) => validateBinding(o, old, false) });
  b.addStrategy('clusterrolebindings.rbac.authorization.k8s.io', { validate: (o, old) => validateBinding(o, old, true) });
}
