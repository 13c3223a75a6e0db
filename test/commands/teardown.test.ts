// `teardown` as a process: the --yes rule, an unknown run id, and the summary
// of what it removed (and kept), human and JSON.
import { afterEach, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cluster/deploy.js';
import { type DeployCluster, DEPLOYED_KINDS, deployCluster, testSettings } from '../cluster/deploy-fixture.js';
import { cli } from './deploy-cli.js';

let c: DeployCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

describe('teardown command', () => {
  it('refuses without --yes when there is no terminal to ask on (exit 2)', async () => {
    c = await deployCluster({ runControllerVms: false });
    const r = await cli(['teardown', '--kubeconfig', c.t.kubeconfigPath]);
    expect(r).toMatchObject({ exitCode: 2, stdout: '', stderr: 'error: teardown changes the cluster: pass --yes to confirm (no terminal to ask on)' });
  });

  it('exits 1 for a run id that does not exist', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('td-1'), { pollMs: 100 });
    const r = await cli(['teardown', '--kubeconfig', c.t.kubeconfigPath, '--run-id', 'nope', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: there is no chaos-migration run nope in namespace virtwork: runs found: td-1');
    expect((await c.labelled('td-1')).length).toBe(9);
  });

  it('removes the run and says what it removed; then there is nothing left to remove', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('td-2'), { pollMs: 100 });
    const r = await cli(['teardown', '--kubeconfig', c.t.kubeconfigPath, '--run-id', 'td-2', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('done  Delete VirtualMachine virtwork-chaos-migration-0 and wait for its VMI to go: VM and VMI gone');
    expect(r.stdout).toContain('done  Delete Role virtwork-chaos-migration: deleted');
    expect(r.stdout).toMatch(/\nRemoved 8 objects of run td-2 from namespace virtwork(; kept \d+ migrations? for history)?\.\n?$/);
    expect(await c.labelled(undefined, DEPLOYED_KINDS)).toEqual([]);

    const again = await cli(['teardown', '--kubeconfig', c.t.kubeconfigPath, '--yes', '--json']);
    expect(again.exitCode).toBe(0);
    const out = JSON.parse(again.stdout) as { ok: boolean; removed: unknown[] };
    expect(out).toMatchObject({ ok: true, removed: [] });
  });
});
