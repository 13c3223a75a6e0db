// virt-api's aggregated group subresources.kubevirt.io/v1, for what this
// product uses: `version` and `virtualmachines/{name}/migrate` (what
// `virtctl migrate` calls). virt-api authorizes the caller (RBAC on
// virtualmachines/migrate, done by the server before this runs) and then
// creates the VMIM with its own identity; admission denials come back as 500.
import { StatusError, badRequest, conflict, internalError, methodNotAllowed, notFound } from '../api/errors.js';
import { readBody, sendJson } from '../api/http/io.js';
import { goJsonSyntaxError } from '../api/patch/go-json.js';
import type { ApiExtension } from '../api/server.js';
import type { UserInfo } from '../api/types.js';
import { type KubeVirtContext, VMI_KEY, VM_KEY } from './context.js';
import { SUBRESOURCES_GROUP } from './kinds.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const VIRT_API: UserInfo = { name: 'system:serviceaccount:kubevirt:kubevirt-apiserver', groups: ['system:masters', 'system:serviceaccounts', 'system:authenticated'] };

/**
 * virt-api's APIResourceList for the group, exactly as it answers it (name and
 * namespaced only: no kind, no verbs). `version` and `guestfs` are served but
 * not listed, and kubectl's RESTMapper skips the `x/y` names, so the group
 * shows only `expand-vm-spec` in `kubectl api-resources`.
 */
const DISCOVERY = [
  'expand-vm-spec',
  ...['vnc', 'console', 'portforward', 'pause', 'unpause', 'freeze', 'unfreeze', 'softreboot'].map((s) => `virtualmachineinstances/${s}`),
  ...['start', 'stop', 'restart', 'migrate', 'expand-spec'].map((s) => `virtualmachines/${s}`),
  ...['guestosinfo', 'userlist', 'filesystemlist', 'addvolume', 'removevolume', 'sev/fetchcertchain', 'sev/querylaunchmeasurement', 'sev/setupsession', 'sev/injectlaunchsecret'].map((s) => `virtualmachineinstances/${s}`),
];

export function subresourcesExtension(ctx: KubeVirtContext): ApiExtension {
  return {
    group: SUBRESOURCES_GROUP,
    version: 'v1',
    resources: DISCOVERY.map((name) => ({ name, kind: '', namespaced: true, verbs: [] })),
    async serve(info, _url, req, res) {
      if (info.resource === 'version' && !info.namespace) {
        if (req.method !== 'GET') throw methodNotAllowed();
        sendJson(res, 200, {
          gitVersion: ctx.gitVersion,
          gitCommit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
          gitTreeState: 'clean',
          buildDate: '2026-09-18T10:21:42Z',
          goVersion: 'go1.23.9',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
        return true;
      }
      if (info.resource === 'virtualmachines' && info.subresource === 'migrate' && info.namespace) {
        if (req.method !== 'PUT') throw methodNotAllowed();
        migrate(ctx, info.namespace, info.name, decodeMigrateOptions(await readBody(req)));
        res.writeHead(202, { 'Content-Length': '0' });
        res.end();
        return true;
      }
      return false;
    },
  };
}

/**
 * virt-api decodes the body (empty is fine) with a streaming JSON decoder into
 * MigrateOptions before it looks at the VM; what it cannot read is a 400 with
 * Go's decoder error (a stream decoder says `unexpected EOF` for cut-off JSON).
 */
export function decodeMigrateOptions(raw: Buffer): Any {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  const fail = (why: string) => badRequest(`Can not unmarshal Request body to struct, error: ${why}`);
  const syntax = goJsonSyntaxError(text);
  if (syntax) throw fail(syntax === 'unexpected end of JSON input' ? 'unexpected EOF' : syntax);
  const body = JSON.parse(text) as Any;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw fail(`json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type v1.MigrateOptions`);
  if (body.dryRun !== undefined && body.dryRun !== null && !(Array.isArray(body.dryRun) && body.dryRun.every((x: unknown) => typeof x === 'string'))) {
    throw fail(`json: cannot unmarshal ${Array.isArray(body.dryRun) ? 'number' : typeof body.dryRun} into Go struct field MigrateOptions.dryRun of type ${Array.isArray(body.dryRun) ? 'string' : '[]string'}`);
  }
  return body;
}

/** What virt-api's MigrateVMRequestHandler does: VM (404), its VMI (404), Running (409), then the migration. */
export function migrate(ctx: KubeVirtContext, namespace: string, name: string, body: Any = {}): void {
  const vm = ctx.client.get(VM_KEY, namespace, name);
  if (!vm) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachine' }, name);
  const vmi = ctx.client.get(VMI_KEY, namespace, name) as Any | undefined;
  // A stopped VM has no VMI: virt-api's FetchVirtualMachineInstance answers NotFound for it.
  if (!vmi) throw notFound({ group: 'kubevirt.io', resource: 'virtualmachineinstance' }, name);
  if (vmi.status?.phase !== 'Running') throw conflict({ group: 'kubevirt.io', resource: 'virtualmachine' }, name, 'VM is not running');
  const dryRun = Array.isArray(body.dryRun) && body.dryRun.includes('All');
  const spec: Any = { vmiName: name };
  if (body.addedNodeSelector && ctx.atLeast(6)) spec.addedNodeSelector = body.addedNodeSelector;
  try {
    const ctxWrite = { user: VIRT_API, dryRun, fieldManager: 'virt-api', fieldValidation: 'Ignore' as const, warnings: [] };
    const rt = ctx.api.types.byResource('kubevirt.io', 'virtualmachineinstancemigrations')!;
    ctx.api.registry.create(rt, namespace, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { generateName: 'kubevirt-migrate-vm-' }, spec }, ctxWrite);
  } catch (e) {
    // virt-api wraps any failure to create the migration as an internal error.
    if (e instanceof StatusError) throw internalError(e.message);
    throw e;
  }
}
