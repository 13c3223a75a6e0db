// The TUI's side of the cluster: it carries out what the operator asked for
// (preflight, deploy, pause, migrate, report, teardown, ...) and delivers
// results into the wizard and cluster stores. The UI dispatches effects here
// and renders the stores; it never talks to the API itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VM_NAME } from '../cloudinit/names.js';
import { renderFiles, renderYamlStream } from '../cloudinit/render.js';
import { controllerScript } from '../cloudinit/script.js';
import { type Settings, parseSettings } from '../cloudinit/settings.js';
import type { ClusterStore } from '../state/cluster-store.js';
import { fleetEligibility } from '../state/eligibility.js';
import { buildReport, formatReport } from '../state/report/index.js';
import { previewSchedule } from '../state/schedule-preview.js';
import type { Effect } from '../state/wizard-reducer.js';
import type { CheckView, StepView, WizardState, WizardStore } from '../state/wizard.js';
import type { Connection } from './connection.js';
import { pause, resume, setAssignments } from './control.js';
import { deploy } from './deploy.js';
import { withDeployedRunId } from './deploy-run-id.js';
import { describeError } from './errors.js';
import { type ExplicitTools, PREFLIGHT_CHECKS, pinTools, runPreflight } from './preflight.js';
import type { PreflightReport } from './preflight-types.js';
import { teardown } from './teardown.js';

export interface SessionOptions {
  conn: Connection;
  /** Settings from the flags: the wizard starts from them. */
  settings: Settings;
  explicit: ExplicitTools;
  /** --run-id was given: deploy uses it even when another run is deployed. */
  runIdExplicit?: boolean;
  allowSingleNode?: boolean;
  /** Where reports and saved manifests go. */
  cwd: string;
  /** Opens the live view of the namespace (watch + history) once there is a run to follow. */
  observe: (runId: string | undefined) => void;
  onQuit: (message: string | undefined) => void;
}

const tone = (s: 'ok' | 'warn' | 'block') => s;

export class TuiSession {
  private report: PreflightReport | undefined;
  private runId: string | undefined;
  private deployed = false;
  private previewCache: { key: string; value: { objects: string; script: string; sample: string } } | undefined;

  constructor(
    private readonly wizard: WizardStore,
    private readonly cluster: ClusterStore,
    private readonly opts: SessionOptions,
  ) {
    this.runId = opts.settings.runId;
  }

  private patch(fn: (s: WizardState) => Partial<WizardState>): void {
    const s = this.wizard.getState();
    this.wizard.setState({ ...s, ...fn(s) }, true);
  }

  private say(text: string, t: 'info' | 'ok' | 'warn' | 'error' = 'info'): void {
    this.patch(() => ({ status: { text, tone: t } }));
  }

  start(): void {
    const { conn } = this.opts;
    this.patch(() => ({ connection: { context: conn.context, server: conn.server, namespace: conn.namespace } }));
    this.opts.observe(undefined);
    void this.preflight();
  }

  /** The settings the wizard's form describes (validated by the screens before deploy). */
  settings(s: WizardState = this.wizard.getState(), dryRun = s.schedule.dryRun): Settings {
    const base = this.opts.settings;
    const settings = parseSettings(
      {
        ...base,
        migrationIntervalMin: Number(s.schedule.min),
        migrationIntervalMax: Number(s.schedule.max),
        migrationTimeout: Number(s.schedule.timeout),
        trigger: s.schedule.trigger,
        migrationDryRun: dryRun,
        migrationTargetLabels: s.selector,
        migrationExcludeComponents: s.exclusions,
        runId: this.runId ?? base.runId,
      },
      { knownComponents: s.components },
    );
    return this.report ? pinTools(settings, this.report, this.opts.explicit) : settings;
  }

  async preflight(): Promise<void> {
    const pending: CheckView[] = PREFLIGHT_CHECKS.map((c) => ({ id: c.id, title: c.title, status: 'pending', detail: '' }));
    this.patch((s) => ({ preflight: { ...s.preflight, phase: 'running', checks: pending, blocked: false } }));
    try {
      const report = await runPreflight(this.opts.conn, this.settings(), {
        allowSingleNode: this.opts.allowSingleNode,
        onCheck: (c) =>
          this.patch((s) => ({
            preflight: { ...s.preflight, checks: s.preflight.checks.map((x) => (x.id === c.id ? { id: c.id, title: c.title, status: tone(c.status), detail: c.detail, fix: c.fix } : x)) },
          })),
      });
      this.report = report;
      const components = [...new Set([...report.targets.map((t) => t.component).filter((c): c is string => Boolean(c)), 'chaos-migration'])].sort();
      const existing = report.existingController;
      if (existing?.runId) this.runId = existing.runId;
      const facts = [
        report.kubevirt ? { label: 'KubeVirt', value: `${report.kubevirt.version} (${report.kubevirt.flavor === 'openshift' ? 'OpenShift Virtualization' : 'upstream'}), CR ${report.kubevirt.namespace}/${report.kubevirt.crName}` } : undefined,
        report.virtctl ? { label: 'virtctl to pin', value: `${report.virtctl.version} from ${report.virtctl.source}: ${report.virtctl.url}` } : undefined,
        report.kubectl ? { label: 'kubectl to pin', value: `${report.kubectl.version}: ${report.kubectl.url}` } : undefined,
        { label: 'nodes for VMs', value: report.nodes.schedulable.join(', ') || 'none' },
      ].filter((f): f is { label: string; value: string } => Boolean(f));
      this.patch(() => ({
        components,
        preflight: {
          phase: 'done',
          checks: report.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, detail: c.detail, fix: c.fix })),
          blocked: report.blocked,
          facts,
          existingController: existing ? { runId: existing.runId, state: existing.state } : undefined,
        },
        status: report.blocked ? { text: 'preflight found a blocking problem: see its fix, then r re-checks', tone: 'error' } : undefined,
      }));
    } catch (e) {
      this.patch((s) => ({ preflight: { ...s.preflight, phase: 'error', error: describeError(e, this.opts.conn.server) } }));
    }
  }

  /** What would be created, the script, and a sample of the schedule; cached per settings. */
  preview(): { objects: string; script: string; sample: string } {
    const s = this.wizard.getState();
    let settings: Settings;
    try {
      settings = this.settings(s);
    } catch (e) {
      const msg = `the settings are not valid yet: ${(e as Error).message}`;
      return { objects: msg, script: msg, sample: msg };
    }
    const key = JSON.stringify(settings);
    if (this.previewCache?.key === key) return this.previewCache.value;
    const eligible = fleetEligibility(this.cluster.getState().fleet, {
      excludeComponents: settings.migrationExcludeComponents,
      targetSelector: settings.migrationTargetLabels,
      selfName: VM_NAME,
      trigger: settings.trigger,
      selectedOnly: true,
    })
      .filter((t) => t.eligible)
      .map((t) => t.name);
    const plan = previewSchedule({ min: settings.migrationIntervalMin, max: settings.migrationIntervalMax, eligible, count: 12, start: Date.now(), random: Math.random });
    const sample = [
      `The next ${plan.length} migrations the schedule could produce (uniform wait in [${settings.migrationIntervalMin}, ${settings.migrationIntervalMax}] s, uniform target among ${eligible.length} eligible VMIs; each real migration also takes its own time):`,
      '',
      ...plan.map((p) => `${new Date(p.at).toLocaleTimeString()}  ${p.target}`),
      ...(plan.length === 0 ? ['No eligible VMI: the controller would wait and look again.'] : []),
    ].join('\n');
    const value = { objects: renderYamlStream(settings), script: controllerScript(), sample };
    this.previewCache = { key, value };
    return value;
  }

  dispatch(effect: Effect): void {
    void this.run(effect).catch((e: unknown) => this.say(describeError(e, this.opts.conn.server), 'error'));
  }

  private async run(effect: Effect): Promise<void> {
    const { conn } = this.opts;
    const ns = conn.namespace;
    switch (effect.kind) {
      case 'preflight':
        return this.preflight();
      case 'deploy':
        return this.deploy(effect.dryRun);
      case 'open-dashboard':
        this.opts.observe(this.runId);
        return;
      case 'save-manifests': {
        const settings = this.settings();
        const dir = join(this.opts.cwd, `virtwork-chaos-migration-${settings.runId.slice(0, 8)}`);
        for (const f of renderFiles(settings)) {
          const path = join(dir, ...f.path.split('/'));
          mkdirSync(join(path, '..'), { recursive: true });
          writeFileSync(path, f.content, { mode: f.executable ? 0o755 : 0o644 });
        }
        return this.say(`manifests written to ${dir} (kubectl apply -f ${join(dir, 'manifests')})`, 'ok');
      }
      case 'pause': {
        try {
          await (effect.paused ? pause(conn, ns) : resume(conn, ns));
        } finally {
          // Confirmed or not, nothing is pending any more: the status line says which.
          this.patch((s) => ({ dashboard: { ...s.dashboard, busy: undefined } }));
        }
        return this.say(effect.paused ? 'controller paused (confirmed by the controller)' : 'controller resumed (confirmed by the controller)', 'ok');
      }
      case 'dry-run':
        await setAssignments(conn, ns, [`migration-dry-run=${effect.dryRun}`]);
        return this.say(`migration dry-run ${effect.dryRun ? 'on' : 'off'} (confirmed by the controller)`, 'ok');
      case 'migrate':
        return this.migrateNow(effect.vmi);
      case 'report':
        return this.writeReport();
      case 'teardown': {
        const r = await teardown(conn, { namespace: ns, runId: this.runId });
        this.deployed = false;
        return this.say(`removed ${r.removed.length} objects of run ${r.runIds.join(', ')}; migration history stays`, 'ok');
      }
      case 'quit':
        return this.opts.onQuit(this.quitMessage());
    }
  }

  private async deploy(dryRun: boolean): Promise<void> {
    const upsert = (st: StepView) => this.patch((s) => ({ deploy: { ...s.deploy, steps: [...s.deploy.steps.filter((x) => x.id !== st.id), st] } }));
    // Everything inside: a failure before the first step (settings, reading what is deployed) must
    // end the deploy too, or the screen would spin with no way back but quitting.
    try {
      // A re-deploy keeps the deployed run's id (a new one would orphan its objects' labels).
      const settings = await withDeployedRunId(this.opts.conn, this.settings(this.wizard.getState(), dryRun), this.opts.runIdExplicit ?? false);
      this.runId = settings.runId;
      await deploy(this.opts.conn, settings, { onStep: (st) => upsert({ id: st.id, title: st.title, status: st.status, detail: st.detail }) });
      this.deployed = true;
      this.patch((s) => ({ deploy: { ...s.deploy, phase: 'done' } }));
      this.opts.observe(settings.runId);
      // The dashboard opens by itself once the controller is up.
      setTimeout(() => this.patch((s) => (s.step === 'deploy' ? { step: 'dashboard' } : {})), 800).unref();
    } catch (e) {
      this.patch((s) => ({ deploy: { ...s.deploy, phase: 'failed', error: describeError(e, this.opts.conn.server) } }));
    }
  }

  private async migrateNow(vmi: string): Promise<void> {
    const { conn } = this.opts;
    await conn.call(`migrating ${vmi}`, () =>
      conn.custom.createNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: conn.namespace,
        plural: 'virtualmachineinstancemigrations',
        body: {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstanceMigration',
          metadata: { generateName: 'virtwork-chaos-tui-', labels: { 'app.kubernetes.io/managed-by': 'virtwork-chaos-tui' } },
          spec: { vmiName: vmi },
        },
      }),
    );
    this.say(`migration of ${vmi} requested`, 'ok');
  }

  private async writeReport(): Promise<void> {
    const { conn } = this.opts;
    const report = buildReport(Object.values(this.cluster.getState().migrations), { runId: this.runId, namespace: conn.namespace, context: conn.context, generatedAt: new Date().toISOString() });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base = join(this.opts.cwd, `virtwork-chaos-report-${(this.runId ?? 'namespace').slice(0, 8)}-${stamp}`);
    writeFileSync(`${base}.md`, formatReport(report, 'md'));
    writeFileSync(`${base}.junit.xml`, formatReport(report, 'junit'));
    this.say(`report written: ${base}.md and ${base}.junit.xml`, 'ok');
  }

  private quitMessage(): string | undefined {
    const ns = this.opts.conn.namespace;
    const controller = this.cluster.getState().controller;
    if (!this.deployed && !controller.present) return undefined;
    return `The chaos-migration controller keeps running in namespace ${ns}${this.runId ? ` (run ${this.runId})` : ''}. See it with \`virtwork-chaos-tui status -n ${ns}\`; remove it with \`virtwork-chaos-tui teardown -n ${ns}\`.`;
  }
}
