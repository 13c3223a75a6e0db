// meta.k8s.io/v1 Table output, which `kubectl get` asks for: the server, not
// kubectl, decides the columns and formats ages, as a real apiserver does.
import type { PrinterColumn, ResourceType } from './resource-type.js';
import type { KubeObject } from './types.js';

export type IncludeObject = 'None' | 'Object' | 'Metadata';

/** Kubernetes' HumanDuration: `45s`, `3m20s`, `5h`, `12d`, `2y30d`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

export const nameColumn: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  value: (o) => o.metadata.name,
};

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  value: (o) => age(o.metadata.creationTimestamp),
};

/** The columns of a kind: its own list when it names them all, else NAME, its columns, AGE. */
export function columnsOf(rt: ResourceType): PrinterColumn[] {
  const own = rt.printerColumns ?? [];
  if (own.some((c) => c.format === 'name')) return own;
  return rt.custom && own.length > 0 ? [nameColumn, ...own] : [nameColumn, ...own, ageColumn];
}

function partialMetadata(o: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

function cell(c: PrinterColumn, o: KubeObject): unknown {
  const v = c.value(o);
  if (v === undefined || v === null) return c.type === 'string' || c.type === 'date' ? '' : null;
  if (c.type === 'date' && typeof v === 'string') return age(v);
  return v;
}

export function toTable(
  rt: ResourceType,
  objects: KubeObject[],
  opts: { includeObject: IncludeObject; resourceVersion?: string; continue?: string; remainingItemCount?: number; noHeaders?: boolean },
): Record<string, unknown> {
  const cols = columnsOf(rt);
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const table: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders
      ? null
      : cols.map((c) => ({
          name: c.name,
          type: c.type === 'date' ? 'date' : c.type,
          format: c.format ?? '',
          description: c.description ?? '',
          priority: c.priority ?? 0,
        })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: cols.map((c) => cell(c, o)) };
      if (opts.includeObject === 'Object') row.object = o;
      else if (opts.includeObject === 'Metadata') row.object = partialMetadata(o);
      return row;
    }),
  };
  return table;
}

/** Parses `application/json;as=Table;v=v1;g=meta.k8s.io` out of an Accept header. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

export function includeObjectParam(v: string | null): IncludeObject {
  if (v === 'Object') return 'Object';
  if (v === 'None') return 'None';
  return 'Metadata';
}
