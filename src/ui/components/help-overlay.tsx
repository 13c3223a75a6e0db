// Every key of the screen underneath, with what it does (from the keymap).
import { Box, Text } from 'ink';
import { KEYMAP } from '../keymap.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

export function HelpOverlay({ height, width }: { height: number; width: number }) {
  const state = useWizard((s) => s);
  const underneath = { ...state, overlay: { kind: 'none' as const } };
  const rows = KEYMAP.filter((b) => (b.scope === state.step || b.scope === 'global') && (!b.when || b.when(underneath)));
  const seen = new Set<string>();
  const unique = rows.filter((b) => {
    const k = `${b.label}|${b.help}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={colour('cyan')} width={width} height={Math.min(height, unique.length + 3)}>
      <Text bold>Keys on this screen</Text>
      {unique.slice(0, Math.max(0, height - 3)).map((b) => (
        <Text key={`${b.action}-${b.label}`} wrap="truncate-end">
          <Text bold>{b.label.padEnd(10)}</Text>
          {b.help}
        </Text>
      ))}
    </Box>
  );
}
