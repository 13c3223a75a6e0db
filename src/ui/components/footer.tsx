// The keys that work here, from the keymap itself: whole entries only. On a
// narrow terminal the spacing tightens, then the last entries give way (help,
// always first, lists them all) rather than one being cut mid-word.
import { Text } from 'ink';
import { activeBindings } from '../keymap.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

/** The footer line for these hints in `width` columns. */
export function footerText(hints: string[], width: number): string {
  const wide = hints.join('  ');
  if (wide.length <= width) return wide;
  const kept: string[] = [];
  for (const h of hints) {
    if ([...kept, h].join(' ').length > width) break;
    kept.push(h);
  }
  return kept.join(' ');
}

export function Footer({ width }: { width: number }) {
  const hints = useWizard((s) => activeBindings(s).filter((b) => b.footer).map((b) => `${b.label} ${b.hint}`));
  return (
    <Text wrap="truncate-end" color={colour('gray')}>
      {footerText(hints, width)}
    </Text>
  );
}
