// `pause`, `resume` and `set` as processes: confirmed changes exit 0, bad
// input exits 2 with the validation message, no controller exits 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cluster/deploy.js';
import { type DeployCluster, deployCluster, testSettings } from '../cluster/deploy-fixture.js';
import { cli } from './deploy-cli.js';

let c: DeployCluster;
beforeAll(async () => {
  c = await deployCluster();
  await deploy(c.conn, testSettings('ctl-1'), { pollMs: 100 });
});
afterAll(() => c.stop());

describe('pause, resume and set commands', () => {
  it('pause and resume exit 0 once the controller confirms', async () => {
    const p = await cli(['pause', '--kubeconfig', c.t.kubeconfigPath]);
    expect(p.stderr).toBe('');
    expect(p.exitCode).toBe(0);
    expect(p.stdout).toMatch(/^paused: the controller confirmed \(state (paused|migrating)\)/);
    const r = await cli(['resume', '--kubeconfig', c.t.kubeconfigPath]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^resumed: the controller confirmed \(state [a-z-]+\)$/);
  });

  it('set exits 0 once the controller runs with the new values', async () => {
    const r = await cli(['set', '--kubeconfig', c.t.kubeconfigPath, 'migration-interval-max=20', 'migration-target-labels=']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^set migration-interval-max=20 migration-target-labels="": the controller confirmed \(state [a-z-]+\)$/);
  });

  it.each([
    [['set', 'migration-interval-min=abc'], 'error: migration-interval-min ("abc") must be a whole number of seconds'],
    [['set', 'migration-interval-min=60', 'migration-interval-max=30'], 'error: migration-interval-min (60) must not be greater than migration-interval-max (30)'],
    [['set', 'migration-interval-min'], 'error: "migration-interval-min" must be KEY=VALUE, for example migration-interval-min=60'],
    [['set', 'color=blue'], 'error: unknown setting "color" (known: migration-interval-min, migration-interval-max, migration-timeout, migration-target-labels, migration-exclude-components, migration-dry-run, paused)'],
    [['pause', '--timeout', 'never'], `error: option '--timeout <duration>' argument 'never' is invalid. --timeout must be a duration like 90s, 10m or 1h, got "never".`],
  ])('exits 2 for %j', async (args, message) => {
    const r = await cli([...args, '--kubeconfig', c.t.kubeconfigPath]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(message);
  });

  it('exits 2 when set is given nothing to set', async () => {
    const r = await cli(['set', '--kubeconfig', c.t.kubeconfigPath]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("error: missing required argument 'KEY=VALUE'");
  });

  it('exits 1 when no controller is deployed in the namespace', async () => {
    const r = await cli(['pause', '--kubeconfig', c.t.kubeconfigPath, '-n', 'default']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "error: no chaos-migration controller is deployed in namespace default (ConfigMap virtwork-chaos-migration-config not found): run deploy first, or pass -n with the controller's namespace",
    );
  });
});
