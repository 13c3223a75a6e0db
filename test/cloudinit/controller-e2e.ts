// Shared pieces of the controller's end-to-end acceptance: a simulated
// cluster per test, the controller deployed as users deploy it (`render` piped
// into `kubectl apply -f -`), its log captured line by line, and a record of
// every migration and every VMI move read from the cluster's own store (so
// that history survives KubeVirt's garbage collection of finished migrations
// and an API outage that would cut a client's watch).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VMIM_KEY, VMI_KEY } from '../../src/sim/kubevirt/context.js';
import { CONFIG_MAP_NAME, STATUS_MAP_NAME, TOKEN_SECRET_NAME, VM_NAME } from '../../src/cloudinit/names.js';
import { type ParsedStatus, parseSettingsLine, parseStatusData } from '../../src/cloudinit/status-format.js';
import type { SimClusterOptions } from '../../src/sim/cluster.js';
import { CLI, type CliResult, runCli } from '../helpers/cli.js';
import { type KubectlResult, kubectlRunner } from '../helpers/kubectl.js';
import { type TestCluster, testCluster } from '../helpers/sim.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

export const NS = 'virtwork';
export const SA_USER = `system:serviceaccount:${NS}:virtwork-chaos-migration`;
const PREFIX = `controller-vm ${NS}/${VM_NAME}: `;

/**
 * Shorter periods than a real deploy: a 1 s heartbeat/config tick, a 1 s poll
 * of the migration in flight, a 5 s back-off after 5 failures in a row.
 */
export const FAST_ENV = { MIGRATION_TICK: '1', MIGRATION_POLL: '1', MIGRATION_BACKOFF: '5' };

export interface LogLine {
  /** Wall-clock ms when the simulator logged it. */
  at: number;
  text: string;
}

/** One `event=...` line of the controller, with its fields. */
export interface ControllerEvent {
  at: number;
  event: string;
  fields: Record<string, string>;
  line: string;
}

/** A migration as the cluster saw it, with the wall-clock ms of its changes. */
export interface SeenMigration {
  uid: string;
  name: string;
  vmi: string;
  createdAt: number;
  /** ms when it reached Succeeded or Failed (undefined while it has not). */
  endedAt?: number;
  phase: string;
  object: Any;
}

export interface NodeChange {
  at: number;
  vmi: string;
  from: string;
  to: string;
}

export interface ControllerRun {
  t: TestCluster;
  runId: string;
  log: LogLine[];
  /** Lines the controller VM produced (the script, the kubeconfig step, the runner). */
  controllerLines(): LogLine[];
  events(name?: string): ControllerEvent[];
  migrations(): SeenMigration[];
  nodeChanges(): NodeChange[];
  waitForEvent(pred: (e: ControllerEvent) => boolean, timeoutMs: number, what?: string): Promise<ControllerEvent>;
  waitForLine(pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
  status(): Promise<ParsedStatus>;
  kubectl(args: string[], opts?: { input?: string }): Promise<KubectlResult>;
  /** kubectl with exactly the controller's credentials (the token Secret's token). */
  asController(): Promise<TestCluster['kubectl']>;
  stop(): Promise<void>;
}

export interface StartOptions extends SimClusterOptions {
  /** Extra `render` flags (the intervals default to 1..2 s). */
  render?: string[];
  /** Deploy the controller now (default true). */
  deploy?: boolean;
  /**
   * Called synchronously for each controller event line as the simulator logs
   * it, so that a test acts at an exact moment of the script's loop (the
   * script goes on meanwhile: waiting for the line to show up in a poll is late).
   */
  onEvent?: (e: ControllerEvent, run: ControllerRun) => void;
}

/**
 * Per-test timeout. Each test takes 10-55 s on an idle 2-CPU machine; this
 * leaves room for a loaded one (every simulated cluster, its controller
 * script and the kubectl it runs share those CPUs) without hiding a hang.
 */
export const E2E_TIMEOUT = 150_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns something truthy. */
export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string, stepMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(stepMs);
  }
}

/** Fields of `<time> event=<name> k=v k2="quoted"`; undefined for other lines. */
export function parseEventLine(text: string): { event: string; fields: Record<string, string> } | undefined {
  const m = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (event=.*)$/.exec(text);
  if (!m) return undefined;
  const fields = parseSettingsLine(m[1]!);
  const event = fields.event;
  if (!event) return undefined;
  return { event, fields };
}

/**
 * Runs dist/cli.js. `npm run build` empties dist/ before it writes it again,
 * so a build running beside the tests gets a few seconds to finish before
 * the CLI counts as missing.
 */
export async function cli(args: string[]): Promise<CliResult> {
  for (let attempt = 0; ; attempt++) {
    if (!existsSync(CLI)) await until(() => existsSync(CLI), 30_000, `${CLI} (run npm run build)`, 250);
    const r = await runCli(args);
    if (attempt < 2 && r.exitCode !== 0 && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(r.stderr)) {
      await sleep(2000);
      continue;
    }
    return r;
  }
}

/** `render` output for these flags, failing on any error. */
export async function render(flags: string[]): Promise<string> {
  const r = await cli(['render', ...flags]);
  if (r.exitCode !== 0) throw new Error(`render ${flags.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

export async function ok(kubectl: TestCluster['kubectl'], args: string[], opts: { input?: string } = {}): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

export function renderFlags(runId: string, extra: string[] = []): string[] {
  return ['--run-id', runId, '--migration-interval-min', '1', '--migration-interval-max', '2', ...extra];
}

/** What a test gives so that a failure shows the controller's log. */
export interface TestHooks {
  onTestFailed(fn: () => void): void;
}

/** A cluster with the controller deployed by `kubectl apply -f -` of `render`. */
export async function startController(opts: StartOptions = {}, hooks?: TestHooks): Promise<ControllerRun> {
  const log: LogLine[] = [];
  // Set once the run exists (before the deploy), for onEvent.
  const ref: { run?: ControllerRun } = {};
  const t = await testCluster({
    nodes: 3,
    vms: 6,
    speed: 15,
    failureRate: 0,
    seed: 7,
    ...opts,
    controllerEnv: { ...FAST_ENV, ...opts.controllerEnv },
    log: (text) => {
      const at = Date.now();
      log.push({ at, text });
      if (opts.onEvent && ref.run && text.startsWith(PREFIX)) {
        const e = parseEventLine(text.slice(PREFIX.length));
        if (e) opts.onEvent({ at, ...e, line: text.slice(PREFIX.length) }, ref.run);
      }
    },
  });
  const migrations = new Map<string, SeenMigration>();
  const nodeChanges: NodeChange[] = [];
  const lastNode = new Map<string, string>();
  const client = t.cluster.api.client;
  for (const vmi of client.list(VMI_KEY, NS)) {
    const node = (vmi as Any).status?.nodeName;
    if (node) lastNode.set(vmi.metadata.name!, node);
  }
  const unwatchVmim = client.watch(VMIM_KEY, (ev) => {
    const o = ev.object as Any;
    const uid = o.metadata.uid as string;
    let m = migrations.get(uid);
    if (!m) {
      m = { uid, name: o.metadata.name, vmi: o.spec?.vmiName, createdAt: Date.now(), phase: '', object: o };
      migrations.set(uid, m);
    }
    m.object = o;
    m.phase = o.status?.phase ?? '';
    if ((m.phase === 'Succeeded' || m.phase === 'Failed') && m.endedAt === undefined) m.endedAt = Date.now();
  });
  const unwatchVmi = client.watch(VMI_KEY, (ev) => {
    if (ev.type === 'DELETED') return;
    const o = ev.object as Any;
    const name = o.metadata.name as string;
    const node = o.status?.nodeName as string | undefined;
    const from = lastNode.get(name);
    if (!node || from === node) return;
    lastNode.set(name, node);
    // A VMI's first placement (the controller VM booting) is not a move.
    if (from !== undefined) nodeChanges.push({ at: Date.now(), vmi: name, from, to: node });
  });
  const runId = randomUUID();
  const controllerLines = () => log.filter((l) => l.text.startsWith(PREFIX)).map((l) => ({ at: l.at, text: l.text.slice(PREFIX.length) }));
  const events = (name?: string): ControllerEvent[] => {
    const out: ControllerEvent[] = [];
    for (const l of controllerLines()) {
      const e = parseEventLine(l.text);
      if (e && (name === undefined || e.event === name)) out.push({ at: l.at, ...e, line: l.text });
    }
    return out;
  };
  let asController: TestCluster['kubectl'] | undefined;
  const run: ControllerRun = {
    t,
    runId,
    log,
    controllerLines,
    events,
    migrations: () => [...migrations.values()].sort((a, b) => a.createdAt - b.createdAt),
    nodeChanges: () => [...nodeChanges],
    waitForEvent: (pred, timeoutMs, what = 'controller event') =>
      until(() => events().find(pred), timeoutMs, `${what}; controller log:\n${tail(controllerLines())}`),
    waitForLine: (pred, timeoutMs, what) => until(() => controllerLines().find(pred), timeoutMs, `${what}; controller log:\n${tail(controllerLines())}`),
    status: async () => {
      const cm = JSON.parse(await ok(t.kubectl, ['get', 'configmap', STATUS_MAP_NAME, '-n', NS, '-o', 'json'])) as Any;
      return parseStatusData(cm.data);
    },
    kubectl: (args, o) => t.kubectl(args, o),
    asController: async () => {
      if (asController) return asController;
      const token = await until(
        async () => {
          const r = await t.kubectl(['get', 'secret', TOKEN_SECRET_NAME, '-n', NS, '-o', 'jsonpath={.data.token}']);
          return r.exitCode === 0 && r.stdout ? Buffer.from(r.stdout, 'base64').toString('utf8') : undefined;
        },
        10_000,
        'the token controller fills the token Secret',
      );
      const path = join(mkdtempSync(join(tmpdir(), 'vw-sa-')), 'kubeconfig');
      writeFileSync(path, t.cluster.api.kubeconfigYaml(t.cluster.api.kubeconfigFor(SA_USER, token, NS)), { mode: 0o600 });
      asController = kubectlRunner(path);
      return asController;
    },
    stop: async () => {
      unwatchVmim();
      unwatchVmi();
      await t.stop();
    },
  };
  const dump = () => {
    const t0 = log[0]?.at ?? 0;
    const lines = controllerLines().map((l) => `${((l.at - t0) / 1000).toFixed(1).padStart(6)} ${l.text}`);
    console.error(`controller log (s since the cluster started):\n${lines.slice(-150).join('\n')}`);
  };
  ref.run = run;
  hooks?.onTestFailed(dump);
  // VW_E2E_LOG=1 shows every run's log, failed or not.
  if (process.env.VW_E2E_LOG) {
    const stop = run.stop;
    run.stop = async () => {
      dump();
      await stop();
    };
  }
  if (opts.deploy !== false) await deploy(run, opts.render ?? []);
  return run;
}

/** `render [flags] | kubectl apply -f -`. */
export async function deploy(run: ControllerRun, flags: string[]): Promise<void> {
  const yaml = await render(renderFlags(run.runId, flags));
  await ok(run.t.kubectl, ['apply', '-f', '-'], { input: yaml });
}

export function tail(lines: LogLine[], n = 60): string {
  return lines
    .slice(-n)
    .map((l) => l.text)
    .join('\n');
}

/** Merge-patches the config ConfigMap as an operator would. */
export async function patchConfig(run: ControllerRun, data: Record<string, string>): Promise<void> {
  await ok(run.t.kubectl, ['patch', 'configmap', CONFIG_MAP_NAME, '-n', NS, '--type', 'merge', '-p', JSON.stringify({ data })]);
}

/** Phase transition time (epoch s) of a migration, from its status. */
export function phaseTime(m: SeenMigration, phase: string): number | undefined {
  const ts = ((m.object.status?.phaseTransitionTimestamps ?? []) as Any[]).find((p) => p.phase === phase)?.phaseTransitionTimestamp;
  return ts ? Date.parse(ts) / 1000 : undefined;
}

/** Seconds since the epoch of a creationTimestamp. */
export function createdTime(m: SeenMigration): number {
  return Date.parse(m.object.metadata.creationTimestamp) / 1000;
}

/** The controller's own migration objects never overlap (by the cluster's timestamps and by when we saw them). */
export function overlaps(ms: SeenMigration[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < ms.length; i++) {
    const prev = ms[i - 1]!;
    const cur = ms[i]!;
    const prevEnd = phaseTime(prev, 'Succeeded') ?? phaseTime(prev, 'Failed');
    if (prev.endedAt === undefined || prevEnd === undefined) problems.push(`${prev.name} had not ended when ${cur.name} was created`);
    else if (cur.createdAt < prev.endedAt) problems.push(`${cur.name} was created ${prev.endedAt - cur.createdAt} ms before ${prev.name} ended`);
    else if (createdTime(cur) < prevEnd) problems.push(`${cur.name} creationTimestamp is before ${prev.name}'s final phase transition`);
  }
  return problems;
}

/** API lines that say the controller was refused something. */
export function forbiddenLines(run: ControllerRun): string[] {
  return run
    .controllerLines()
    .map((l) => l.text)
    .filter((l) => /forbidden/i.test(l));
}

/** The runner logs `controller exited` when the script ends on its own: it never should. */
export function exits(run: ControllerRun): string[] {
  return run
    .controllerLines()
    .map((l) => l.text)
    .filter((l) => /controller exited|kubeconfig step failed/.test(l));
}
