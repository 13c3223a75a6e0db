// Success rate, durations, rate per hour and traffic per node, in one or two lines.
import { Text } from 'ink';
import type { MigrationStats } from '../../state/stats.js';
import { formatDuration } from '../../state/time.js';
import { colour } from '../theme.js';

const secs = (v: number | undefined) => (v === undefined ? '–' : formatDuration(Math.round(v)));

export function StatsLine({ stats, wide }: { stats: MigrationStats; wide: boolean }) {
  const rate = stats.successRate === undefined ? '–' : `${Math.round(stats.successRate * 100)}%`;
  const perNode = stats.perNode.map((n) => `${n.node} ↑${n.outbound}↓${n.inbound}`).join('  ');
  return (
    <>
      <Text wrap="truncate-end">
        <Text bold>migrations </Text>
        {stats.total} <Text color={colour('green')}>✓{stats.succeeded}</Text> <Text color={colour('red')}>✗{stats.failed + stats.timeouts}</Text>
        {stats.aborted ? <Text color={colour('yellow')}> aborted {stats.aborted}</Text> : null}
        {stats.inFlight ? <Text color={colour('cyan')}> in flight {stats.inFlight}</Text> : null}
        {' · '}success {rate} · p50 {secs(stats.durations.p50)} p95 {secs(stats.durations.p95)}
        {stats.perHour !== undefined ? ` · ${stats.perHour.toFixed(1)}/h` : ''}
      </Text>
      {wide && perNode ? (
        <Text wrap="truncate-end" color={colour('gray')}>
          per node (out/in): {perNode}
        </Text>
      ) : null}
    </>
  );
}
