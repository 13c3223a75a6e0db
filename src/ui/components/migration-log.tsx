// The newest migrations: time, VMI, cause, source -> target, duration, result.
import { Box, Text } from 'ink';
import type { MigrationLogRow } from '../../state/selectors/migration-log.js';
import { cell } from '../columns.js';
import { colour } from '../theme.js';

const OUTCOME_TONE = { succeeded: 'green', failed: 'red', timeout: 'red', aborted: 'yellow', 'in-flight': 'cyan' } as const;

export function MigrationLog({ rows, height, width }: { rows: MigrationLogRow[]; height: number; width: number }) {
  const vmiW = Math.min(28, Math.max(8, ...rows.map((r) => r.vmi.length)));
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold wrap="truncate-end">
        migrations (newest first)
      </Text>
      {rows.length === 0 ? <Text color={colour('gray')}>none yet</Text> : null}
      {rows.slice(0, Math.max(0, height - 1)).map((r) => (
        <Text key={r.key} wrap="truncate-end">
          {r.time.padEnd(9)}
          {cell(r.vmi, vmiW)} {cell(r.cause, 10)} {r.duration.padStart(5)} <Text color={colour(OUTCOME_TONE[r.outcome])}>{cell(r.result, 9)}</Text> {r.route}
          {r.reason ? <Text color={colour('gray')}> {r.reason}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
