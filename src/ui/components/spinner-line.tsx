// A spinner with its label on exactly one line: a long label is cut, not
// wrapped onto lines the screen did not budget for. The frame's colour goes
// through the theme, so NO_COLOR holds even where chalk could colour
// (@inkjs/ui's Spinner paints its frame blue whatever NO_COLOR says).
import { useSpinner } from '@inkjs/ui';
import { Text } from 'ink';
import { colour } from '../theme.js';

export function SpinnerLine({ label }: { label: string }) {
  const { frame } = useSpinner({ type: 'dots' });
  return (
    <Text wrap="truncate-end">
      <Text color={colour('blue')}>{frame}</Text> {label}
    </Text>
  );
}
