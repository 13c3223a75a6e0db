// The controller at a glance: state, heartbeat age, next migration, paused or
// dry-run, and a pending pause/resume until the controller confirms it.
import { Text } from 'ink';
import type { ControllerLine } from '../../state/selectors/controller-line.js';
import { colour } from '../theme.js';

export function ControllerStatusLine({ line, busy }: { line: ControllerLine; busy?: string }) {
  const tone = !line.present ? 'gray' : line.stale ? 'red' : line.paused ? 'yellow' : 'green';
  return (
    <Text wrap="truncate-end">
      <Text bold>controller </Text>
      <Text color={colour(tone)} bold>
        {line.state.toUpperCase()}
      </Text>
      {line.dryRun ? <Text color={colour('magenta')} bold> DRY-RUN</Text> : null}
      <Text> {line.text.replace(/^\S+( · )?/, '· ')}</Text>
      {line.stale && line.present ? <Text color={colour('red')}> (no recent heartbeat)</Text> : null}
      {busy ? <Text color={colour('cyan')}> · {busy}…</Text> : null}
    </Text>
  );
}
