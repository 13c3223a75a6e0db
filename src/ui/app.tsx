// The TUI's frame: header, the current screen (or an overlay on it), the
// status line and the footer, never taller than the terminal.
import { Box } from 'ink';
import type { Step } from '../state/wizard.js';
import { ConfirmOverlay } from './components/confirm-overlay.js';
import { Footer } from './components/footer.js';
import { Header, headerRows } from './components/header.js';
import { HelpOverlay } from './components/help-overlay.js';
import { StatusLine } from './components/status-line.js';
import { FilterBar } from './components/filter-bar.js';
import { useApp } from './context.js';
import { useTerminalSize, useWizard } from './hooks.js';
import { KeyboardInput } from './input.js';
import { ConnectScreen } from './screens/connect.js';
import { DashboardScreen } from './screens/dashboard.js';
import { DeployScreen } from './screens/deploy.js';
import { PreviewScreen } from './screens/preview.js';
import { ScheduleScreen } from './screens/schedule.js';
import { TargetsScreen } from './screens/targets.js';

const SCREENS: Record<Step, (p: { height: number; width: number }) => React.ReactNode> = {
  connect: ConnectScreen,
  targets: TargetsScreen,
  schedule: ScheduleScreen,
  preview: PreviewScreen,
  deploy: DeployScreen,
  dashboard: DashboardScreen,
};

/** Rows the status line and footer take, plus one spare so the frame never reaches the last line. */
const CHROME_ROWS = 1 + 1 + 1;

export function App() {
  const { columns, rows } = useTerminalSize();
  const { info } = useApp();
  const { step, overlay } = useWizard((s) => ({ step: s.step, overlay: s.overlay.kind }));
  const width = Math.max(20, columns);
  const filterRows = overlay === 'filter' ? 1 : 0;
  const body = Math.max(3, rows - headerRows(info.demo) - CHROME_ROWS - filterRows);
  const Screen = SCREENS[step];
  return (
    <Box flexDirection="column" width={width} height={rows - 1}>
      <Header width={width} />
      {overlay === 'help' ? <HelpOverlay height={body} width={width} /> : overlay === 'confirm' ? <ConfirmOverlay width={width} /> : <Screen height={body} width={width} />}
      {overlay === 'filter' ? <FilterBar width={width} /> : null}
      <StatusLine />
      <Footer width={width} />
      <KeyboardInput pageSize={Math.max(1, body - 6)} />
    </Box>
  );
}
