// Acceptance of how the controller gets into a cluster: `render --output-dir`
// applied as is with `kubectl apply -f DIR/manifests` is a complete deploy;
// and the simulator runs guest code only for the controller VM it recognises,
// never other cloud-init, not even a chaos-migration VM whose script was changed.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CLOUDINIT_SECRET_KEY, CLOUDINIT_SECRET_NAME, SCRIPT_PATH, STATUS_MAP_NAME, VM_NAME } from '../../src/cloudinit/names.js';
import { VMI_KEY } from '../../src/sim/kubevirt/context.js';
import { type Any, cli, E2E_TIMEOUT, NS, ok, render, renderFlags, sleep, startController, until } from './controller-e2e.js';

const NOT_EXECUTED = 'not executed: its cloud-init does not carry the generated chaos-migration controller script';

describe.concurrent('chaos-migration controller: deploy', { timeout: E2E_TIMEOUT }, () => {
  it('runs from `kubectl apply -f DIR/manifests` of `render --output-dir`, as is (OpenShift flavour)', async ({ expect, onTestFailed }) => {
    const run = await startController({ vms: 5, deploy: false, flavor: 'openshift' }, { onTestFailed });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'vw-render-dir-'));
      const r = await cli(['render', ...renderFlags(run.runId), '--output-dir', dir]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readdirSync(join(dir, 'manifests')).length).toBe(8);
      const applied = await ok(run.t.kubectl, ['apply', '-f', join(dir, 'manifests')]);
      expect(applied).toContain('virtualmachine.kubevirt.io/virtwork-chaos-migration-0 created');

      const done = await run.waitForEvent((e) => e.event === 'migration', 40_000, 'a migration');
      expect(done.fields).toMatchObject({ result: 'succeeded', from: expect.stringMatching(/^worker-\d\.virt\.ocp\.example\.com$/) });
      // The simulator (and so the controller's kubeconfig) is on loopback only.
      expect(new URL(run.t.cluster.api.url).hostname).toBe('127.0.0.1');
      const written = run.events('kubeconfig-written')[0]!;
      expect(new URL(written.fields.server!).hostname).toBe('127.0.0.1');
      const { status } = await run.status();
      expect(status.runId).toBe(run.runId);
    } finally {
      await run.stop();
    }
  });

  it('never executes other cloud-init, nor a chaos-migration VM whose script was modified', async ({ expect, onTestFailed }) => {
    const run = await startController({ vms: 5, deploy: false }, { onTestFailed });
    const marker = join(mkdtempSync(join(tmpdir(), 'vw-marker-')), 'executed');
    try {
      const objects = (JSON.parse(await render([...renderFlags(run.runId), '-o', 'json'])) as Any).items as Any[];
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === CLOUDINIT_SECRET_NAME);
      const genuine = secret.stringData[CLOUDINIT_SECRET_KEY] as string;

      // 1. The rendered deploy, with one line added to the controller script.
      const cc = parseYaml(genuine) as Any;
      const file = cc.write_files.find((f: Any) => f.path === SCRIPT_PATH);
      file.content = (file.content as string).replace('set -uo pipefail\n', `set -uo pipefail\ntouch '${marker}'\n`);
      secret.stringData[CLOUDINIT_SECRET_KEY] = `#cloud-config\n${stringifyYaml(cc)}`;

      // 2. Another VM labelled chaos-migration with cloud-init of its own (inline, not a Secret).
      const vm = objects.find((o) => o.kind === 'VirtualMachine');
      const other = structuredClone(vm);
      other.metadata.name = 'virtwork-chaos-migration-1';
      const otherScript = `#!/bin/bash\ntouch '${marker}'\n`;
      other.spec.template.spec.volumes = other.spec.template.spec.volumes.map((v: Any) =>
        v.cloudInitNoCloud ? { name: v.name, cloudInitNoCloud: { userData: `#cloud-config\n${stringifyYaml({ write_files: [{ path: SCRIPT_PATH, content: otherScript }], runcmd: [['touch', marker]] })}` } } : v,
      );

      // 3. A VM of another component that carries the genuine controller cloud-init.
      const genuineSecret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'virtwork-cpu-9-cloudinit', namespace: NS }, type: 'Opaque', stringData: { [CLOUDINIT_SECRET_KEY]: genuine } };
      const cpu = structuredClone(vm);
      cpu.metadata.name = 'virtwork-cpu-9';
      for (const labels of [cpu.metadata.labels, cpu.spec.template.metadata.labels]) {
        labels['app.kubernetes.io/component'] = 'cpu';
        labels['app.kubernetes.io/name'] = 'virtwork-cpu';
      }
      cpu.spec.template.spec.volumes = cpu.spec.template.spec.volumes.map((v: Any) => (v.cloudInitNoCloud ? { name: v.name, cloudInitNoCloud: { secretRef: { name: 'virtwork-cpu-9-cloudinit' } } } : v));

      const stream = [...objects, other, genuineSecret, cpu].map((o) => JSON.stringify(o)).join('\n---\n');
      await ok(run.t.kubectl, ['apply', '-f', '-'], { input: stream });

      const names = [VM_NAME, 'virtwork-chaos-migration-1', 'virtwork-cpu-9'];
      await until(
        () => names.every((n) => (run.t.cluster.api.client.get(VMI_KEY, NS, n) as Any)?.status?.phase === 'Running'),
        20_000,
        'the three VMs running',
      );
      const linesOf = (name: string) => run.log.filter((l) => l.text.startsWith(`controller-vm ${NS}/${name}: `)).map((l) => l.text);
      await until(() => linesOf(VM_NAME).length > 0 && linesOf('virtwork-chaos-migration-1').length > 0, 10_000, 'the simulator says what it did with both');
      // Long enough for a genuine controller to have migrated something (it does within ~6 s).
      await sleep(8_000);

      for (const name of [VM_NAME, 'virtwork-chaos-migration-1']) expect(linesOf(name)).toEqual([`controller-vm ${NS}/${name}: ${NOT_EXECUTED} (the simulator runs no other guest code)`]);
      expect(linesOf('virtwork-cpu-9'), 'a VM of another component is never looked at').toEqual([]);
      expect(existsSync(marker), 'no guest code ran').toBe(false);
      expect(run.migrations()).toEqual([]);
      const status = JSON.parse(await ok(run.t.kubectl, ['get', 'configmap', STATUS_MAP_NAME, '-n', NS, '-o', 'json'])) as Any;
      expect(status.data ?? {}, 'nothing wrote the status').toEqual({});
    } finally {
      await run.stop();
    }
  });

  // SIMULATOR BUG (src/sim/api, reported, not fixed here): the simulated API
  // server answers 404 to GET /openapi/v2, which every real kube-apiserver
  // serves. kubectl validates a v1 List (what `render -o json` prints) against
  // /openapi/v2, so `render -o json | kubectl apply -f -` fails in the
  // simulator with "error validating data: the server could not find the
  // requested resource"; kubectl also falls back to /openapi/v2 whenever
  // /openapi/v3 fails (e.g. during an outage). Remove `.fails` once it is served.
  it.fails('deploys from `render -o json | kubectl apply -f -` (a v1 List)', async ({ expect }) => {
    const run = await startController({ vms: 0, deploy: false, runControllerVms: false });
    try {
      const r = await run.t.kubectl(['apply', '-f', '-'], { input: await render([...renderFlags(run.runId), '-o', 'json']) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect((await run.t.kubectl(['get', '--raw', '/openapi/v2'])).exitCode).toBe(0);
    } finally {
      await run.stop();
    }
  });
});
