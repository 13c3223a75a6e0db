// Runs the chaos-migration controller VM's real payload while its VMI is
// Running: the script from its cloud-init, under bash, with the unit's
// environment, after the unit's kubeconfig step has written KUBECONFIG from
// the attached token Secret (put where the guest would mount it) and the
// simulator's own address in place of --api-server; the real kubectl on PATH,
// and a virtctl stand-in. Only a VM labelled chaos-migration whose script is
// exactly the generated controller script runs; any other cloud-init is never
// executed. Output goes to the simulator's log, never to a terminal.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isControllerScript } from '../../cloudinit/script.js';
import { COMPONENT, KUBECONFIG_SCRIPT_PATH, LABEL_COMPONENT, SCRIPT_PATH, UNIT_PATH } from '../../cloudinit/names.js';
import type { KubeObject } from '../api/types.js';
import { type KubeVirtContext, VMI_KEY } from './context.js';
import { secretFiles, unitEnvironment, userData, writeFiles } from './guest-userdata.js';
import { VIRTCTL_STANDIN } from './virtctl-standin.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Guest {
  dir: string;
  child?: ChildProcess;
  restart?: NodeJS.Timeout;
  stopped: boolean;
}

/** Where kubectl is, or undefined: the controller cannot run without it. */
export function findKubectl(): string | undefined {
  const fromEnv = process.env.KUBECTL;
  if (fromEnv) return fromEnv;
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export class ControllerVmRunner {
  private readonly guests = new Map<string, Guest>();
  private readonly unsubscribe: () => void;
  private readonly kubectl = findKubectl();

  constructor(
    private readonly ctx: KubeVirtContext,
    /** Extra environment for the scripts (tests shorten the script's tick and poll periods). */
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.unsubscribe = ctx.client.watch(VMI_KEY, (ev) => this.observe(ev.type === 'DELETED' ? undefined : ev.object, ev.object));
    for (const vmi of ctx.client.list(VMI_KEY)) this.observe(vmi, vmi);
  }

  stop(): void {
    this.unsubscribe();
    for (const uid of [...this.guests.keys()]) this.powerOff(uid);
  }

  /** How many controller VMs are executing their script now. */
  get running(): number {
    return [...this.guests.values()].filter((g) => g.child && g.child.exitCode === null).length;
  }

  private observe(current: KubeObject | undefined, any: KubeObject): void {
    const uid = any.metadata.uid!;
    const runs = current && (current as Any).status?.phase === 'Running' && !current.metadata.deletionTimestamp;
    if (!runs) {
      if (this.guests.has(uid)) this.powerOff(uid);
      return;
    }
    if (this.guests.has(uid) || current.metadata.labels?.[LABEL_COMPONENT] !== COMPONENT) return;
    // Booting touches the disk and runs processes: never inside a watch callback.
    this.guests.set(uid, { dir: '', stopped: false });
    setImmediate(() => this.boot(current));
  }

  private log(vmi: KubeObject, line: string): void {
    this.ctx.log(`controller-vm ${vmi.metadata.namespace}/${vmi.metadata.name}: ${line}`);
  }

  private boot(vmi: KubeObject): void {
    if (this.guests.get(vmi.metadata.uid!)?.stopped !== false) return;
    const files = writeFiles(userData(this.ctx.client, vmi) ?? '');
    const script = files.get(SCRIPT_PATH);
    if (!script || !isControllerScript(script)) {
      this.log(vmi, 'not executed: its cloud-init does not carry the generated chaos-migration controller script (the simulator runs no other guest code)');
      this.guests.set(vmi.metadata.uid!, { dir: '', stopped: true });
      return;
    }
    if (!this.kubectl) {
      this.log(vmi, 'not executed: kubectl is not installed here (set KUBECTL or put kubectl on PATH); the VM runs but migrates nothing');
      this.guests.set(vmi.metadata.uid!, { dir: '', stopped: true });
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'virtwork-controller-vm-'));
    const guest: Guest = { dir, stopped: false };
    this.guests.set(vmi.metadata.uid!, guest);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'virtctl'), VIRTCTL_STANDIN, { mode: 0o755 });
    writeFileSync(join(dir, 'controller.sh'), script, { mode: 0o755 });
    writeFileSync(join(dir, 'kubeconfig-step.sh'), files.get(KUBECONFIG_SCRIPT_PATH) ?? '', { mode: 0o755 });
    this.start(vmi, guest, unitEnvironment(files.get(UNIT_PATH) ?? ''));
  }

  /** One systemd start: ExecStartPre (kubeconfig), then ExecStart; Restart=always after RestartSec=10. */
  private start(vmi: KubeObject, guest: Guest, unitEnv: Record<string, string>): void {
    if (guest.stopped) return;
    const { dir } = guest;
    const tokenDir = join(dir, 'token');
    rmSync(tokenDir, { recursive: true, force: true });
    mkdirSync(tokenDir, { mode: 0o700 });
    // The token disk: the attached Secret's keys as files, as the guest mounts the ISO.
    const tokenVolume = ((vmi as Any).spec?.volumes ?? []).find((v: Any) => v.secret)?.secret?.secretName;
    for (const [k, v] of Object.entries(tokenVolume ? (secretFiles(this.ctx.client, vmi.metadata.namespace!, tokenVolume) ?? {}) : {})) {
      writeFileSync(join(tokenDir, k), v, { mode: 0o600 });
    }
    const env: Record<string, string> = {
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: dir,
      TMPDIR: dir,
      LANG: 'C.UTF-8',
      ...unitEnv,
      KUBECTL: this.kubectl!,
      KUBECONFIG: join(dir, 'kubeconfig'),
      KUBECACHEDIR: join(dir, 'kube-cache'),
      VIRTWORK_TOKEN_DIR: tokenDir,
      VIRTWORK_API_SERVER: this.ctx.api.url,
      ...this.extraEnv,
    };
    execFile('bash', [join(dir, 'kubeconfig-step.sh')], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      for (const line of `${stdout}${stderr}`.split('\n').filter(Boolean)) this.log(vmi, line);
      if (guest.stopped) {
        // Powered off while the step ran: what it wrote after the clean-up goes too.
        removeGuestDir(dir);
        return;
      }
      if (err) {
        this.log(vmi, `kubeconfig step failed (${err.message.split('\n')[0]}); systemd retries in 10s`);
        this.scheduleRestart(vmi, guest, unitEnv);
        return;
      }
      this.exec(vmi, guest, env, unitEnv);
    });
  }

  private exec(vmi: KubeObject, guest: Guest, env: Record<string, string>, unitEnv: Record<string, string>): void {
    const { dir } = guest;
    const child = spawn('bash', [join(dir, 'controller.sh')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    guest.child = child;
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (l) => this.log(vmi, l));
    child.on('exit', (code, signal) => {
      if (guest.stopped) {
        // The kubectl it was running got the same SIGKILL but may exit a moment
        // later, and its last write can re-create the directory: remove it
        // now and once more shortly after.
        removeGuestDir(dir);
        setTimeout(() => removeGuestDir(dir), 1000).unref();
        return;
      }
      this.log(vmi, `controller exited (${signal ?? `code ${code}`}); systemd restarts it in 10s`);
      this.scheduleRestart(vmi, guest, unitEnv);
    });
  }

  private scheduleRestart(vmi: KubeObject, guest: Guest, unitEnv: Record<string, string>): void {
    guest.restart = setTimeout(() => this.start(vmi, guest, unitEnv), 10_000 / this.ctx.clock.speed);
    guest.restart.unref();
  }

  private powerOff(uid: string): void {
    const g = this.guests.get(uid);
    this.guests.delete(uid);
    if (!g) return;
    g.stopped = true;
    if (g.restart) clearTimeout(g.restart);
    if (g.child?.pid && g.child.exitCode === null && g.child.signalCode === null) {
      try {
        process.kill(-g.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // Also removed again when the script has exited (see exec): a kubectl
    // that the kill has not reached yet can still write its cache here.
    if (g.dir) removeGuestDir(g.dir);
  }
}

/** Removes a powered-off guest's directory; never throws (a dying process may still be writing there). */
function removeGuestDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
    // The removal after the process has exited gets the rest.
  }
}

