// Runs the TUI: stores, the first frame, then the cluster (the demo's
// simulated one, or the kubeconfig's), the session, and a clean exit. This
// file is the TUI command's only owner of process-level concerns (signals,
// terminal restore, the parting message).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import type { Settings } from '../cloudinit/settings.js';
import type { ExplicitTools } from '../cluster/tools.js';
import { type ClusterStore, createClusterStore } from '../state/cluster-store.js';
import type { Effect } from '../state/wizard-reducer.js';
import { createWizardStore, initialWizard, type WizardStore } from '../state/wizard.js';
import { mountApp } from '../ui/run.js';
import type { TuiFlags } from './tui.js';

const VERSION = '0.1.0';

/**
 * Watch events are collected this long and applied to the store at once: one
 * store update, one render, one frame per batch (Ink draws at up to 60 frames
 * a second, see src/ui/run.tsx, so a batch is drawn at once). Measured with
 * `npm run bench` (5,000 VMIs, 100 changes/s): 33 ms batches save a fifth of
 * the TUI's CPU but put some 10 ms more between a change and its frame.
 */
export const FRAME_MS = 16;

/** The terminal the TUI draws on (the process's own by default), for the benchmark's probe. */
export interface TuiIo {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Sees the stores once they exist (the benchmark reads and steers them). */
  onStores?: (stores: { wizard: WizardStore; cluster: ClusterStore }) => void;
}

/**
 * Old space may grow this much (percent) over what a full collection left
 * before the next one; V8's default lets it reach several times the live
 * set. The TUI's live set is modest (the watched objects), but every watch
 * batch leaves garbage behind (the replaced fleet Map of thousands of
 * VMIs, parsed events, frames). Measured with `npm run bench` (5,000 VMIs,
 * 100 changes/s): the default peaks near 390 MB resident, 60% near 290 MB,
 * 30% near 265 MB; the more often it collects, the longer the worst frames
 * wait (p95 some 10 ms more at 60%, 20 ms at 30%).
 */
const HEAP_GROWING_PERCENT = 60;

export async function runTui(flags: TuiFlags, settings: Settings, explicit: ExplicitTools, io: TuiIo = {}): Promise<void> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const wizard = createWizardStore(
    initialWizard({
      min: settings.migrationIntervalMin,
      max: settings.migrationIntervalMax,
      timeout: settings.migrationTimeout,
      trigger: settings.trigger,
      dryRun: settings.migrationDryRun,
      selector: settings.migrationTargetLabels,
      exclusions: settings.migrationExcludeComponents,
    }),
  );
  const cluster = createClusterStore({ namespace: settings.namespace });
  io.onStores?.({ wizard, cluster });
  const info = { demo: Boolean(flags.demo), version: VERSION };
  const cleanups: (() => Promise<void> | void)[] = [];
  let session: { dispatch(e: Effect): void; preview(): { objects: string; script: string; sample: string } } | undefined;
  let parting: string | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));
  const quit = (message?: string) => {
    parting = message;
    finish();
  };
  const app = mountApp(
    {
      wizard,
      cluster,
      info,
      // Quit always works, even before the cluster answers.
      dispatch: (e) => (e.kind === 'quit' && !session ? quit() : session?.dispatch(e)),
      preview: () => session?.preview() ?? { objects: 'connecting…', script: 'connecting…', sample: 'connecting…' },
    },
    { stdout: io.stdout, stdin: io.stdin },
  );
  const onSignal = () => quit();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    const conn = await connectOrDemo(flags, settings, cleanups, (demo) => wizard.setState({ ...wizard.getState(), demo }, true));
    const { TuiSession } = await import('../cluster/session.js');
    const { observe } = await import('../cluster/observe.js');
    // The namespace's live view: watches that restart themselves, and the run's local history.
    let view: { stop(): Promise<void> } | undefined;
    const s = new TuiSession(wizard, cluster, {
      conn,
      settings,
      explicit,
      allowSingleNode: flags.allowSingleNode,
      cwd: process.cwd(),
      observe: (runId) => {
        if (view) return;
        view = observe(conn, {
          store: cluster,
          runId,
          watcher: { batchMs: FRAME_MS },
          onHistoryError: (message) => wizard.setState({ ...wizard.getState(), status: { text: `history: ${message}`, tone: 'warn' } }, true),
        });
      },
      onQuit: quit,
    });
    cleanups.push(() => view?.stop());
    session = s;
    s.start();
  } catch (e) {
    const text = (e as Error).message;
    wizard.setState({ ...wizard.getState(), preflight: { phase: 'error', checks: [], blocked: true, error: text }, status: { text, tone: 'error' } }, true);
  }
  await done;
  app.unmount();
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  for (const c of cleanups.reverse()) await c();
  // The demo's cluster ends with the process; a real one keeps the controller.
  const out = io.stdout ?? process.stdout;
  if (flags.demo) out.write('Demo over: the simulated cluster and its controller have stopped.\n');
  else if (parting) out.write(`${parting}\n`);
}

async function connectOrDemo(
  flags: TuiFlags,
  settings: Settings,
  cleanups: (() => Promise<void> | void)[],
  showDemo: (demo: { logPath: string; kubeconfigOut?: string; note?: string }) => void,
) {
  const { connect } = await import('../cluster/connection.js');
  if (!flags.demo) return connect({ kubeconfig: flags.kubeconfig, context: flags.context, namespace: settings.namespace });
  const { createWriteStream } = await import('node:fs');
  const { startSimCluster } = await import('../sim/cluster.js');
  const { findKubectl } = await import('../sim/kubevirt/controller-vm.js');
  const logPath = flags.log ?? join(tmpdir(), `virtwork-chaos-tui-demo-${process.pid}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const note = findKubectl() ? undefined : 'kubectl is not installed here, so the controller VM cannot run its script: the dashboard still shows the fleet, and m migrates a VMI yourself';
  showDemo({ logPath, kubeconfigOut: flags.kubeconfigOut, note });
  const sim = await startSimCluster({ nodes: 3, vms: 12, namespace: settings.namespace, speed: 2, failureRate: 0.05, log: (l) => log.write(`${new Date().toISOString()} ${l}\n`) });
  cleanups.push(async () => {
    await sim.stop();
    log.end();
  });
  let kubeconfig = flags.kubeconfigOut;
  if (!kubeconfig) {
    // Nobody else needs the demo's kubeconfig when it was not asked for: it goes with the demo.
    const dir = mkdtempSync(join(tmpdir(), 'virtwork-demo-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    kubeconfig = join(dir, 'kubeconfig');
  }
  sim.api.writeKubeconfig(kubeconfig);
  return connect({ kubeconfig, namespace: settings.namespace });
}
