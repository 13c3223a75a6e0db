// Connect and preflight: each check with a spinner, then ok, warning or
// blocking with the reason and its fix; what was found; a running controller.
// Lines are budgeted: when the checks do not all fit, the problems come first
// and the rest are summed up in one line (Ink would otherwise squash them).
import { Box, Text } from 'ink';
import { SpinnerLine } from '../components/spinner-line.js';
import type { CheckView } from '../../state/wizard.js';
import { useWizard } from '../hooks.js';
import { MARK, colour } from '../theme.js';

const RANK: Record<CheckView['status'], number> = { block: 0, warn: 1, pending: 2, ok: 3 };

/** The checks to show (with or without their fix line) in `budget` lines, and how many are left out. */
export function fitChecks(checks: CheckView[], budget: number): { shown: { c: CheckView; fix: boolean }[]; hidden: CheckView[] } {
  const lines = (c: CheckView) => (c.status !== 'ok' && c.fix ? 2 : 1);
  if (checks.reduce((n, c) => n + lines(c), 0) <= budget) return { shown: checks.map((c) => ({ c, fix: lines(c) === 2 })), hidden: [] };
  // One line goes to the summary of what is left out.
  let room = budget - 1;
  const picked = new Map<CheckView, boolean>();
  for (const c of [...checks].sort((a, b) => RANK[a.status] - RANK[b.status])) {
    if (room <= 0) break;
    const fix = lines(c) === 2 && room >= 2;
    picked.set(c, fix);
    room -= fix ? 2 : 1;
  }
  return { shown: checks.filter((c) => picked.has(c)).map((c) => ({ c, fix: picked.get(c)! })), hidden: checks.filter((c) => !picked.has(c)) };
}

function CheckLine({ c, fix }: { c: CheckView; fix: boolean }) {
  if (c.status === 'pending') return <SpinnerLine label={c.title} />;
  const tone = c.status === 'ok' ? 'green' : c.status === 'warn' ? 'yellow' : 'red';
  return (
    <>
      <Text wrap="truncate-end">
        <Text color={colour(tone)} bold>
          {MARK[c.status]}
        </Text>{' '}
        {c.title}
        <Text color={colour('gray')}> {c.detail}</Text>
      </Text>
      {fix ? (
        <Text wrap="truncate-end" color={colour('gray')}>
          {'  '}fix: {c.fix}
        </Text>
      ) : null}
    </>
  );
}

export function ConnectScreen({ height, width }: { height: number; width: number }) {
  const p = useWizard((s) => s.preflight);
  const facts = p.facts ?? [];
  const connecting = p.phase === 'idle' || (p.phase === 'running' && p.checks.length === 0);
  const errorLines = p.phase === 'error' ? Math.min(3, Math.max(1, Math.ceil((p.error ?? '').length / Math.max(1, width - 8)))) : 0;
  const tail = errorLines + (p.existingController ? 1 : 0) + (p.phase === 'done' && !p.blocked ? 1 : 0);
  const { shown, hidden } = fitChecks(p.checks, height - 1 - (connecting ? 1 : 0) - tail);
  const used = 1 + (connecting ? 1 : 0) + shown.reduce((n, s) => n + (s.fix ? 2 : 1), 0) + (hidden.length ? 1 : 0) + tail;
  const factRows = Math.max(0, Math.min(facts.length, height - used - 1));
  const blockedHidden = hidden.filter((c) => c.status !== 'ok').length;
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold>Preflight</Text>
      {connecting ? <SpinnerLine label="connecting to the cluster" /> : null}
      {shown.map(({ c, fix }) => (
        <CheckLine key={c.id} c={c} fix={fix} />
      ))}
      {hidden.length ? (
        <Text color={colour('gray')} wrap="truncate-end">
          … and {hidden.length} more check{hidden.length === 1 ? '' : 's'}
          {blockedHidden ? ` (${blockedHidden} with a problem: a taller terminal shows them)` : ', all ok'}
        </Text>
      ) : null}
      {p.phase === 'error' ? (
        // Up to three lines of the reason, cut rather than pushing the footer away.
        <Box height={errorLines} overflow="hidden" flexShrink={0}>
          <Text color={colour('red')}>{p.error}</Text>
        </Box>
      ) : null}
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
