// KubeVirt keeps only the five most recent finished migrations of each VMI
// (hard-coded, kubevirt PR #7144); older ones are deleted. History beyond that
// must live in the tool.
import { type KubeVirtContext, VMIM_KEY } from './context.js';
import { isFinalPhase, migrationIndex } from './migration-index.js';

export const FINISHED_MIGRATIONS_KEPT = 5;

export function collectFinishedMigrations(ctx: KubeVirtContext, namespace: string, vmiName: string | undefined): void {
  if (!vmiName) return;
  const finished = migrationIndex(ctx)
    .ofVmi(namespace, vmiName)
    .filter((m) => isFinalPhase(m.phase) && !m.deleting)
    .sort((a, b) => b.creationTimestamp.localeCompare(a.creationTimestamp) || b.resourceVersion - a.resourceVersion);
  for (const old of finished.slice(FINISHED_MIGRATIONS_KEPT)) ctx.client.delete(VMIM_KEY, namespace, old.name);
}
