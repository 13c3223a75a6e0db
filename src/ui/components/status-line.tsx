// One line of feedback: what just happened or what stops the operator.
import { Text } from 'ink';
import { useWizard } from '../hooks.js';
import { TONE, colour } from '../theme.js';

export function StatusLine() {
  const status = useWizard((s) => s.status);
  if (!status) return <Text> </Text>;
  return (
    <Text wrap="truncate-end" color={colour(TONE[status.tone])}>
      {status.text}
    </Text>
  );
}
