// deploy against the simulated cluster, which runs the real controller script
// once the controller VM's VMI is Running: every rendered object is created,
// the VM only after the token Secret is filled, and the controller heartbeats;
// a second deploy changes nothing it should not; a deploy killed mid-way
// completes on the next run; a failing step leaves nothing of its run behind.
import { afterEach, describe, expect, it } from 'vitest';
import { FIELD_MANAGER, readObject } from '../../src/cluster/apply.js';
import { pause } from '../../src/cluster/control.js';
import { readStatusMap } from '../../src/cluster/control-status.js';
import { DeployError, type DeployStep, deploy } from '../../src/cluster/deploy.js';
import { withDeployedRunId } from '../../src/cluster/deploy-run-id.js';
import { AbortedError } from '../../src/cluster/wait.js';
import { renderManifests } from '../../src/cloudinit/manifests.js';
import { CLOUDINIT_SECRET_NAME, CONFIG_MAP_NAME, CONTROLLER_NAME, STATUS_MAP_NAME, TOKEN_SECRET_NAME, VM_NAME } from '../../src/cloudinit/names.js';
import { type DeployCluster, NS, deployCluster, testSettings, until } from './deploy-fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const EVERYTHING = [
  `configmap/${CONFIG_MAP_NAME}`,
  `configmap/${STATUS_MAP_NAME}`,
  `role.rbac.authorization.k8s.io/${CONTROLLER_NAME}`,
  `rolebinding.rbac.authorization.k8s.io/${CONTROLLER_NAME}`,
  `secret/${CLOUDINIT_SECRET_NAME}`,
  `secret/${TOKEN_SECRET_NAME}`,
  `serviceaccount/${CONTROLLER_NAME}`,
  `virtualmachine.kubevirt.io/${VM_NAME}`,
  `virtualmachineinstance.kubevirt.io/${VM_NAME}`,
].sort();

const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name, namespace: NS });
const REFS = {
  sa: ref('v1', 'ServiceAccount', CONTROLLER_NAME),
  token: ref('v1', 'Secret', TOKEN_SECRET_NAME),
  role: ref('rbac.authorization.k8s.io/v1', 'Role', CONTROLLER_NAME),
  binding: ref('rbac.authorization.k8s.io/v1', 'RoleBinding', CONTROLLER_NAME),
  config: ref('v1', 'ConfigMap', CONFIG_MAP_NAME),
  status: ref('v1', 'ConfigMap', STATUS_MAP_NAME),
  cloudInit: ref('v1', 'Secret', CLOUDINIT_SECRET_NAME),
  vm: ref('kubevirt.io/v1', 'VirtualMachine', VM_NAME),
  vmi: ref('kubevirt.io/v1', 'VirtualMachineInstance', VM_NAME),
};

let c: DeployCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

/** Every step's final state, in order. */
const finals = (steps: DeployStep[]) => steps.map((s) => `${s.id}:${s.status}`);

describe('deploy', () => {
  it('creates every rendered object, the VM only once the token is filled, and waits for the controller heartbeat', async () => {
    c = await deployCluster();
    const events: DeployStep[] = [];
    const settings = testSettings('run-1');
    const r = await deploy(c.conn, settings, { onStep: (s) => events.push(s), pollMs: 100 });

    expect(r.objects.map((o) => `${o.kind}/${o.name}:${o.outcome}`)).toEqual(renderManifests(settings).map((o) => `${o.kind}/${o.metadata.name}:created`));
    expect(finals(r.steps)).toEqual([
      'service-account:done',
      'token-secret:done',
      'role:done',
      'role-binding:done',
      'config-map:done',
      'status-map:done',
      'cloud-init-secret:done',
      'token-filled:done',
      'virtual-machine:done',
      'restart:skipped',
      'vmi-running:done',
      'heartbeat:done',
    ]);
    // Each step is reported running, then finished.
    expect(events.filter((e) => e.id === 'heartbeat').map((e) => e.status)).toEqual(['running', 'done']);
    // The token was filled before the VM was even asked for.
    const tokenDone = events.findIndex((e) => e.id === 'token-filled' && e.status === 'done');
    const vmStart = events.findIndex((e) => e.id === 'virtual-machine' && e.status === 'running');
    expect(tokenDone).toBeGreaterThan(-1);
    expect(tokenDone).toBeLessThan(vmStart);

    expect(await c.labelled('run-1')).toEqual(EVERYTHING);
    expect(r.vmi.phase).toBe('Running');
    expect(r.vmi.node).toMatch(/^kv-worker-/);
    const status = (await readStatusMap(c.conn, NS))!.status;
    expect(status.runId).toBe('run-1');
    expect(status.heartbeat).not.toBe('');
    expect(r.controller.heartbeat).not.toBe('');
    // The config ConfigMap carries the settings and no `paused`.
    const config = (await readObject(c.conn, REFS.config)) as Any;
    expect(config.data).toMatchObject({ 'migration-interval-min': '1', 'migration-interval-max': '2' });
    expect(config.data.paused).toBeUndefined();
  });

  it('changes nothing on a second run: same objects, status data untouched, paused kept, no restart, same run id', async () => {
    c = await deployCluster();
    const conn = c.conn;
    await deploy(conn, testSettings('run-1'), { pollMs: 100 });
    await pause(conn, NS);
    // Let the controller record something worth keeping first.
    await until(async () => ((await readStatusMap(conn, NS))?.status.state === 'paused' ? true : undefined), 10_000, 'state paused');

    const rv = async (r: typeof REFS.sa) => (await readObject(conn, r))?.metadata?.resourceVersion;
    // The resourceVersion of every object deploy writes: unchanged means not written.
    const versions = async () => ({
      sa: await rv(REFS.sa),
      token: await rv(REFS.token),
      role: await rv(REFS.role),
      binding: await rv(REFS.binding),
      config: await rv(REFS.config),
      cloudInit: await rv(REFS.cloudInit),
    });
    const before = await versions();
    const ours = async () => JSON.stringify(((await readObject(conn, REFS.status))?.metadata?.managedFields ?? []).filter((m) => m.manager === FIELD_MANAGER));
    const statusFieldsBefore = await ours();
    const statusBefore = (await readStatusMap(conn, NS))!;
    const vmBefore = (await readObject(conn, REFS.vm))!;
    const vmiBefore = (await readObject(conn, REFS.vmi))!;

    // No --run-id: the deployed run's id is kept rather than a new one minted.
    const settings = await withDeployedRunId(conn, testSettings('would-be-new'), false);
    expect(settings.runId).toBe('run-1');
    const r = await deploy(conn, settings, { pollMs: 100 });

    expect(r.objects.every((o) => o.outcome === 'unchanged')).toBe(true);
    expect(r.restarted).toBeUndefined();
    expect(finals(r.steps)).toContain('restart:skipped');
    expect(r.steps.find((s) => s.id === 'config-map')?.detail).toBe('unchanged; paused=true kept');
    expect(await versions()).toEqual(before);
    // The status ConfigMap changes all the time (heartbeats), but never by us: our
    // field manager's entry is as it was, and the controller's counters and run go on.
    expect(await ours()).toBe(statusFieldsBefore);
    const statusAfter = (await readStatusMap(conn, NS))!;
    expect(statusAfter.status.runId).toBe('run-1');
    expect(statusAfter.status.succeeded).toBeGreaterThanOrEqual(statusBefore.status.succeeded);
    expect(statusAfter.status.records.length).toBeGreaterThanOrEqual(statusBefore.status.records.length);
    expect(statusAfter.status.settings.paused).toBe('true');
    expect(((await readObject(conn, REFS.config)) as Any).data.paused).toBe('true');
    // Same VM spec, same VMI: the controller was not restarted.
    expect((await readObject(conn, REFS.vm))!.metadata?.generation).toBe(vmBefore.metadata?.generation);
    expect((await readObject(conn, REFS.vmi))!.metadata?.uid).toBe(vmiBefore.metadata?.uid);
  });

  it('completes on the next run after being killed mid-way', async () => {
    c = await deployCluster();
    const settings = testSettings('run-2');
    const ac = new AbortController();
    const killed = deploy(c.conn, settings, {
      signal: ac.signal,
      pollMs: 100,
      onStep: (s) => {
        if (s.id === 'role' && s.status === 'done') ac.abort();
      },
    });
    await expect(killed).rejects.toBeInstanceOf(AbortedError);
    await expect(killed).rejects.toThrow('deploy was interrupted after step role: run deploy again to complete it, or teardown to remove it');
    // Stopped where it was: nothing rolled back, nothing half-written.
    expect(await c.labelled('run-2')).toEqual([`role.rbac.authorization.k8s.io/${CONTROLLER_NAME}`, `secret/${TOKEN_SECRET_NAME}`, `serviceaccount/${CONTROLLER_NAME}`]);

    const r = await deploy(c.conn, settings, { pollMs: 100 });
    expect(r.objects.map((o) => o.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'created', 'created', 'created', 'created', 'created']);
    expect(await c.labelled('run-2')).toEqual(EVERYTHING);
    expect((await readStatusMap(c.conn, NS))!.status.runId).toBe('run-2');
  });

  it('restarts a VMI left on old cloud-init by a re-deploy killed before its restart', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('run-3'), { pollMs: 100 });
    const vmiBefore = (await readObject(c.conn, REFS.vmi))!;

    const changed = testSettings('run-3', { trigger: 'vmim' });
    const ac = new AbortController();
    const killed = deploy(c.conn, changed, {
      signal: ac.signal,
      pollMs: 100,
      onStep: (s) => {
        if (s.id === 'virtual-machine' && s.status === 'done') ac.abort();
      },
    });
    await expect(killed).rejects.toThrow(/interrupted after step virtual-machine/);
    // The cloud-init changed but the old VMI still runs the virtctl trigger.
    expect((await readObject(c.conn, REFS.vmi))!.metadata?.uid).toBe(vmiBefore.metadata?.uid);

    const r = await deploy(c.conn, changed, { pollMs: 100 });
    // Nothing to write any more, yet the stale VMI is found and restarted.
    expect(r.objects.every((o) => o.outcome === 'unchanged')).toBe(true);
    expect(r.restarted).toBe('its cloud-init changed after it started');
    expect((await readObject(c.conn, REFS.vmi))!.metadata?.uid).not.toBe(vmiBefore.metadata?.uid);
    const status = (await readStatusMap(c.conn, NS))!.status;
    expect(status.settings.trigger).toBe('vmim');
  });

  it('restarts the VMI at once when a re-deploy changes its cloud-init', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('run-4'), { pollMs: 100 });
    const vmiBefore = (await readObject(c.conn, REFS.vmi))!;
    const r = await deploy(c.conn, testSettings('run-4', { trigger: 'vmim' }), { pollMs: 100 });
    expect(r.objects.filter((o) => o.outcome === 'updated').map((o) => `${o.kind}/${o.name}`)).toEqual([`Role/${CONTROLLER_NAME}`, `Secret/${CLOUDINIT_SECRET_NAME}`]);
    expect(r.restarted).toBe('its cloud-init changed');
    expect((await readObject(c.conn, REFS.vmi))!.metadata?.uid).not.toBe(vmiBefore.metadata?.uid);
    expect((await readStatusMap(c.conn, NS))!.status.settings.trigger).toBe('vmim');
  });

  it('leaves nothing of its run behind when a step fails (a namespace admin without virtualmachines/migrate on KubeVirt v1.7)', async () => {
    c = await deployCluster({ kubevirtVersion: 'v1.7.1' });
    const settings = testSettings('run-5');
    // An object that existed before the run stays, whatever happens.
    const sa = renderManifests(settings)[0]!;
    await c.conn.objects.create(sa as Any);
    const alice = c.connectAs('alice', [{ name: 'admin', namespace: NS }]);
    const events: DeployStep[] = [];

    const err = await deploy(alice, settings, { pollMs: 100, onStep: (s) => events.push(s) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeployError);
    const e = err as DeployError;
    expect(e.message).toMatch(/^apply Role virtwork-chaos-migration: .*forbidden.*attempting to grant RBAC permissions not currently held/);
    expect(e.message).toContain('ask a cluster admin to bind the ClusterRole kubevirt.io:migrate to you in namespace virtwork');
    expect(e.message).toMatch(/; removed what this deploy had created \(Secret virtwork-chaos-migration-token\)\.$/);
    expect(e.message).not.toContain('\n');
    expect(e.removed).toEqual([`Secret ${TOKEN_SECRET_NAME}`]);
    expect(finals(e.steps)).toEqual(['service-account:done', 'token-secret:done', 'role:failed', 'rollback:done']);
    expect(events.at(-1)).toMatchObject({ id: 'rollback', status: 'done', detail: `removed Secret ${TOKEN_SECRET_NAME}` });
    expect(await c.labelled('run-5')).toEqual([`serviceaccount/${CONTROLLER_NAME}`]);
  });

  it('lets the same namespace admin deploy on KubeVirt v1.4, where admin may still migrate', async () => {
    c = await deployCluster({ kubevirtVersion: 'v1.4.1' });
    const alice = c.connectAs('alice', [{ name: 'admin', namespace: NS }]);
    const r = await deploy(alice, testSettings('run-6'), { pollMs: 100 });
    expect(r.controller.heartbeat).not.toBe('');
    expect(await c.labelled('run-6')).toEqual(EVERYTHING);
  });

  it('removes what it created, VM included, when the controller never heartbeats within the timeout', async () => {
    c = await deployCluster({ runControllerVms: false });
    const err = (await deploy(c.conn, testSettings('run-7'), { pollMs: 100, timeoutMs: 4000 }).catch((e: unknown) => e)) as DeployError;
    expect(err).toBeInstanceOf(DeployError);
    expect(err.message).toMatch(
      /^the controller has not written a heartbeat to ConfigMap virtwork-chaos-migration-status within the deploy's 4s timeout although its VMI is Running: look at the guest \(virtctl console virtwork-chaos-migration-0; journalctl -u virtwork-chaos-migration\); removed what this deploy had created \(VirtualMachine virtwork-chaos-migration-0, Secret virtwork-chaos-migration-0-cloudinit, ConfigMap virtwork-chaos-migration-status, ConfigMap virtwork-chaos-migration-config, RoleBinding virtwork-chaos-migration, Role virtwork-chaos-migration, Secret virtwork-chaos-migration-token, ServiceAccount virtwork-chaos-migration\)\.$/,
    );
    expect(err.leftBehind).toEqual([]);
    // The VMI is awaited too: nothing of the run is left running.
    expect(await c.labelled('run-7')).toEqual([]);
  });

  it('rides out 5% of API requests failing (500/503), deploying and tearing down completely', async () => {
    c = await deployCluster();
    c.t.cluster.api.faults.set({ errorRate: 0.05 });
    const r = await deploy(c.conn, testSettings('run-8'), { pollMs: 100 });
    expect(r.objects.every((o) => o.outcome === 'created')).toBe(true);
    const again = await deploy(c.conn, testSettings('run-8'), { pollMs: 100 });
    expect(again.objects.every((o) => o.outcome === 'unchanged')).toBe(true);
    const { teardown } = await import('../../src/cluster/teardown.js');
    const td = await teardown(c.conn, { namespace: NS, pollMs: 100 });
    expect(td.removed).toHaveLength(8);
    c.t.cluster.api.faults.set({ errorRate: 0 });
    expect(await c.labelled('run-8')).toEqual([]);
  });
});
