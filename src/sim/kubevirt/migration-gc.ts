// KubeVirt keeps only the five most recent finished migrations of each VMI
// (hard-coded, kubevirt PR #7144); older ones are deleted. History beyond that
// must live in the tool.
import { MIGRATION_SELECTOR_LABEL, isFinalMigration } from './admission.js';
import { type KubeVirtContext, VMIM_KEY } from './context.js';

export const FINISHED_MIGRATIONS_KEPT = 5;

export function collectFinishedMigrations(ctx: KubeVirtContext, namespace: string, vmiName: string | undefined): void {
  if (!vmiName) return;
  const finished = ctx.client
    .list(VMIM_KEY, namespace)
    .filter((m) => m.metadata.labels?.[MIGRATION_SELECTOR_LABEL] === vmiName && isFinalMigration(m) && !m.metadata.deletionTimestamp)
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion));
  for (const old of finished.slice(FINISHED_MIGRATIONS_KEPT)) ctx.client.delete(VMIM_KEY, namespace, old.metadata.name!);
}
