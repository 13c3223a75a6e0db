// OpenAPI 3.0 component schemas for the models the validator uses, so that
// what kubectl reads from /openapi/v3 (`explain`, and the strategic merge
// patch metadata of client-side apply) agrees with what the server enforces.
import type { ResourceType } from '../resource-type.js';
import { goTypeName } from './client-node.js';
import { PATCH_META } from './patch-meta.js';
import { modelSchema, rootSchema, type ModelSchema, type TypeSpec } from './schema.js';

export type OpenApiSchema = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
/** client-node models that live in apimachinery's meta/v1 package. */
const META_MODELS = new Set(['V1ObjectMeta', 'V1ManagedFieldsEntry', 'V1OwnerReference', 'V1LabelSelector', 'V1LabelSelectorRequirement', 'V1Condition', 'V1ListMeta', 'V1Status', 'V1StatusDetails', 'V1StatusCause']);

/** Schemas every document can reference. */
const SHARED: Record<string, OpenApiSchema> = {
  [`${META}.Time`]: { type: 'string', format: 'date-time', description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.' },
  [`${META}.MicroTime`]: { type: 'string', format: 'date-time', description: 'MicroTime is version of Time with microsecond level precision.' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'Quantity is a fixed-point representation of a number.',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    format: 'int-or-string',
    description: 'IntOrString is a type that can hold an int32 or a string.',
  },
  [`${META}.Patch`]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
};

function apiPackage(group: string): string {
  if (group === '') return 'core';
  if (group === 'kubevirt.io') return 'kubevirt';
  return group.replace(/\.k8s\.io$/, '').split('.')[0] ?? group;
}

/** The component name of a kind's schema, in the style of a real server. */
export function kindSchemaName(rt: ResourceType): string {
  if (rt.model?.pkg === 'kubevirt') return `io.kubevirt.${rt.version}.${rt.kind}`;
  if (rt.model?.pkg === 'containerized-data-importer') return `io.kubevirt.cdi.${rt.version}.${rt.kind}`;
  return `io.k8s.api.${apiPackage(rt.group)}.${rt.version}.${rt.kind}`;
}

/** Collects the components of one group-version document. */
export class ComponentBuilder {
  readonly schemas: Record<string, OpenApiSchema> = {};
  private readonly named = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** `group` is the document's API group: nested built-in models default to its package. */
  constructor(private readonly group: string) {
    Object.assign(this.schemas, SHARED);
  }

  /** Adds a kind's schema (and everything it references); returns its component name. */
  addKind(rt: ResourceType): string | undefined {
    const model = rt.model && rootSchema(rt.model);
    if (!model) return undefined;
    const name = kindSchemaName(rt);
    this.named.set(this.id(model), name);
    this.taken.add(name);
    this.addModel(model, name);
    const schema = this.schemas[name]!;
    schema['x-kubernetes-group-version-kind'] = [{ group: rt.group, kind: rt.kind, version: rt.version }];
    return name;
  }

  private id(m: ModelSchema): string {
    return `${m.pkg}/${m.key}`;
  }

  private componentName(m: ModelSchema): string {
    const known = this.named.get(this.id(m));
    if (known) return known;
    let name: string;
    if (m.pkg === 'client-node') {
      const g = goTypeName(m.name);
      // Class names carry the API package when two packages share a type name (RbacV1Subject).
      const prefix = /^([A-Z][a-z]+)V\d/.exec(m.name)?.[1]?.toLowerCase() ?? apiPackage(this.group);
      name = META_MODELS.has(m.name) ? `${META}.${g.name}` : `io.k8s.api.${prefix}.${g.pkg}.${g.name}`;
    } else {
      const g = goTypeName(m.name);
      name = `io.kubevirt.${m.pkg === 'kubevirt' ? '' : 'cdi.'}${g.pkg}.${g.name}`;
    }
    if (this.taken.has(name)) name = `${name}.${m.name}`;
    this.taken.add(name);
    this.named.set(this.id(m), name);
    return name;
  }

  private addModel(m: ModelSchema, name: string): void {
    if (this.schemas[name]) return;
    const properties: Record<string, OpenApiSchema> = {};
    const schema: OpenApiSchema = { type: 'object', properties };
    this.schemas[name] = schema;
    for (const [field, t] of m.fields) {
      const prop = this.typeSchema(m, t);
      const meta = m.pkg === 'client-node' ? PATCH_META[`${m.name}.${field}`] : undefined;
      if (meta) {
        prop['x-kubernetes-patch-strategy'] = meta.strategy;
        if (meta.key) prop['x-kubernetes-patch-merge-key'] = meta.key;
      }
      properties[field] = prop;
    }
    if (m.required.length) schema.required = [...m.required];
  }

  private ref(m: ModelSchema): OpenApiSchema {
    const name = this.componentName(m);
    this.addModel(m, name);
    return { allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} };
  }

  private typeSchema(owner: ModelSchema, t: TypeSpec): OpenApiSchema {
    switch (t.k) {
      case 'string':
        return { type: 'string' };
      case 'bool':
        return { type: 'boolean' };
      case 'int':
        return t.go ? { type: 'integer', format: t.go } : { type: 'integer' };
      case 'float':
        return { type: 'number', format: 'double' };
      case 'bytes':
        return { type: 'string', format: 'byte' };
      case 'date':
        return { $ref: `#/components/schemas/${META}.${t.micro ? 'MicroTime' : 'Time'}` };
      case 'quantity':
        return { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' };
      case 'intstr':
        return { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' };
      case 'any':
        return { 'x-kubernetes-preserve-unknown-fields': true };
      case 'empty':
        return { type: 'object' };
      case 'preserve':
        return { type: 'object', nullable: true, 'x-kubernetes-preserve-unknown-fields': true };
      case 'meta': {
        const meta = modelSchema('client-node', 'V1ObjectMeta');
        return meta ? this.ref(meta) : { type: 'object' };
      }
      case 'array':
        return { type: 'array', items: this.typeSchema(owner, t.of) };
      case 'map':
        return { type: 'object', additionalProperties: this.typeSchema(owner, t.of) };
      case 'ref': {
        const target = modelSchema(owner.pkg, t.key);
        return target ? this.ref(target) : { type: 'object' };
      }
    }
  }
}
