// Shared pieces of the simulated-KubeVirt acceptance tests: manifests, kubectl
// as another user, JSON reads through kubectl, and a client-node watch that
// records what a real client would see over HTTPS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { eventually } from '../../helpers/https.js';
import { type KubectlResult, kubectlRunner } from '../../helpers/kubectl.js';
import type { TestCluster } from '../../helpers/sim.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;
export type Kubectl = TestCluster['kubectl'];

export const NS = 'virtwork';
export const MIGRATION_PHASES = ['Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running', 'Succeeded'];

/** A VirtualMachineInstanceMigration manifest as a user writes it. */
export function vmimYaml(name: string, vmi: string, opts: { namespace?: string; annotations?: Record<string, string> } = {}): string {
  const annotations = Object.entries(opts.annotations ?? {})
    .map(([k, v]) => `\n    ${k}: "${v}"`)
    .join('');
  return [
    'apiVersion: kubevirt.io/v1',
    'kind: VirtualMachineInstanceMigration',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${opts.namespace ?? NS}`,
    ...(annotations ? [`  annotations:${annotations}`] : []),
    'spec:',
    `  vmiName: ${vmi}`,
    '',
  ].join('\n');
}

/** Writes a file for `kubectl ... -f FILE` and returns its path. */
export function tempFile(name: string, content: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'kv-test-')), name);
  writeFileSync(p, content);
  return p;
}

/** Runs kubectl and fails with its stderr unless it exits 0. */
export async function ok(kubectl: Kubectl, args: string[], opts: { input?: string } = {}): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** `kubectl get ... -o json`, parsed. */
export async function getJson(kubectl: Kubectl, args: string[]): Promise<Any> {
  return JSON.parse(await ok(kubectl, ['get', ...args, '-o', 'json']));
}

/** Polls a `kubectl get -o json` read until `pred` holds; returns the last object read. */
export async function waitFor(kubectl: Kubectl, args: string[], pred: (o: Any) => boolean, timeoutMs = 20_000): Promise<Any> {
  let last: Any;
  try {
    return await eventually(
      async () => {
        const r = await kubectl(['get', ...args, '-o', 'json']);
        last = r.exitCode === 0 ? JSON.parse(r.stdout) : undefined;
        return last !== undefined && pred(last) ? last : undefined;
      },
      timeoutMs,
      100,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}: kubectl get ${args.join(' ')}; last read ${JSON.stringify(last?.status ?? last)?.slice(0, 1500)}`);
  }
}

/** A kubectl for another identity (its own kubeconfig and discovery cache). */
export function kubectlAs(t: TestCluster, user: string, token: string, namespace = NS): Kubectl {
  const path = join(mkdtempSync(join(tmpdir(), 'kv-user-')), 'kubeconfig');
  t.cluster.api.writeKubeconfig(path, t.cluster.api.kubeconfigFor(user, token, namespace));
  return kubectlRunner(path);
}

export function customObjects(t: TestCluster): CustomObjectsApi {
  return t.kc.makeApiClient(CustomObjectsApi);
}

export interface Recorded {
  type: string;
  object: Any;
}

/** A client-node watch on a path, recording every event; stop() ends it. */
export async function record(t: TestCluster, path: string, params: Record<string, string> = {}): Promise<{ events: Recorded[]; stop(): void }> {
  const events: Recorded[] = [];
  const ctrl = await new Watch(t.kc).watch(
    path,
    params,
    (type, object) => events.push({ type, object }),
    () => {},
  );
  return { events, stop: () => ctrl.abort() };
}

/** The phases a watched object went through, in order, without repeats. */
export function phasesSeen(events: Recorded[], name: string): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.object?.metadata?.name !== name) continue;
    const p = e.object?.status?.phase;
    if (p && out[out.length - 1] !== p) out.push(p);
  }
  return out;
}

/** The kubectl result's combined text, for matching messages wherever kubectl printed them. */
export const text = (r: KubectlResult) => `${r.stdout}\n${r.stderr}`;

/** Names of the seeded VMIs by component (`virtwork-disk-0`, ...). */
export const vmName = (component: string, i = 0) => `virtwork-${component}-${i}`;

export interface VmOptions {
  memory?: string;
  runStrategy?: string;
  /** Adds a blank DataVolume with these access modes (none given: the storage profile's default). */
  dataVolume?: { accessModes?: string[] };
  nodeSelector?: Record<string, string>;
  evictionStrategy?: string;
  labels?: Record<string, string>;
}

/** A VirtualMachine manifest (JSON, which kubectl reads as YAML) as a user writes it. */
export function vmManifest(name: string, o: VmOptions = {}): string {
  const disks: Any[] = [{ name: 'containerdisk', disk: { bus: 'virtio' } }];
  const volumes: Any[] = [{ name: 'containerdisk', containerDisk: { image: 'quay.io/containerdisks/fedora:42' } }];
  const spec: Any = {
    runStrategy: o.runStrategy ?? 'Always',
    template: {
      metadata: { labels: { 'kubevirt.io/domain': name, ...(o.labels ?? {}) } },
      spec: {
        domain: { cpu: { cores: 1 }, memory: { guest: o.memory ?? '1Gi' }, devices: { disks, interfaces: [{ name: 'default', masquerade: {} }] } },
        networks: [{ name: 'default', pod: {} }],
        volumes,
        ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
        ...(o.evictionStrategy ? { evictionStrategy: o.evictionStrategy } : {}),
      },
    },
  };
  if (o.dataVolume) {
    disks.push({ name: 'data', disk: { bus: 'virtio' } });
    volumes.push({ name: 'data', dataVolume: { name: `${name}-data` } });
    const storage: Any = { resources: { requests: { storage: '1Gi' } } };
    if (o.dataVolume.accessModes) storage.accessModes = o.dataVolume.accessModes;
    spec.dataVolumeTemplates = [{ metadata: { name: `${name}-data` }, spec: { source: { blank: {} }, storage } }];
  }
  return JSON.stringify({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: NS }, spec }, null, 2);
}
