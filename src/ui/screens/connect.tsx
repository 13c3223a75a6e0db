// Connect and preflight: each check with a spinner, then ok, warning or
// blocking with the reason and its fix; what was found; a running controller.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import type { CheckView } from '../../state/wizard.js';
import { useWizard } from '../hooks.js';
import { MARK, colour } from '../theme.js';

function CheckLine({ c, width }: { c: CheckView; width: number }) {
  if (c.status === 'pending') return <Spinner label={c.title} />;
  const tone = c.status === 'ok' ? 'green' : c.status === 'warn' ? 'yellow' : 'red';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text color={colour(tone)} bold>
          {MARK[c.status]}
        </Text>{' '}
        {c.title}
        <Text color={colour('gray')}> {c.detail}</Text>
      </Text>
      {c.status !== 'ok' && c.fix ? (
        <Text wrap="truncate-end" color={colour('gray')}>
          {'  '}fix: {c.fix}
        </Text>
      ) : null}
    </Box>
  );
}

export function ConnectScreen({ height, width }: { height: number; width: number }) {
  const p = useWizard((s) => s.preflight);
  const facts = p.facts ?? [];
  const checkRows = p.checks.reduce((n, c) => n + (c.status !== 'ok' && c.fix ? 2 : 1), 0);
  const factRows = Math.max(0, Math.min(facts.length, height - checkRows - 3));
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold>Preflight</Text>
      {p.phase === 'idle' || (p.phase === 'running' && p.checks.length === 0) ? <Spinner label="connecting to the cluster" /> : null}
      {p.checks.map((c) => (
        <CheckLine key={c.id} c={c} width={width} />
      ))}
      {p.phase === 'error' ? <Text color={colour('red')}>{p.error}</Text> : null}
      {factRows > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          {facts.slice(0, factRows).map((f) => (
            <Text key={f.label} wrap="truncate-end">
              <Text bold>{f.label.padEnd(16)}</Text>
              {f.value}
            </Text>
          ))}
        </Box>
      ) : null}
      {p.existingController ? (
        <Text color={colour('cyan')} wrap="truncate-end">
          A chaos-migration controller already runs here (run {p.existingController.runId ?? '?'}, {p.existingController.state ?? 'state unknown'}): d opens its dashboard.
        </Text>
      ) : null}
      {p.phase === 'done' && !p.blocked ? <Text color={colour('green')}>Ready: enter to choose targets.</Text> : null}
    </Box>
  );
}
