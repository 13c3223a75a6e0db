// teardown against the simulated cluster: it removes every object deploy
// created, found by labels (RBAC included), awaits the VMI's end, and keeps
// the run's migrations for history unless asked to delete them.
import { afterEach, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cluster/deploy.js';
import { ClusterError } from '../../src/cluster/errors.js';
import { type DeployStep } from '../../src/cluster/deploy-steps.js';
import { planTeardown, teardown } from '../../src/cluster/teardown.js';
import { CONTROLLER_NAME, VM_NAME } from '../../src/cloudinit/names.js';
import { type DeployCluster, DEPLOYED_KINDS, NS, deployCluster, testSettings, until } from './deploy-fixture.js';

let c: DeployCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

/** Deploys run `runId` and waits until the controller has finished at least one migration of its own. */
async function deployedWithMigrations(runId: string): Promise<DeployCluster> {
  const cl = await deployCluster();
  await deploy(cl.conn, testSettings(runId), { pollMs: 100 });
  await until(async () => (await cl.labelled(runId, 'virtualmachineinstancemigrations')).length > 0, 30_000, 'a migration of the run');
  return cl;
}

describe('teardown', () => {
  it('removes every object deploy created, RBAC included, waits for the VMI to go, and keeps the migrations', async () => {
    c = await deployedWithMigrations('run-a');
    const migrations = await c.labelled('run-a', 'virtualmachineinstancemigrations');
    const steps: DeployStep[] = [];

    const r = await teardown(c.conn, { namespace: NS, onStep: (s) => steps.push(s), pollMs: 100 });

    expect(r.runIds).toEqual(['run-a']);
    expect(r.removed.map((o) => `${o.kind}/${o.name}`).sort()).toEqual(
      [
        `ConfigMap/virtwork-chaos-migration-config`,
        `ConfigMap/virtwork-chaos-migration-status`,
        `Role/${CONTROLLER_NAME}`,
        `RoleBinding/${CONTROLLER_NAME}`,
        `Secret/${VM_NAME}-cloudinit`,
        `Secret/virtwork-chaos-migration-token`,
        `ServiceAccount/${CONTROLLER_NAME}`,
        `VirtualMachine/${VM_NAME}`,
      ].sort(),
    );
    // The VM goes first (its VMI awaited), the ServiceAccount last.
    const finished = steps.filter((s) => s.status !== 'running').map((s) => s.id);
    expect(finished[0]).toBe('find');
    expect(finished[1]).toBe(`delete-vm-${VM_NAME}`);
    expect(finished.at(-1)).toBe(`delete-serviceaccount-${CONTROLLER_NAME}`);
    expect(await c.labelled(undefined, DEPLOYED_KINDS)).toEqual([]);
    // History stays: every migration of the run is still there.
    expect(r.migrationsKept).toBe(migrations.length);
    expect(await c.labelled('run-a', 'virtualmachineinstancemigrations')).toEqual(expect.arrayContaining(migrations));
  });

  it('deletes the run\'s migrations with deleteMigrations', async () => {
    c = await deployedWithMigrations('run-b');
    const r = await teardown(c.conn, { namespace: NS, runId: 'run-b', deleteMigrations: true, pollMs: 100 });
    expect(r.migrationsDeleted).toBeGreaterThan(0);
    expect(r.migrationsKept).toBe(0);
    expect(await c.labelled(undefined, `${DEPLOYED_KINDS},virtualmachineinstancemigrations`)).toEqual([]);
  });

  it('fails clearly for a run id that does not exist, naming the runs that do', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('run-c'), { pollMs: 100 });
    const err = await teardown(c.conn, { namespace: NS, runId: 'no-such-run' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as Error).message).toBe('there is no chaos-migration run no-such-run in namespace virtwork: runs found: run-c');
    // Nothing was touched.
    expect((await c.labelled('run-c')).length).toBe(9);
  });

  it('says so when the namespace holds nothing, and finds nothing to remove the second time', async () => {
    c = await deployCluster();
    await expect(planTeardown(c.conn, { namespace: NS, runId: 'x' })).rejects.toThrow(
      'there is no chaos-migration run x in namespace virtwork: no chaos-migration objects are deployed there',
    );
    await deploy(c.conn, testSettings('run-d'), { pollMs: 100 });
    await teardown(c.conn, { namespace: NS, pollMs: 100 });
    const again = await teardown(c.conn, { namespace: NS, pollMs: 100 });
    expect(again.removed).toEqual([]);
  });
});
