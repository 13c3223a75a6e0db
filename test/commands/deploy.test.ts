// `deploy` as a process against the simulated cluster: preflight first, the
// steps as progress lines, --json for machines, and the refusals (no --yes
// without a terminal, a blocked preflight, bad settings) with their exit codes.
import { afterEach, describe, expect, it } from 'vitest';
import { type DeployCluster, NS, deployCluster } from '../cluster/deploy-fixture.js';
import { cli } from './deploy-cli.js';

let c: DeployCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const FAST = ['--migration-interval-min', '1', '--migration-interval-max', '2'];

describe('deploy command', () => {
  it('refuses without --yes when there is no terminal to ask on (exit 2), before touching the cluster', async () => {
    c = await deployCluster({ runControllerVms: false });
    const r = await cli(['deploy', '--kubeconfig', c.t.kubeconfigPath, ...FAST]);
    expect(r).toMatchObject({ exitCode: 2, stdout: '', stderr: 'error: deploy changes the cluster: pass --yes to confirm (no terminal to ask on)' });
    expect(await c.labelled()).toEqual([]);
  });

  it('runs preflight, then every step with a progress line, and re-deploys the same run as JSON without changes', async () => {
    c = await deployCluster();
    const first = await cli(['deploy', '--kubeconfig', c.t.kubeconfigPath, '--yes', '--run-id', 'cli-1', ...FAST]);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines).toContain('ok    Namespace: virtwork exists');
    expect(lines).toContain('Deploying run cli-1 (a new run) to namespace virtwork on context kubernetes-admin@virtwork-sim.');
    expect(lines).toContain('done  ServiceAccount virtwork-chaos-migration: created');
    expect(lines).toContain('done  Wait for the token controller to fill Secret virtwork-chaos-migration-token: token, ca.crt and namespace are in place');
    expect(lines).toContain('...   Wait for VMI virtwork-chaos-migration-0 to be Running');
    expect(lines).toContain('skip  Restart VMI virtwork-chaos-migration-0 if it predates this deploy: the VM is new');
    expect(first.stdout).toMatch(/\nDeployed run cli-1 to namespace virtwork: VM virtwork-chaos-migration-0 is Running on kv-worker-\d+ and the controller reports state [a-z-]+\.\n?$/);

    // No --run-id: the deployed run is updated in place, not replaced by a new one.
    const again = await cli(['deploy', '--kubeconfig', c.t.kubeconfigPath, '--yes', '--json', ...FAST]);
    expect(again.exitCode).toBe(0);
    const out = JSON.parse(again.stdout) as { ok: boolean; runId: string; objects: { outcome: string }[]; steps: { id: string; status: string }[] };
    expect(out.ok).toBe(true);
    expect(out.runId).toBe('cli-1');
    expect(out.objects.map((o) => o.outcome)).toEqual(Array(8).fill('unchanged'));
    expect(out.steps.at(-1)).toMatchObject({ id: 'heartbeat', status: 'done' });
    // Progress goes to stderr so that stdout stays one JSON document.
    expect(again.stderr).toContain('Deploying run cli-1 (the deployed run, updated in place)');
    expect(again.stderr).toContain('done  Role virtwork-chaos-migration: unchanged');
  });

  it('exits 1 with the reason when preflight blocks, and writes nothing', async () => {
    c = await deployCluster({ nodes: 1 });
    const r = await cli(['deploy', '--kubeconfig', c.t.kubeconfigPath, '--yes', ...FAST]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: deploy cannot go ahead: live migration needs at least two schedulable nodes; found 1: /);
    expect(r.stdout).toMatch(/^BLOCK Nodes: /m);
    expect(await c.labelled()).toEqual([]);
  });

  it('exits 1 for a namespace admin on KubeVirt v1.7 (no virtualmachines/migrate), leaving nothing behind', async () => {
    c = await deployCluster({ runControllerVms: false });
    const alice = c.userKubeconfig('alice', [{ name: 'admin', namespace: NS }]);
    const r = await cli(['deploy', '--kubeconfig', alice, '--yes', ...FAST]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: deploy cannot go ahead: .*virtualmachines\/migrate/);
    expect(await c.labelled()).toEqual([]);
  });

  it.each([
    [['--migration-interval-min', '300', '--migration-interval-max', '120'], 'error: migration-interval-min (300) must not be greater than migration-interval-max (120)'],
    [['--timeout', 'soon'], 'error: option \'--timeout <duration>\' argument \'soon\' is invalid. --timeout must be a duration like 90s, 10m or 1h, got "soon".'],
  ])('exits 2 for bad input %j', async (args, message) => {
    const r = await cli(['deploy', '--kubeconfig', '/nonexistent', '--yes', ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
  });
});
