// The schedule: interval min and max, timeout, trigger, dry-run, validated as
// typed, with the expected migrations per hour.
import { Box, Text } from 'ink';
import { expectedPerHour } from '../../state/schedule-preview.js';
import type { ScheduleField } from '../../state/wizard.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

const LABELS: Record<ScheduleField, string> = { min: 'interval min (s)', max: 'interval max (s)', timeout: 'timeout (s)', trigger: 'trigger', dryRun: 'migration dry-run' };

export function ScheduleScreen({ height, width }: { height: number; width: number }) {
  const { schedule, focus, errors } = useWizard((s) => ({ schedule: s.schedule, focus: s.scheduleFocus, errors: s.scheduleErrors }));
  const value: Record<ScheduleField, string> = {
    min: schedule.min,
    max: schedule.max,
    timeout: schedule.timeout,
    trigger: schedule.trigger === 'virtctl' ? 'virtctl migrate (migrate subresource)' : 'VirtualMachineInstanceMigration (create directly)',
    dryRun: schedule.dryRun ? 'on: log what would migrate, migrate nothing' : 'off',
  };
  const min = Number(schedule.min);
  const max = Number(schedule.max);
  const rate = Number.isFinite(min) && Number.isFinite(max) && min > 0 && max >= min ? expectedPerHour(min, max) : undefined;
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold>Schedule</Text>
      {(Object.keys(LABELS) as ScheduleField[]).map((f) => (
        <Box key={f} flexDirection="column">
          <Text wrap="truncate-end">
            <Text inverse={focus === f}>{`${focus === f ? '›' : ' '} ${LABELS[f].padEnd(18)}`}</Text> {value[f]}
            {focus === f && ['min', 'max', 'timeout'].includes(f) ? <Text color={colour('gray')}>▏</Text> : null}
          </Text>
          {errors[f] ? <Text color={colour('red')}>{`    ${errors[f]}`}</Text> : null}
        </Box>
      ))}
      <Box marginTop={1}>
        <Text color={colour('gray')} wrap="truncate-end">
          {rate ? `about ${rate.perHour.toFixed(1)} migrations per hour (${rate.minPerHour.toFixed(1)} to ${rate.maxPerHour.toFixed(1)}), each followed for up to ${schedule.timeout}s` : 'fix the intervals to see the expected rate'}
        </Text>
      </Box>
    </Box>
  );
}
