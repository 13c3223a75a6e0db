// The keys that work here, from the keymap itself.
import { Text } from 'ink';
import { activeBindings } from '../keymap.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

export function Footer({ width }: { width: number }) {
  const hints = useWizard((s) => activeBindings(s).filter((b) => b.footer).map((b) => `${b.label} ${b.hint}`));
  return (
    <Text wrap="truncate-end" color={colour('gray')}>
      {hints.join('  ').slice(0, Math.max(0, width))}
    </Text>
  );
}
