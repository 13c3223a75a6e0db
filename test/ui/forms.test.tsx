// The targets and schedule forms: validated as typed, with the live count of
// matching VMIs and the expected migrations per hour.
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, renderApp, type Rendered } from './helpers/render.js';
import { clusterWithFixtures, wizardAt } from './helpers/stores.js';

let r: Rendered | undefined;
afterEach(() => r?.unmount());

const countLine = (f: string) => /(\d+) VMIs match, (\d+) eligible now/.exec(f);

describe('targets', () => {
  it('counts the matching VMIs as the selector is typed, and says what is wrong while it does not parse', async () => {
    const wizard = wizardAt('targets');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    // The fixtures: 7 virtwork VMIs, the controller's own among them; it,
    // database and disk are not eligible.
    let m = countLine(await r.waitFor((f) => countLine(f) !== null, 'the count'));
    expect([m![1], m![2]]).toEqual(['7', '4']);

    await r.type('app.kubernetes.io/component');
    // A bare key parses (an "exists" requirement).
    m = countLine(r.frame());
    expect(m?.[1]).toBe('7');
    await r.type(' in (cpu');
    await r.waitFor((f) => countLine(f) === null && /unable to parse|invalid selector/.test(f), 'the parse error as typed');
    await r.press(KEYS.enter);
    expect(wizard.getState().step).toBe('targets');
    await r.waitFor((f) => f.includes('target labels:'), 'why Enter is refused');

    await r.type(')');
    m = countLine(await r.waitFor((f) => countLine(f)?.[1] === '2', 'two cpu VMIs'));
    expect(m![2]).toBe('2');
    expect(r.frame()).not.toContain('target labels:');
    expect(r.frame()).toContain('virtwork-cpu-0');
    expect(r.frame()).not.toContain('virtwork-memory-0');

    await r.press(...Array<string>(' in (cpu)'.length).fill(KEYS.backspace));
    await r.type('=memory');
    await r.waitFor((f) => countLine(f)?.[1] === '1', 'one memory VMI');
    await r.press(KEYS.enter);
    expect(wizard.getState().step).toBe('schedule');
    expect(wizard.getState().selector).toBe('app.kubernetes.io/component=memory');
  });

  it('letters go into the selector, not to the keys: q and ? are typed there', async () => {
    const wizard = wizardAt('targets');
    r = await renderApp(wizard, clusterWithFixtures());
    await r.type('q?');
    expect(wizard.getState().selector).toBe('q?');
    expect(wizard.getState().overlay.kind).toBe('none');
    expect(r.effects).toEqual([]);
  });

  it('exclusions: space excludes the component under the cursor; chaos-migration stays excluded', async () => {
    const wizard = wizardAt('targets');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.press(KEYS.tab);
    await r.press(KEYS.space);
    expect(wizard.getState().exclusions).toEqual([]);
    expect(r.frame()).toContain('[x] chaos-migration (always excluded');
    await r.press(KEYS.down, KEYS.space);
    expect(wizard.getState().exclusions).toEqual(['cpu']);
    await r.waitFor((f) => f.includes('[x] cpu') && countLine(f)?.[2] === '2' && f.includes('excluded component cpu'), 'cpu no longer eligible');
    await r.press(KEYS.space);
    await r.waitFor((f) => f.includes('[ ] cpu') && countLine(f)?.[2] === '4', 'cpu eligible again');
  });
});

describe('schedule', () => {
  it('shows the expected migrations per hour and updates it as the intervals are typed', async () => {
    const wizard = wizardAt('schedule');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    // 5 to 15 s: a mean wait of 10 s.
    await r.waitFor((f) => f.includes('about 360.0 migrations per hour (240.0 to 720.0)'), 'the rate for 5-15 s');
    await r.press(KEYS.backspace);
    await r.type('60');
    await r.press(KEYS.tab, KEYS.backspace, KEYS.backspace);
    await r.type('120');
    expect(wizard.getState().schedule).toMatchObject({ min: '60', max: '120' });
    await r.waitFor((f) => f.includes('about 40.0 migrations per hour (30.0 to 60.0)'), 'the rate for 60-120 s');
  });

  it('says what is wrong under the field as typed, refuses Enter with the reason, and goes on once fixed', async () => {
    const wizard = wizardAt('schedule');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.press(KEYS.backspace);
    await r.type('30');
    await r.waitFor((f) => f.includes('interval max (15) must not be less than interval min (30)'), 'max < min');
    expect(r.frame()).toContain('fix the intervals to see the expected rate');
    await r.press(KEYS.enter);
    expect(wizard.getState().step).toBe('schedule');
    await r.press(KEYS.backspace, KEYS.backspace);
    await r.waitFor((f) => f.includes('interval min must be a whole number of seconds'), 'an empty min');
    await r.type('0');
    await r.waitFor((f) => f.includes('interval min must be at least 1 second'), 'a zero min');
    await r.press(KEYS.backspace);
    await r.type('9');
    await r.waitFor((f) => !f.includes('must') && f.includes('about 300.0 migrations per hour'), 'valid again');
    await r.press(KEYS.enter);
    expect(wizard.getState().step).toBe('preview');
  });

  it('digits only in the number fields; the trigger and dry-run switch with space and arrows', async () => {
    const wizard = wizardAt('schedule');
    r = await renderApp(wizard, clusterWithFixtures(), { columns: 120, rows: 40 });
    await r.type('x-1');
    expect(wizard.getState().schedule.min).toBe('51');
    await r.press(KEYS.down, KEYS.down, KEYS.down);
    expect(wizard.getState().scheduleFocus).toBe('trigger');
    await r.press(KEYS.space);
    await r.waitFor((f) => f.includes('VirtualMachineInstanceMigration (create directly)'), 'the VMIM trigger');
    await r.press(KEYS.down, KEYS.right);
    await r.waitFor((f) => f.includes('on: log what would migrate, migrate nothing'), 'dry-run on');
    expect(wizard.getState().schedule).toMatchObject({ trigger: 'vmim', dryRun: true });
    await r.press(KEYS.up, KEYS.up, KEYS.up, KEYS.up);
    expect(wizard.getState().scheduleFocus).toBe('min');
  });
});
