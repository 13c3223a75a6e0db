// A yes/no question that holds the keyboard until answered.
import { Box, Text } from 'ink';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

export function ConfirmOverlay({ width }: { width: number }) {
  const message = useWizard((s) => (s.overlay.kind === 'confirm' ? s.overlay.message : ''));
  return (
    <Box borderStyle="round" borderColor={colour('yellow')} width={width} flexDirection="column">
      <Text wrap="wrap">{message}</Text>
      <Text bold>y yes · n no</Text>
    </Box>
  );
}
