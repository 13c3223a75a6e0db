// The dry-run preview: what would happen, before anything is written: the
// objects (Role rules in full, the token as a placeholder), the controller
// script, and a sample of the next migrations the schedule would produce.
import { Box, Text } from 'ink';
import { PREVIEW_TABS, type PreviewTab } from '../../state/wizard.js';
import { useApp } from '../context.js';
import { useWizard } from '../hooks.js';
import { colour } from '../theme.js';

const TAB_NAMES: Record<PreviewTab, string> = { objects: 'objects', script: 'controller script', sample: 'sample schedule' };

export function previewLines(preview: { objects: string; script: string; sample: string }, tab: PreviewTab): string[] {
  return preview[tab].split('\n');
}

export function PreviewScreen({ height, width }: { height: number; width: number }) {
  const { preview } = useApp();
  const p = useWizard((s) => s.preview);
  const lines = previewLines(preview(), p.tab);
  const body = Math.max(1, height - 3);
  const shown = lines.slice(p.scroll, p.scroll + body);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text wrap="truncate-end">
        <Text bold>Dry-run preview </Text>
        {PREVIEW_TABS.map((t) => (
          <Text key={t} inverse={t === p.tab}>{` ${TAB_NAMES[t]} `}</Text>
        ))}
        <Text color={colour('gray')}>{`  lines ${p.scroll + 1}-${Math.min(lines.length, p.scroll + body)} of ${lines.length}`}</Text>
      </Text>
      <Text color={colour('gray')} wrap="truncate-end">
        Nothing has been written yet. enter deploys, D deploys in migration dry-run, w saves the manifests.
      </Text>
      {shown.map((l, i) => (
        <Text key={`${p.scroll + i}`} wrap="truncate-end">
          {l.length > 0 ? l : ' '}
        </Text>
      ))}
    </Box>
  );
}
