// The errors a command ends with, and the exit code each means. The CLI entry
// is the single owner of process exit; commands throw these.

/** Bad input: a flag, a value, a file. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The command could not do its job (blocked by the cluster, a failed check, a failed run). Exit 1. */
export class FailureError extends Error {
  readonly exitCode = 1;
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof FailureError) return e.exitCode;
  return 1;
}
