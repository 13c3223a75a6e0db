// Static fixtures captured from the simulated KubeVirt v1.7 cluster
// (`kubectl get -o json` of a run of the real controller script, a drain and
// an abort); each call returns a fresh deep copy that a test may change.
import { readFileSync } from 'node:fs';
import type { ObjectEvent } from '../../../src/state/types.js';

// Fixtures are free-form JSON that tests reshape; `any` keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

const cache = new Map<string, string>();

export function fixture(name: string): Any {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../../fixtures/state/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return JSON.parse(text);
}

/** The items of a List fixture. */
export function items(name: string): Any[] {
  return fixture(name).items as Any[];
}

export function item(name: string, objectName: string): Any {
  const found = items(name).find((o) => o.metadata.name === objectName);
  if (!found) throw new Error(`${objectName} not in ${name}`);
  return found;
}

export const added = (object: Any): ObjectEvent => ({ type: 'ADDED', object });
export const modified = (object: Any): ObjectEvent => ({ type: 'MODIFIED', object });
export const deleted = (object: Any): ObjectEvent => ({ type: 'DELETED', object });

export const NS = 'virtwork';
/** The run id in vmim-list.json, status-configmap.json and vmim-memory-succeeded.json. */
export const RUN_ID = '05061890-0e9c-45aa-a94b-2ff64b87c04e';
export const ms = (iso: string) => Date.parse(iso);
