// Where the operator is: product, context, namespace, server, and the steps.
import { Box, Text } from 'ink';
import { STEPS, type Step } from '../../state/wizard.js';
import { useApp } from '../context.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

const STEP_NAMES: Record<Step, string> = { connect: 'Connect', targets: 'Targets', schedule: 'Schedule', preview: 'Preview', deploy: 'Deploy', dashboard: 'Dashboard' };

export function Header({ width }: { width: number }) {
  const { info } = useApp();
  const { step, connection, demo } = useWizard((s) => ({ step: s.step, connection: s.connection, demo: s.demo }));
  const where = connection ? `${connection.context} · ns ${connection.namespace} · ${connection.server}` : 'connecting…';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold color={colour('cyan')}>
          virtwork-chaos-tui
        </Text>
        {info.demo ? <Text color={colour('magenta')}> [demo]</Text> : null}
        <Text color={colour('gray')}> {where}</Text>
      </Text>
      <Text wrap="truncate-end">
        {STEPS.map((s, i) => (
          <Text key={s}>
            {i > 0 ? <Text color={colour('gray')}> › </Text> : null}
            <Text bold={s === step} inverse={s === step}>
              {STEP_NAMES[s]}
            </Text>
          </Text>
        ))}
      </Text>
      {info.demo ? (
        <Text wrap="truncate-end" color={colour('gray')}>
          {demo ? demoLine(demo) : 'starting the simulated cluster…'}
        </Text>
      ) : null}
    </Box>
  );
}

/** Where the demo's files are: the kubeconfig first (kubectl beside the TUI needs it), then the logs, on one line. */
export function demoLine(demo: { logPath: string; kubeconfigOut?: string; note?: string }): string {
  return [demo.kubeconfigOut ? `kubeconfig: ${demo.kubeconfigOut}` : undefined, `demo logs: ${demo.logPath}`, demo.note].filter(Boolean).join(' · ');
}

/** Rows the header takes. */
export function headerRows(demo: boolean): number {
  return demo ? 3 : 2;
}
