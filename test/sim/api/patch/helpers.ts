// Shared test helpers: fixtures captured from the real kubectl, and a way to
// look at the StatusError a call throws.
import { readFileSync } from 'node:fs';
import { StatusError } from '../../../../src/sim/api/errors.js';
import type { JsonObject, KubeObject, ManagedFieldsEntry } from '../../../../src/sim/api/types.js';

interface Captured<B> {
  method: string;
  url: string;
  contentType: string;
  body: B;
}

/** A request captured from the real kubectl (see each fixture's `commands`). */
export interface KubectlFixture {
  create: Captured<KubeObject>;
  patch: Captured<JsonObject>;
  apply: Captured<KubeObject>;
  upgrade: Captured<{ op: string; path: string; value: unknown }[]>;
  reapply: Captured<KubeObject>;
  echoedManagedFields: ManagedFieldsEntry[];
}

export function fixture(name: string): KubectlFixture {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/patch/${name}`, import.meta.url), 'utf8')) as KubectlFixture;
}

/** Reads a nested member of a decoded object. */
export function at(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const k of path) cur = cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string | number, unknown>)[k];
  return cur;
}

export function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

/** Deep-freezes a value so that any mutation by the code under test throws. */
export function frozen<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) frozen(x);
    Object.freeze(v);
  }
  return v;
}
