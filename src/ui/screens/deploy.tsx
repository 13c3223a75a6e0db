// Deploy: each step with progress and result; a failure with its reason and
// what to do (retry or go back). The newest steps are shown when they do not
// all fit, and the reason is cut to a few lines rather than pushing the
// footer off the screen.
import { Box, Text } from 'ink';
import { SpinnerLine } from '../components/spinner-line.js';
import { useWizard } from '../hooks.js';
import { MARK, colour } from '../theme.js';


export function DeployScreen({ height, width }: { height: number; width: number }) {
  const d = useWizard((s) => s.deploy);
  const failure = d.phase === 'failed' ? (d.error ?? 'the deploy failed') : '';
  // Word wrapping takes a little more than length / width; what does not fit is cut.
  const failureLines = failure ? Math.min(3, Math.max(1, Math.ceil(failure.length / Math.max(1, width - 8)))) : 0;
  const tail = (failure ? failureLines + 1 : 0) + (d.phase === 'done' ? 1 : 0);
  const room = Math.max(1, height - 1 - tail);
  const starting = d.steps.length === 0 && d.phase === 'running';
  const hidden = Math.max(0, d.steps.length - room);
  const steps = d.steps.slice(hidden ? hidden + 1 : 0);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold wrap="truncate-end">
        Deploy{d.dryRun ? ' (migration dry-run: nothing will be migrated)' : ''}
      </Text>
      {starting ? <SpinnerLine label="starting" /> : null}
      {hidden ? <Text color={colour('gray')}>… {hidden + 1} earlier steps</Text> : null}
      {steps.map((st) =>
        st.status === 'running' ? (
          <SpinnerLine key={st.id} label={`${st.title}${st.detail ? ` — ${st.detail}` : ''}`} />
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
      {failure ? (
        <Box height={failureLines} overflow="hidden" flexShrink={0}>
          <Text color={colour('red')} wrap="wrap">
            {failure}
          </Text>
        </Box>
      ) : null}
      {failure ? <Text wrap="truncate-end">r retries (what was done is reused), esc goes back.</Text> : null}
      {d.phase === 'done' ? <Text color={colour('green')}>Deployed; opening the dashboard…</Text> : null}
    </Box>
  );
}
