// The one place keys come in: the keymap resolves them to actions, the wizard
// reducer says what they do, and effects go to the session. Only when the
// terminal can give raw keys (no TTY, no keyboard handling).
import { type Key, useInput, useStdin } from 'ink';
import { useStore } from 'zustand';
import { typeInto, typing, reduceAction } from '../state/wizard-reducer.js';
import { useApp } from './context.js';
import { fleetRowsAt } from './fleet-rows.js';
import { resolveKey } from './keymap.js';
import { previewLines } from './screens/preview.js';

export function KeyboardInput({ pageSize }: { pageSize: number }) {
  const { isRawModeSupported } = useStdin();
  return isRawModeSupported ? <Keys pageSize={pageSize} /> : null;
}

function Keys({ pageSize }: { pageSize: number }) {
  const app = useApp();
  const wizardStore = app.wizard;
  // Re-render on wizard changes only; cluster state is read when a key arrives.
  useStore(wizardStore, (s) => s.step);
  useInput((input: string, key: Key) => {
    const s = wizardStore.getState();
    const action = resolveKey(s, input, key);
    if (!action) {
      if (typing(s) && (key.backspace || key.delete || (input.length > 0 && !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab))) {
        wizardStore.setState(typeInto(s, key.backspace || key.delete ? '' : input, key.backspace || key.delete), true);
      }
      return;
    }
    const cluster = app.cluster.getState();
    const rows = fleetRowsAt(cluster.fleet, { filter: s.dashboard.filter, sort: s.dashboard.sort, sortDesc: s.dashboard.sortDesc }, Date.now());
    const selected = rows[Math.min(s.dashboard.cursor, rows.length - 1)];
    const r = reduceAction(s, action, {
      rows: rows.length,
      pageSize,
      selectedVmi: selected?.name,
      paused: cluster.controller.paused,
      dryRun: cluster.controller.dryRun,
      previewLines: s.step === 'preview' ? previewLines(app.preview(), s.preview.tab).length : 0,
    });
    if (r.state !== s) wizardStore.setState(r.state, true);
    if (r.effect) app.dispatch(r.effect);
  });
  return null;
}
