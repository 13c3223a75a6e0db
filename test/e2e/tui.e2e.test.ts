// The TUI in a real terminal (tmux), as an operator uses it: `--demo` at
// 120x40 and at 80x24, the wizard walked with Enter, the deploy, a migration
// seen in the table, pause and resume confirmed in the cluster (kubectl with
// the demo's --kubeconfig-out) and on screen, and a clean quit. Also Ctrl+C,
// and what happens without a terminal. Needs `npm run build` first. Waits are
// generous and poll the screen: the machine may be busy with other tests.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { kubectlRunner } from '../helpers/kubectl.js';
import { snapshotCli } from '../helpers/built-cli.js';
import { colourCodes, garbage, hasInverse, placements, tableRows } from './helpers/screen.js';
import { openPane, type Pane } from './helpers/tmux.js';

const PARTING = 'Demo over: the simulated cluster and its controller have stopped.';
const CONFIG_MAP = 'virtwork-chaos-migration-config';
const STATUS_MAP = 'virtwork-chaos-migration-status';

let cli = '';
beforeAll(async () => {
  cli = await snapshotCli();
});
afterAll(() => rmSync(join(cli, '..'), { recursive: true, force: true }));

let pane: Pane | undefined;
afterEach(async () => {
  await pane?.kill();
  pane = undefined;
});

/** Starts the demo in the pane through a script (a short command line), echoing the exit code after it. */
async function startDemo(p: Pane, extra = '', env = ''): Promise<{ kubeconfig: string; log: string }> {
  const kubeconfig = join(p.dir, 'kubeconfig');
  const log = join(p.dir, 'demo.log');
  writeFileSync(join(p.dir, 'demo.sh'), `${env} exec ${process.execPath} ${cli} --demo --kubeconfig-out ${kubeconfig} --log ${log} ${extra}\n`);
  await p.run('clear; bash demo.sh; echo "EXIT:$?"');
  return { kubeconfig, log };
}

/** Polls kubectl until the check passes (the cluster answers through the demo's kubeconfig). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function walkToDashboard(p: Pane): Promise<string> {
  await p.waitFor((s) => s.includes('Ready: enter to choose targets.'), 'preflight to finish', 120_000);
  await p.keys('Enter');
  await p.waitFor((s) => s.includes('extra label selector') && /\d+ VMIs match/.test(s), 'the targets screen');
  await p.keys('Enter');
  await p.waitFor((s) => s.includes('interval min (s)') && s.includes('migrations per hour'), 'the schedule screen');
  await p.keys('Enter');
  await p.waitFor((s) => s.includes('Dry-run preview') && s.includes('kind: ServiceAccount'), 'the preview');
  await p.keys('Enter');
  await p.waitFor((s) => s.includes('Deploy') && s.includes('ServiceAccount virtwork-chaos-migration'), 'the deploy steps');
  // The dashboard opens by itself once the controller is up.
  return p.waitFor((s) => tableRows(s).length >= 5 && /^controller (IDLE|MIGRATING|WAITING)/m.test(s), 'the dashboard with a live controller', 180_000);
}

/** Waits until some VMI in the table is seen on a different node than before. */
async function seeNodeChange(p: Pane, first: string): Promise<string> {
  const seen = placements(first);
  let moved = '';
  await p.waitFor(
    (s) => {
      for (const [vmi, node] of placements(s)) {
        const before = seen.get(vmi);
        if (before && before !== node) {
          moved = `${vmi}: ${before} -> ${node}`;
          return true;
        }
        if (!before) seen.set(vmi, node);
      }
      return false;
    },
    'a VMI to change node in the table',
    180_000,
  );
  return moved;
}

for (const [columns, rows] of [
  [120, 40],
  [80, 24],
] as const) {
  describe(`--demo at ${columns}x${rows}`, () => {
    it('walks the wizard, deploys, sees a migration, pauses and resumes in the cluster, and quits cleanly', { timeout: 600_000 }, async () => {
      pane = await openPane(columns, rows);
      // At 80x24 with CI=true, as CI machines export it: Ink and chalk would
      // then draw nothing until exit and drop all styles; a terminal is a terminal.
      const { kubeconfig, log } = await startDemo(pane, '', columns === 80 ? 'CI=true' : '');
      const kubectl = kubectlRunner(kubeconfig);
      const first = await walkToDashboard(pane);
      for (const l of first.split('\n')) expect(l.length).toBeLessThanOrEqual(columns);
      // Where the kubeconfig is (for kubectl beside the TUI), and at 120 columns the log file too.
      expect(first).toContain(`kubeconfig: ${kubeconfig}`);
      if (columns >= 120) expect(first).toContain(`demo logs: ${log}`);
      // The TUI hides the cursor while it draws.
      expect(await pane.display('#{cursor_flag}')).toBe('0');

      const moved = await seeNodeChange(pane, first);
      expect(moved).toMatch(/^virtwork-\S+: kv-worker-\d+ -> kv-worker-\d+$/);

      // p: the controller pauses, in the cluster and on screen.
      await pane.keys('p');
      await eventually(async () => (await kubectl(['get', 'configmap', CONFIG_MAP, '-n', 'virtwork', '-o', 'jsonpath={.data.paused}'])).stdout === 'true', 'data.paused=true in the config ConfigMap');
      await eventually(async () => /(^|\s)paused=true(\s|$)/.test((await kubectl(['get', 'configmap', STATUS_MAP, '-n', 'virtwork', '-o', 'jsonpath={.data.settings}'])).stdout), 'paused=true in the status ConfigMap settings', 90_000);
      await pane.waitFor((s) => /^controller PAUSED/m.test(s) && s.includes('controller paused (confirmed by the controller)'), 'PAUSED on screen', 90_000);

      // p again: it resumes.
      await pane.keys('p');
      await eventually(async () => (await kubectl(['get', 'configmap', CONFIG_MAP, '-n', 'virtwork', '-o', 'jsonpath={.data.paused}'])).stdout === 'false', 'data.paused=false');
      await pane.waitFor((s) => s.includes('controller resumed (confirmed by the controller)') && !/^controller PAUSED/m.test(s), 'resumed on screen', 90_000);
      expect((await kubectl(['get', 'configmap', STATUS_MAP, '-n', 'virtwork', '-o', 'jsonpath={.data.settings}'])).stdout).toMatch(/(^|\s)paused=false(\s|$)/);

      // q: a clean exit, the parting line, the shell back as it was.
      await pane.keys('q');
      const end = await pane.waitFor((s) => /EXIT:\d+/.test(s), 'the process to exit', 60_000);
      expect(end).toContain('EXIT:0');
      expect(end).toContain(PARTING);
      expect(garbage(end)).toEqual([]);
      expect(await pane.display('#{cursor_flag} #{alternate_on}')).toBe('1 0');
      await pane.run('echo "shell-$((40 + 2))"');
      await pane.waitFor((s) => s.includes('shell-42'), 'the shell to answer');
    });
  });
}

describe('leaving', () => {
  it('Ctrl+C, even while typing into a field, leaves the terminal clean', { timeout: 300_000 }, async () => {
    pane = await openPane(100, 30);
    await startDemo(pane);
    await pane.waitFor((s) => s.includes('Ready: enter to choose targets.'), 'preflight to finish', 120_000);
    await pane.keys('Enter');
    await pane.waitFor((s) => s.includes('extra label selector'), 'the targets screen');
    await pane.type('tier');
    await pane.waitFor((s) => s.includes('extra label selector  tier'), 'typing in the selector');
    await pane.keys('C-c');
    const end = await pane.waitFor((s) => /EXIT:\d+/.test(s), 'the process to exit', 60_000);
    expect(end).toContain('EXIT:0');
    expect(end).toContain(PARTING);
    expect(garbage(end)).toEqual([]);
    expect(await pane.display('#{cursor_flag} #{alternate_on}')).toBe('1 0');
    // Keys echo and lines edit as usual: the terminal is out of raw mode.
    await pane.run('echo "typed-$((6 * 7))"');
    const after = await pane.waitFor((s) => s.includes('typed-42'), 'the shell to answer');
    expect(after).toContain('echo "typed-$((6 * 7))"');
  });

  it('Ctrl+C at once, before the simulated cluster is up, still exits cleanly', { timeout: 120_000 }, async () => {
    pane = await openPane(80, 24);
    await startDemo(pane);
    await pane.waitFor((s) => s.includes('virtwork-chaos-tui'), 'the first frame', 60_000);
    await pane.keys('C-c');
    const end = await pane.waitFor((s) => /EXIT:\d+/.test(s), 'the process to exit', 60_000);
    expect(end).toContain('EXIT:0');
    expect(garbage(end)).toEqual([]);
    expect(await pane.display('#{cursor_flag}')).toBe('1');
  });

  it('NO_COLOR: the real terminal gets no colour, only emphasis', { timeout: 300_000 }, async () => {
    pane = await openPane(120, 40);
    await startDemo(pane, '', 'NO_COLOR=1');
    await pane.waitFor((s) => s.includes('Ready: enter to choose targets.'), 'preflight to finish', 120_000);
    await pane.keys('Enter');
    await pane.waitFor((s) => s.includes('extra label selector'), 'the targets screen');
    const styled = await pane.captureStyled();
    expect(colourCodes(styled)).toEqual([]);
    // Emphasis stays: the current step is shown inverse.
    expect(hasInverse(styled)).toBe(true);
    await pane.keys('Escape');
    await pane.waitFor((s) => s.includes('Ready: enter to choose targets.'), 'back on the connect screen');
    await pane.keys('q');
    expect(await pane.waitFor((s) => /EXIT:\d+/.test(s), 'the process to exit')).toContain('EXIT:0');
  });

  it('without a terminal, says to use the headless commands and exits 2', async () => {
    const r = await runCli([], { timeoutMs: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/headless commands/);
    expect(r.stderr).toMatch(/preflight, deploy, status, pause, resume/);
    expect(r.stdout).toBe('');
    const demo = await runCli(['--demo'], { timeoutMs: 30_000 });
    expect(demo.exitCode).toBe(2);
  });
});
