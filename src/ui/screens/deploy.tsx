// Deploy: each step with progress and result; a failure with its reason and
// what to do (retry or go back).
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { useWizard } from '../hooks.js';
import { MARK, colour } from '../theme.js';

export function DeployScreen({ height, width }: { height: number; width: number }) {
  const d = useWizard((s) => s.deploy);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold>Deploy{d.dryRun ? ' (migration dry-run: nothing will be migrated)' : ''}</Text>
      {d.steps.length === 0 && d.phase === 'running' ? <Spinner label="starting" /> : null}
      {d.steps.slice(-Math.max(1, height - 4)).map((st) =>
        st.status === 'running' ? (
          <Spinner key={st.id} label={`${st.title}${st.detail ? ` — ${st.detail}` : ''}`} />
        ) : (
          <Text key={st.id} wrap="truncate-end">
            <Text color={colour(st.status === 'done' ? 'green' : st.status === 'failed' ? 'red' : 'gray')} bold>
              {st.status === 'done' ? MARK.ok : st.status === 'failed' ? MARK.block : MARK.pending}
            </Text>{' '}
            {st.title}
            {st.detail ? <Text color={colour('gray')}> {st.detail}</Text> : null}
          </Text>
        ),
      )}
      {d.phase === 'failed' ? (
        <Text color={colour('red')} wrap="wrap">
          {d.error ?? 'the deploy failed'} — r retries (what was done is reused), esc goes back.
        </Text>
      ) : null}
      {d.phase === 'done' ? <Text color={colour('green')}>Deployed; opening the dashboard…</Text> : null}
    </Box>
  );
}
