// The TUI's session against a simulated cluster, where things go wrong: a
// pause with no controller to confirm it, a deploy the user may not do. The
// screen must end in a state the operator can act on (the reason shown, the
// pending mark gone, Esc or retry available), never spinning for good.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromOptions } from '../../src/cloudinit/settings-flags.js';
import type { Connection } from '../../src/cluster/connection.js';
import { TuiSession } from '../../src/cluster/session.js';
import { createClusterStore } from '../../src/state/cluster-store.js';
import { reduceAction } from '../../src/state/wizard-reducer.js';
import { createWizardStore, initialWizard, type Step, type WizardStore } from '../../src/state/wizard.js';
import { type DeployCluster, deployCluster, NS } from '../cluster/deploy-fixture.js';

let dc: DeployCluster;
beforeAll(async () => {
  dc = await deployCluster();
});
afterAll(async () => {
  await dc?.stop();
});

function session(conn: Connection, step: Step): { wizard: WizardStore; s: TuiSession } {
  const wizard = createWizardStore({ ...initialWizard({ min: 5, max: 15, timeout: 120 }), step, components: ['chaos-migration', 'cpu', 'memory', 'disk'], preflight: { phase: 'done', checks: [], blocked: false } });
  const cluster = createClusterStore({ namespace: NS });
  const s = new TuiSession(wizard, cluster, {
    conn,
    settings: settingsFromOptions({ namespace: NS }, {}),
    explicit: { virtctlVersion: false, virtctlUrl: false, kubectlVersion: false, kubectlUrl: false },
    cwd: mkdtempSync(join(tmpdir(), 'session-test-')),
    observe: () => {},
    onQuit: () => {},
  });
  return { wizard, s };
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CTX = { rows: 0, pageSize: 10, paused: false, dryRun: false, previewLines: 0 };

describe('TuiSession when things go wrong', () => {
  it('p with no controller deployed: says why, and the pending "pausing" mark goes', async () => {
    const { wizard, s } = session(dc.conn, 'dashboard');
    const r = reduceAction(wizard.getState(), 'pause', CTX);
    wizard.setState(r.state, true);
    expect(wizard.getState().dashboard.busy).toBe('pausing');
    s.dispatch(r.effect!);
    await until(() => wizard.getState().status?.tone === 'error', 'the error');
    expect(wizard.getState().status?.text).toMatch(/controller|ConfigMap|not deployed/i);
    expect(wizard.getState().dashboard.busy).toBeUndefined();
  });

  it('a deploy the user may not do fails with the reason, so that Esc and r work again', async () => {
    const conn = dc.connectAs('nobody', []);
    const { wizard, s } = session(conn, 'preview');
    const r = reduceAction(wizard.getState(), 'next', CTX);
    wizard.setState(r.state, true);
    expect(wizard.getState().deploy.phase).toBe('running');
    s.dispatch(r.effect!);
    await until(() => wizard.getState().deploy.phase !== 'running', 'the deploy to end');
    expect(wizard.getState().deploy.phase).toBe('failed');
    expect(wizard.getState().deploy.error).toMatch(/forbidden|not allowed|permission|cannot/i);
    expect(reduceAction(wizard.getState(), 'back', CTX).state.step).toBe('preview');
  });
});
