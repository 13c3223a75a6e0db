// Every key of the screen underneath, with what it does (from the keymap).
// Framed when there is room; without the frame on a short terminal, and with
// a last line saying how many keys did not fit when even that is too little.
import { Box, Text } from 'ink';
import { type Binding, KEYMAP } from '../keymap.js';
import type { WizardState } from '../../state/wizard.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

/** The keys that work on the screen under the help, one entry per thing they do. */
export function helpEntries(state: WizardState): { label: string; help: string }[] {
  const underneath = { ...state, overlay: { kind: 'none' as const } };
  const rows = KEYMAP.filter((b) => (b.scope === state.step || b.scope === 'global') && (!b.when || b.when(underneath)));
  // ↑ and ↓ are two bindings with one sentence: list the sentence once, under the first label.
  const byHelp = new Map<string, Binding>();
  for (const b of rows) if (!byHelp.has(b.help)) byHelp.set(b.help, b);
  return [...byHelp.values()].map((b) => ({ label: b.label, help: b.help }));
}

export function HelpOverlay({ height, width }: { height: number; width: number }) {
  // The whole state (compared key by key), then the entries: a selector that
  // built new objects on every call would never compare equal.
  const entries = helpEntries(useWizard((s) => s));
  const framed = entries.length + 3 <= height;
  const room = Math.max(1, height - (framed ? 3 : 1));
  const shown = entries.length <= room ? entries : entries.slice(0, room - 1);
  const rest = entries.length - shown.length;
  return (
    <Box flexDirection="column" borderStyle={framed ? 'round' : undefined} borderColor={colour('cyan')} width={width} height={framed ? entries.length + 3 : height}>
      <Text bold>Keys on this screen</Text>
      {shown.map((b) => (
        <Text key={`${b.label}-${b.help}`} wrap="truncate-end">
          <Text bold>{b.label.padEnd(10)}</Text>
          {b.help}
        </Text>
      ))}
      {rest > 0 ? <Text color={colour('gray')}>… {rest} more: a taller terminal shows them all</Text> : null}
    </Box>
  );
}
