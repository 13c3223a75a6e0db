// Per-kind behaviour plugged into the generic registry, in the two places a
// real apiserver has it: a kind's REST strategy (defaulting, status handling,
// validation) and admission (mutating, then validating; built-in plugins and
// webhooks alike).
import type { StatusCause } from './errors.js';
import type { ResourceType } from './resource-type.js';
import type { KubeObject, UserInfo } from './types.js';

export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  /** The field manager recorded in managedFields. */
  fieldManager: string;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  /** Collected warnings, sent back as `Warning: 299 - "..."` headers. */
  warnings: string[];
  /** Keys the raw request body repeated (lost once parsed), for strict validation. */
  duplicateFields?: string[];
  /**
   * False for the simulator's own controllers: their writes leave managedFields
   * as they were (computing field sets dominates bulk seeding; no client of
   * this product reads controllers' ownership entries).
   */
  trackManagedFields?: boolean;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface KindStrategy {
  /** Defaulting and server-owned fields on create, after status has been reset. */
  prepareForCreate?(obj: KubeObject, ctx: WriteContext): void;
  /** Carries server-owned fields over from the old object on update. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: WriteContext, subresource?: string): void;
  /** Kind-specific validation; causes become a 422 Invalid. */
  validate?(obj: KubeObject, old: KubeObject | undefined, ctx: WriteContext): StatusCause[];
}

export interface AdmissionRequest {
  operation: Operation;
  rt: ResourceType;
  subresource?: string;
  namespace?: string;
  name: string;
  /** The new object (CREATE, UPDATE); mutable in mutate(). */
  object?: KubeObject;
  oldObject?: KubeObject;
  ctx: WriteContext;
}

export interface AdmissionPlugin {
  name: string;
  /** Resource keys (`virtualmachineinstancemigrations.kubevirt.io`) this plugin sees; '*' for all. */
  resources: string[];
  operations: Operation[];
  /** May change req.object; throws a StatusError to deny. */
  mutate?(req: AdmissionRequest): void;
  /** Throws a StatusError to deny. */
  validate?(req: AdmissionRequest): void;
}

/** Strategies and admission plugins by resource key. */
export class KindBehaviour {
  private readonly strategies = new Map<string, KindStrategy[]>();
  private readonly plugins: AdmissionPlugin[] = [];

  addStrategy(key: string, s: KindStrategy): void {
    const list = this.strategies.get(key) ?? [];
    list.push(s);
    this.strategies.set(key, list);
  }

  strategiesFor(key: string): KindStrategy[] {
    return this.strategies.get(key) ?? [];
  }

  addAdmission(p: AdmissionPlugin): void {
    this.plugins.push(p);
  }

  admissionFor(key: string, op: Operation): AdmissionPlugin[] {
    return this.plugins.filter((p) => p.operations.includes(op) && (p.resources.includes('*') || p.resources.includes(key)));
  }
}
