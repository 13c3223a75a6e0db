// The dashboard: the controller line, statistics, the live VMI table whose
// node placement changes as migrations run, and the migration log. Sized so
// the whole frame stays shorter than the terminal.
import { Box } from 'ink';
import { selectControllerLine } from '../../state/selectors/controller-line.js';
import { selectMigrationLog } from '../../state/selectors/migration-log.js';
import { selectStats } from '../../state/stats.js';
import { ControllerStatusLine } from '../components/controller-line.js';
import { MigrationLog } from '../components/migration-log.js';
import { StatsLine } from '../components/stats-line.js';
import { VmiTable } from '../components/vmi-table.js';
import { fleetRowsAt } from '../fleet-rows.js';
import { useCluster, useClusterMemo, useNow, useWizard } from '../hooks.js';

/** How the body's rows are shared: the table gets what the log and lines leave. */
export function dashboardLayout(height: number, width: number): { table: number; log: number; statsLines: number } {
  const statsLines = width >= 120 && height >= 30 ? 2 : 1;
  const log = height >= 30 ? 7 : height >= 18 ? 4 : 2;
  return { table: Math.max(3, height - 1 - statsLines - log), log, statsLines };
}

export function DashboardScreen({ height, width }: { height: number; width: number }) {
  const now = useNow(1000);
  const d = useWizard((s) => s.dashboard);
  const layout = dashboardLayout(height, width);
  const rows = useClusterMemo((s) => fleetRowsAt(s.fleet, { filter: d.filter, sort: d.sort, sortDesc: d.sortDesc }, now));
  const log = useCluster((s) => selectMigrationLog(s, layout.log));
  const controller = useCluster((s) => selectControllerLine(s, now));
  const stats = useCluster((s) => selectStats(s.migrations, now));
  return (
    <Box flexDirection="column" height={height} width={width}>
      <ControllerStatusLine line={controller} busy={d.busy} />
      <StatsLine stats={stats} wide={layout.statsLines > 1} />
      <VmiTable rows={rows} cursor={Math.min(d.cursor, Math.max(0, rows.length - 1))} height={layout.table} width={width} />
      <MigrationLog rows={log} height={layout.log} width={width} />
    </Box>
  );
}
