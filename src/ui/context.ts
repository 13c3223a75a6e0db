// What every component reaches through React context: the stores it renders
// and the one door to side effects (the session carries them out).
import { createContext, useContext } from 'react';
import type { ClusterStore } from '../state/cluster-store.js';
import type { Effect } from '../state/wizard-reducer.js';
import type { WizardStore } from '../state/wizard.js';

/** Facts fixed at start-up (what changes lives in the stores). */
export interface AppInfo {
  demo: boolean;
  version: string;
}

export interface AppContextValue {
  wizard: WizardStore;
  cluster: ClusterStore;
  dispatch: (effect: Effect) => void;
  info: AppInfo;
  /** Text of the preview (objects, script) rendered by the session; pure data. */
  preview: () => { objects: string; script: string; sample: string };
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('AppContext missing');
  return v;
}
