// Targets: the extra label selector (validated as typed, with the live count
// of matching VMIs), exclusions by component (chaos-migration always
// excluded), and what the controller would then pick from, with reasons.
import { Box, Text } from 'ink';
import { VM_NAME } from '../../cloudinit/names.js';
import { fleetEligibility } from '../../state/eligibility.js';
import { windowStart } from '../components/vmi-table.js';
import { useCluster, useWizard } from '../hooks.js';
import { MARK, colour } from '../theme.js';

export function TargetsScreen({ height, width }: { height: number; width: number }) {
  const w = useWizard((s) => ({
    selector: s.selector,
    selectorError: s.selectorError,
    exclusions: s.exclusions,
    focus: s.targetsFocus,
    cursor: s.exclusionCursor,
    components: s.components,
    trigger: s.schedule.trigger,
  }));
  const fleet = useCluster((s) => s.fleet);
  const rows = w.selectorError
    ? []
    : fleetEligibility(fleet, { excludeComponents: w.exclusions, targetSelector: w.selector, selfName: VM_NAME, trigger: w.trigger, selectedOnly: true });
  const eligible = rows.filter((r) => r.eligible).length;
  // Title, selector, count and the exclusions' heading take four lines; the
  // components get what they need but leave the target list a few, scrolling
  // with the cursor when there are more than fit.
  const compRows = Math.max(1, Math.min(w.components.length, height - 4 - Math.min(3, Math.max(0, height - 8))));
  const compStart = windowStart(w.cursor, w.components.length, compRows);
  const listRows = Math.max(0, height - 5 - compRows);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold>Targets</Text>
      <Text wrap="truncate-end">
        <Text inverse={w.focus === 'selector'}>{'extra label selector '}</Text>{' '}
        {w.selector}
        {w.focus === 'selector' ? <Text color={colour('gray')}>▏</Text> : null}
        <Text color={colour('gray')}> (app.kubernetes.io/managed-by=virtwork is always part of it)</Text>
      </Text>
      {w.selectorError ? (
        <Text color={colour('red')} wrap="truncate-end">
          {w.selectorError}
        </Text>
      ) : (
        <Text color={colour('gray')}>
          {rows.length} VMIs match, {eligible} eligible now
        </Text>
      )}
      <Text bold={w.focus === 'exclusions'} wrap="truncate-end">
        Exclude components (space toggles){compRows < w.components.length ? ` ${compStart + 1}-${compStart + compRows} of ${w.components.length}, ↑↓ scroll` : ''}:
      </Text>
      {w.components.slice(compStart, compStart + compRows).map((c, j) => {
        const i = compStart + j;
        const always = c === 'chaos-migration';
        const on = always || w.exclusions.includes(c);
        const here = w.focus === 'exclusions' && i === w.cursor;
        return (
          <Text key={c} inverse={here} wrap="truncate-end">
            {`  [${on ? 'x' : ' '}] ${c}`}
            {always ? <Text color={colour('gray')}> (always excluded: the controller itself)</Text> : null}
          </Text>
        );
      })}
      {rows.slice(0, listRows).map((r) => (
        <Text key={r.name} wrap="truncate-end">
          <Text color={colour(r.eligible ? 'green' : 'gray')}>{r.eligible ? MARK.ok : MARK.pending}</Text> {r.name.padEnd(32)} <Text color={colour('gray')}>{r.eligible ? `on ${r.node ?? '?'}` : r.reason}</Text>
        </Text>
      ))}
      {rows.length > listRows ? <Text color={colour('gray')}>… and {rows.length - listRows} more</Text> : null}
    </Box>
  );
}
