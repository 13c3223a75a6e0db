// The table filter being typed.
import { Text } from 'ink';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

export function FilterBar({ width }: { width: number }) {
  const text = useWizard((s) => (s.overlay.kind === 'filter' ? s.overlay.text : ''));
  return (
    <Text wrap="truncate-end">
      <Text bold>/</Text>
      {text}
      <Text color={colour('gray')}>▏ (name, component or node; enter keeps it, esc clears)</Text>
      {' '.repeat(Math.max(0, width - text.length - 60))}
    </Text>
  );
}
