// What the server knows about one kind of resource: the facts discovery
// publishes, plus the per-kind semantics of the generic registry.
import type { KubeObject } from './types.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** Reads the cell from the object; returns undefined for an empty cell. */
  value: (o: KubeObject) => unknown;
  priority?: number;
  description?: string;
  format?: string;
}

export interface ModelRef {
  pkg: 'client-node' | 'kubevirt' | 'containerized-data-importer' | 'console';
  name: string;
}

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served generically: `status`. Others are served by extension handlers. */
  subresources: string[];
  /** Custom resources (CRD semantics): no strategic merge patch, updates need a resourceVersion, generation tracked. */
  custom: boolean;
  /** Field selector fields beyond metadata.name/metadata.namespace, with how to read them. */
  selectableFields?: Record<string, (o: KubeObject) => string>;
  /**
   * The typed model that describes this kind, for strict validation, OpenAPI
   * and strategic merge patch: a @kubernetes/client-node model (`V1ConfigMap`)
   * or a model of @kubevirt-ui-ext/kubevirt-api (`V1VirtualMachine` in its
   * `kubevirt` entry point, `V1beta1DataVolume` in `containerized-data-importer`).
   */
  model?: ModelRef;
  /** Table columns after NAME (AGE is added where the real server adds it). */
  printerColumns?: PrinterColumn[];
  /** True when metadata.generation is maintained (CRDs and some built-ins). */
  tracksGeneration?: boolean;
  /** Built-ins whose update may omit resourceVersion (AllowUnconditionalUpdate). */
  allowUnconditionalUpdate?: boolean;
  /** Names must be DNS-1123 labels (namespaces, services) rather than subdomains. */
  nameIsLabel?: boolean;
  /** RBAC kinds: names are path segments, not DNS names. */
  nameIsPathSegment?: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersion(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export function resourceKey(rt: Pick<ResourceType, 'group' | 'resource'>): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

/** The set of resource types the server serves, grouped for discovery. */
export class ResourceRegistry {
  private readonly byKey = new Map<string, ResourceType>();
  private readonly byGV = new Map<string, ResourceType[]>();
  /** Groups in registration order, each with its versions (preferred first). */
  private readonly groupOrder: string[] = [];
  /** Groups that exist but are hidden from discovery (e.g. a cluster without KubeVirt). */
  private readonly hidden = new Set<string>();

  add(rt: ResourceType): ResourceType {
    const key = `${groupVersion(rt)}/${rt.resource}`;
    if (this.byKey.has(key)) throw new Error(`resource ${key} registered twice`);
    this.byKey.set(key, rt);
    const gv = groupVersion(rt);
    const list = this.byGV.get(gv) ?? [];
    list.push(rt);
    this.byGV.set(gv, list);
    if (!this.groupOrder.includes(rt.group)) this.groupOrder.push(rt.group);
    return rt;
  }

  /** Declares a group-version with no resources of its own (served only by extension handlers). */
  addGroupVersion(group: string, version: string): void {
    const gv = group ? `${group}/${version}` : version;
    if (!this.byGV.has(gv)) this.byGV.set(gv, []);
    if (!this.groupOrder.includes(group)) this.groupOrder.push(group);
  }

  hideGroup(group: string): void {
    this.hidden.add(group);
  }

  isServed(group: string): boolean {
    return this.groupOrder.includes(group) && !this.hidden.has(group);
  }

  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    if (this.hidden.has(group)) return undefined;
    return this.byKey.get(`${group ? `${group}/` : ''}${version}/${resource}`);
  }

  /** Finds a served type by group and kind (version-agnostic). */
  byKind(group: string, kind: string): ResourceType | undefined {
    for (const rt of this.byKey.values()) if (rt.group === group && rt.kind === kind && !this.hidden.has(group)) return rt;
    return undefined;
  }

  /** Finds a type by group and plural (version-agnostic), hidden or not: for RBAC checks. */
  byResource(group: string, resource: string): ResourceType | undefined {
    for (const rt of this.byKey.values()) if (rt.group === group && rt.resource === resource) return rt;
    return undefined;
  }

  resourcesOf(group: string, version: string): ResourceType[] | undefined {
    if (this.hidden.has(group)) return undefined;
    return this.byGV.get(group ? `${group}/${version}` : version);
  }

  /** Non-core groups served, each with its versions. */
  groups(): { name: string; versions: string[] }[] {
    const out: { name: string; versions: string[] }[] = [];
    for (const g of this.groupOrder) {
      if (g === '' || this.hidden.has(g)) continue;
      const versions = [...this.byGV.keys()].filter((gv) => gv.startsWith(`${g}/`)).map((gv) => gv.slice(g.length + 1));
      out.push({ name: g, versions });
    }
    return out;
  }

  all(): ResourceType[] {
    return [...this.byKey.values()].filter((rt) => !this.hidden.has(rt.group));
  }
}
