// pause, resume and set against the simulated cluster running the real
// controller script: each is a merge patch of the config ConfigMap, confirmed
// by the controller's own status (config-resource-version and its settings).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readObject } from '../../src/cluster/apply.js';
import { NoControllerError, UnconfirmedError, pause, resume, setAssignments, setConfig } from '../../src/cluster/control.js';
import { readStatusMap, resourceVersionReached } from '../../src/cluster/control-status.js';
import { deploy } from '../../src/cluster/deploy.js';
import { SettingsError } from '../../src/cloudinit/settings.js';
import { renderManifests } from '../../src/cloudinit/manifests.js';
import { CONFIG_MAP_NAME, STATUS_MAP_NAME } from '../../src/cloudinit/names.js';
import { type DeployCluster, NS, deployCluster, testSettings, until } from './deploy-fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

let c: DeployCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const configData = async (cl: DeployCluster) =>
  ((await readObject(cl.conn, { apiVersion: 'v1', kind: 'ConfigMap', name: CONFIG_MAP_NAME, namespace: NS })) as Any).data as Record<string, string>;

describe('live control', () => {
  it('pause and resume are confirmed by the controller within 5 s and show in the status ConfigMap', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('run-p'), { pollMs: 100 });

    let t0 = Date.now();
    const paused = await pause(c.conn, NS, { timeoutMs: 5000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(paused.patch).toEqual({ paused: 'true' });
    expect(resourceVersionReached(paused.status.configResourceVersion, paused.resourceVersion)).toBe(true);
    expect(paused.status.settings.paused).toBe('true');
    expect((await configData(c)).paused).toBe('true');
    // State says paused as soon as no migration is in flight.
    await until(async () => ((await readStatusMap(c!.conn, NS))?.status.state === 'paused' ? true : undefined), 10_000, 'state paused');

    t0 = Date.now();
    const resumed = await resume(c.conn, NS, { timeoutMs: 5000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(resumed.status.settings.paused).toBe('false');
    expect(resumed.status.state).not.toBe('paused');
    expect((await configData(c)).paused).toBe('false');
  });

  it('set writes only the keys given, validated, and waits for the controller to run with them', async () => {
    c = await deployCluster();
    await deploy(c.conn, testSettings('run-s'), { pollMs: 100 });
    const r = await setAssignments(c.conn, NS, ['migration-interval-max=30', 'migration-dry-run=TRUE', 'migration-exclude-components= cpu, disk'], { timeoutMs: 5000 });
    expect(r.patch).toEqual({ 'migration-interval-max': '30', 'migration-dry-run': 'true', 'migration-exclude-components': 'cpu,disk' });
    expect(r.status.settings).toMatchObject({ 'migration-interval-max': '30', 'migration-dry-run': 'true', 'migration-exclude-components': 'cpu,disk' });
    expect(await configData(c)).toMatchObject({ 'migration-interval-min': '1', 'migration-interval-max': '30', 'migration-timeout': '300' });
  });

  it('fails clearly when no controller is deployed', async () => {
    c = await deployCluster();
    const err = await pause(c.conn, NS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoControllerError);
    expect((err as Error).message).toBe(
      'no chaos-migration controller is deployed in namespace virtwork (ConfigMap virtwork-chaos-migration-config not found): run deploy first, or pass -n with the controller\'s namespace',
    );
  });

  it('times out saying so when the controller does not confirm', async () => {
    c = await deployCluster({ runControllerVms: false });
    // The ConfigMaps are there, but no controller runs to read them.
    for (const o of renderManifests(testSettings('run-t')).filter((m) => m.metadata.name === CONFIG_MAP_NAME || m.metadata.name === STATUS_MAP_NAME)) {
      await c.conn.objects.create(o as Any);
    }
    const err = await setConfig(c.conn, NS, { paused: 'true' }, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnconfirmedError);
    expect((err as Error).message).toBe('the controller has not confirmed the change within 1s: is it running? see `status`');
  });
});

describe('set validation', () => {
  // Validation needs the config ConfigMap (min <= max is checked against it), not a running controller.
  let v: DeployCluster;
  beforeAll(async () => {
    v = await deployCluster({ runControllerVms: false });
    for (const o of renderManifests(testSettings('run-v')).filter((m) => m.metadata.name === CONFIG_MAP_NAME || m.metadata.name === STATUS_MAP_NAME)) {
      await v.conn.objects.create(o as Any);
    }
  });
  afterAll(() => v.stop());

  it.each([
    [['migration-interval-min=abc'], 'migration-interval-min ("abc") must be a whole number of seconds'],
    [['migration-interval-min=10'], 'migration-interval-min (10) must not be greater than migration-interval-max (2)'],
    [['migration-timeout=30', 'speed=3'], 'unknown setting "speed" (known: migration-interval-min, migration-interval-max, migration-timeout, migration-target-labels, migration-exclude-components, migration-dry-run, paused)'],
    [['migration-exclude-components=gpu'], 'migration-exclude-components: unknown component "gpu" (known: cpu, memory, disk, database, network, chaos-migration)'],
    [['migration-target-labels=tier in ('], `migration-target-labels ("tier in (") is not a valid label selector: unable to parse requirement: found '', expected: ')'`],
    [['paused=maybe'], 'paused ("maybe") must be true or false'],
  ])('refuses %j without writing anything: %s', async (assignments, message) => {
    const before = await configData(v);
    const err = await setAssignments(v.conn, NS, assignments).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as Error).message).toBe(message);
    expect(await configData(v)).toEqual(before);
  });
});
