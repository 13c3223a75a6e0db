// The progress of a multi-step cluster operation (deploy, teardown), as the
// CLI prints it and the TUI shows it: each step is reported when it starts
// and again when it ends, with one sentence of detail.

export type StepStatus = 'running' | 'done' | 'failed' | 'skipped';

export interface DeployStep {
  /** Stable id, e.g. `role`, `vmi-running` (see the deploy and teardown step lists). */
  id: string;
  title: string;
  status: StepStatus;
  detail?: string;
}

/** What a step's body returns: the detail to show, or a skip with its reason. */
export type StepOutcome = string | undefined | { skipped: string };

/** Runs steps in order, reporting each to `onStep` and keeping the last state of every step. */
export class StepTracker {
  readonly steps: DeployStep[] = [];

  constructor(private readonly onStep?: (s: DeployStep) => void) {}

  private emit(step: DeployStep): void {
    const i = this.steps.findIndex((s) => s.id === step.id);
    if (i >= 0) this.steps[i] = step;
    else this.steps.push(step);
    this.onStep?.({ ...step });
  }

  /**
   * Reports `id` running, runs `body`, then reports it done (or skipped) with
   * the detail it returned; on an error reports it failed with the error's
   * message and rethrows.
   */
  async run<T extends StepOutcome>(id: string, title: string, body: () => Promise<T>): Promise<T> {
    this.emit({ id, title, status: 'running' });
    try {
      const out = await body();
      if (out !== undefined && typeof out === 'object') this.emit({ id, title, status: 'skipped', detail: out.skipped });
      else this.emit({ id, title, status: 'done', ...(out ? { detail: out } : {}) });
      return out;
    } catch (e) {
      this.emit({ id, title, status: 'failed', detail: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** Reports a step that needs no work (already the case). */
  skip(id: string, title: string, detail: string): void {
    this.emit({ id, title, status: 'skipped', detail });
  }

  /** Reports a finished step directly (for steps whose work happened elsewhere). */
  record(step: DeployStep): void {
    this.emit(step);
  }
}
