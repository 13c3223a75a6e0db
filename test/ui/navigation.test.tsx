// Moving through the wizard with the keyboard: Enter goes on (on the preview
// it deploys), Esc closes an overlay before it goes back a step and never
// leaves the dashboard, `?` opens and closes help, and Enter is refused with
// the reason while a step is not ready.
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, renderApp, type Rendered, tableRows } from './helpers/render.js';
import { clusterWithFixtures, wizardAt } from './helpers/stores.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

describe('Enter goes on', () => {
  it('walks connect -> targets -> schedule -> preview, and on the preview dispatches deploy', async () => {
    const wizard = wizardAt('targets', { step: 'connect', preflight: { phase: 'done', blocked: false, checks: [{ id: 'api', title: 'API server', status: 'ok', detail: 'answers' }] } });
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.waitFor((f) => f.includes('Ready: enter to choose targets'), 'the connect screen');
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('extra label selector'), 'the targets screen');
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('interval min (s)'), 'the schedule screen');
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('Dry-run preview'), 'the preview');
    expect(r.effects).toEqual([]);
    await r.press(KEYS.enter);
    expect(r.effects).toEqual([{ kind: 'deploy', dryRun: false }]);
    expect(wizard.getState().step).toBe('deploy');
    await r.waitFor((f) => f.includes('Deploy') && f.includes('starting'), 'the deploy screen');
  });

  it('D on the preview deploys with migration dry-run on', async () => {
    const wizard = wizardAt('preview');
    r = await renderApp(wizard, clusterWithFixtures());
    await r.press('D');
    expect(r.effects).toEqual([{ kind: 'deploy', dryRun: true }]);
    await r.waitFor((f) => f.includes('migration dry-run: nothing will be migrated'), 'the dry-run deploy');
  });

  it('a finished deploy goes on to the dashboard', async () => {
    const wizard = wizardAt('deploy', { deploy: { phase: 'done', steps: [{ id: 'vm', title: 'VirtualMachine created', status: 'done' }], dryRun: false } });
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('NAME') && f.includes('virtwork-cpu-0'), 'the dashboard table');
  });

  it('refuses to go on while preflight runs or is blocked, and says why', async () => {
    const wizard = wizardAt('connect', { preflight: { phase: 'running', checks: [{ id: 'api', title: 'API server', status: 'pending', detail: '' }], blocked: false } });
    r = await renderApp(wizard, clusterWithFixtures());
    await r.press(KEYS.enter);
    expect(wizard.getState().step).toBe('connect');
    await r.waitFor((f) => f.includes('preflight is still running'), 'the reason');
    wizard.setState({ ...wizard.getState(), preflight: { phase: 'done', blocked: true, checks: [{ id: 'nodes', title: 'Nodes', status: 'block', detail: 'one node', fix: 'add a node' }] } }, true);
    await r.press(KEYS.enter);
    expect(wizard.getState().step).toBe('connect');
    await r.waitFor((f) => f.includes('a blocking check failed'), 'the blocking reason');
    expect(r.frame()).toContain('fix: add a node');
  });
});

describe('Esc and overlays', () => {
  it('? opens help and ? closes it again; Esc closes it too, without going back', async () => {
    const wizard = wizardAt('preview');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.press('?');
    await r.waitFor((f) => f.includes('Keys on this screen'), 'the help');
    expect(r.frame()).toContain('Deploy with migration dry-run on');
    await r.press('?');
    await r.waitFor((f) => !f.includes('Keys on this screen') && f.includes('Dry-run preview'), 'the help to close');
    await r.press('?');
    await r.waitFor((f) => f.includes('Keys on this screen'), 'the help again');
    await r.press(KEYS.esc);
    await r.waitFor((f) => !f.includes('Keys on this screen'), 'Esc to close the help');
    expect(wizard.getState().step).toBe('preview');
    await r.press(KEYS.esc);
    expect(wizard.getState().step).toBe('schedule');
  });

  it('Esc goes back one step at a time to the start', async () => {
    const wizard = wizardAt('preview');
    r = await renderApp(wizard, clusterWithFixtures());
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      await r.press(KEYS.esc);
      seen.push(wizard.getState().step);
    }
    expect(seen).toEqual(['schedule', 'targets', 'connect', 'connect']);
  });

  it('never leaves the dashboard: Esc closes the help, the filter, the confirmation, and then does nothing', async () => {
    const wizard = wizardAt('dashboard');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.press('?');
    expect(wizard.getState().overlay.kind).toBe('help');
    await r.press(KEYS.esc);
    expect(wizard.getState().overlay.kind).toBe('none');
    await r.press('/');
    await r.type('cpu');
    await r.waitFor((f) => f.includes('/cpu'), 'the filter bar');
    await r.press(KEYS.esc);
    expect(wizard.getState().overlay.kind).toBe('none');
    expect(wizard.getState().dashboard.filter).toBe('');
    await r.press('t');
    expect(wizard.getState().overlay.kind).toBe('confirm');
    await r.press(KEYS.esc);
    expect(wizard.getState().overlay.kind).toBe('none');
    await r.press(KEYS.esc, KEYS.esc);
    expect(wizard.getState().step).toBe('dashboard');
    expect(r.effects).toEqual([]);
  });

  it('a running deploy is not left with Esc; a failed one is', async () => {
    const wizard = wizardAt('deploy', { deploy: { phase: 'running', steps: [], dryRun: false } });
    r = await renderApp(wizard, clusterWithFixtures());
    await r.press(KEYS.esc);
    expect(wizard.getState().step).toBe('deploy');
    wizard.setState({ ...wizard.getState(), deploy: { phase: 'failed', steps: [], dryRun: false, error: 'the API server refused: forbidden' } }, true);
    await r.waitFor((f) => f.includes('r retries'), 'the failure');
    await r.press(KEYS.esc);
    expect(wizard.getState().step).toBe('preview');
  });

  it('the filter narrows the table as typed; Enter keeps it', async () => {
    const wizard = wizardAt('dashboard');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.press('/');
    await r.type('mem');
    await r.waitFor((f) => tableRows(f).length === 1 && tableRows(f)[0]!.startsWith('virtwork-memory-0'), 'the filtered table');
    await r.press(KEYS.enter);
    expect(wizard.getState().overlay.kind).toBe('none');
    expect(wizard.getState().dashboard.filter).toBe('mem');
    expect(tableRows(r.frame()).map((l) => l.split(' ')[0])).toEqual(['virtwork-memory-0']);
    await r.press('/', KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await r.type('kv-worker-02');
    await r.waitFor((f) => tableRows(f).length === 3, 'the table filtered by node');
  });
});
