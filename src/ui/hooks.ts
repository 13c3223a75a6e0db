// Subscriptions with the discipline Ink needs: select narrowly, compare
// shallowly, re-render only when what is shown changes.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ClusterStoreState } from '../state/cluster-store.js';
import type { WizardState } from '../state/wizard.js';
import { useApp } from './context.js';

export function useWizard<T>(select: (s: WizardState) => T): T {
  return useStore(useApp().wizard, useShallow(select));
}

export function useCluster<T>(select: (s: ClusterStoreState) => T): T {
  return useStore(useApp().cluster, useShallow(select));
}

/**
 * For selectors that memoise (the same object back while nothing changed):
 * compared by identity. useShallow would compare a 5,000-row array entry by
 * entry on every watch batch.
 */
export function useClusterMemo<T>(select: (s: ClusterStoreState) => T): T {
  return useStore(useApp().cluster, select);
}

/** The terminal's size, following resizes. */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}

/** The current time, ticking every `ms` (for ages and countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
