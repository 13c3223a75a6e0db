// Generates src/sim/api/validation/generated/kubevirt-schemas.json: the field
// names and types of every KubeVirt and CDI model reachable from the kinds the
// simulated API server serves, read from the TypeScript declarations of
// @kubevirt-ui-ext/kubevirt-api with the TypeScript compiler API. The runtime
// loads the JSON, so it never needs typescript.
//
// Encoding of a field type (kept terse because the file is committed):
//   s string, i integer, n number, b boolean, a anything, d RFC 3339 date-time,
//   q resource.Quantity (integer or string matching the quantity pattern),
//   x int-or-string, m the kind's own metav1.ObjectMeta, o object without
//   fields (an empty Go struct), p an object whose content is preserved
//   unchecked (x-kubernetes-preserve-unknown-fields), [T array of T, {T map
//   of T, #N the model at index N of `names`.
// A model is [fields, required?]: fields maps each JSON name to its type.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(root, 'node_modules/@kubevirt-ui-ext/kubevirt-api/dist');
const out = join(root, 'src/sim/api/validation/generated/kubevirt-schemas.json');

type Pkg = 'kubevirt' | 'containerized-data-importer';
const ROOTS: Record<Pkg, string[]> = {
  kubevirt: ['V1VirtualMachine', 'V1VirtualMachineInstance', 'V1VirtualMachineInstanceMigration', 'V1KubeVirt'],
  'containerized-data-importer': ['V1beta1DataVolume'],
};

/**
 * Where the real CRDs say x-kubernetes-preserve-unknown-fields: the embedded
 * ObjectMeta of VM templates and DataVolume templates (KubeVirt marks them
 * +kubebuilder:pruning:PreserveUnknownFields, +nullable), and managedFields'
 * free-form fieldsV1.
 */
const PRESERVE = new Set([
  'V1VirtualMachineInstanceTemplateSpec.metadata',
  'V1DataVolumeTemplateSpec.metadata',
  'K8sIoApimachineryPkgApisMetaV1ManagedFieldsEntry.fieldsV1',
  'V1ManagedFieldsEntry.fieldsV1',
]);

/** Map fields whose values are resource.Quantity (k8s ResourceList): the declarations flatten them to string. */
const QUANTITY_MAP = /\.(limits|requests|capacity|allocatable|allocatedResources|hard|used|overhead)$/;

/**
 * Fields the real CRDs have that the declarations lost: their generator
 * dropped non-pointer `+nullable` metav1.Time fields, which every KubeVirt
 * condition type carries (lastProbeTime, lastTransitionTime).
 */
const CONDITION_TIMES = { lastProbeTime: 'd', lastTransitionTime: 'd' };
const ADDITIONS: Record<string, Record<string, string>> = {
  V1VirtualMachineCondition: CONDITION_TIMES,
  V1VirtualMachineInstanceCondition: CONDITION_TIMES,
  V1VirtualMachineInstanceMigrationCondition: CONDITION_TIMES,
  V1KubeVirtCondition: CONDITION_TIMES,
};

interface Prop {
  name: string;
  optional: boolean;
  type: ts.TypeNode;
  doc: string;
}

function parse(pkg: Pkg): Map<string, Prop[]> {
  const file = join(dist, pkg, 'index.d.ts');
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const ifaces = new Map<string, Prop[]>();
  for (const st of sf.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue;
    const props: Prop[] = [];
    for (const m of st.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const raw = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(sf);
      // The generator prefixes names that clash with its own identifiers
      // (`_configuration`, `_default`); Kubernetes JSON names never start with `_`.
      const name = raw.startsWith('_') ? raw.slice(1) : raw;
      const doc = (ts.getLeadingCommentRanges(text, m.pos) ?? []).map((r) => text.slice(r.pos, r.end)).join('\n');
      props.push({ name, optional: !!m.questionToken, type: m.type, doc });
    }
    ifaces.set(st.name.text, props);
  }
  return ifaces;
}

class Encoder {
  readonly models = new Map<string, [Record<string, string>, string[]?]>();
  private readonly pending: string[] = [];
  constructor(
    private readonly ifaces: Map<string, Prop[]>,
    private readonly prefix: string,
    private readonly roots: string[],
  ) {}

  /** Name under which a model of this package is stored (CDI clashes get a prefix). */
  key(name: string): string {
    return this.prefix + name;
  }

  visit(name: string): void {
    this.pending.push(name);
    while (this.pending.length) {
      const n = this.pending.pop()!;
      if (this.models.has(this.key(n))) continue;
      const props = this.ifaces.get(n);
      if (!props) throw new Error(`model ${n} not declared`);
      const fields: Record<string, string> = {};
      const required: string[] = [];
      this.models.set(this.key(n), [fields]);
      const isRoot = this.roots.includes(n);
      for (const p of props) {
        // A kind's own metadata is decoded as a metav1.ObjectMeta by the server,
        // whatever the CRD says; the runtime supplies that model.
        fields[p.name] = isRoot && p.name === 'metadata' ? 'm' : this.fieldType(n, p);
        if (!p.optional) required.push(p.name);
      }
      Object.assign(fields, ADDITIONS[n]);
      if (required.length) this.models.set(this.key(n), [fields, required]);
    }
  }

  private fieldType(owner: string, p: Prop): string {
    const where = `${owner}.${p.name}`;
    if (PRESERVE.has(where)) return 'p';
    const t = this.encode(p.type, where);
    if (t === 's' && /Quantity is a fixed-point representation/.test(p.doc)) return 'q';
    if (t === 's' && /IntOrString is a type that can hold an int32 or a string/.test(p.doc)) return 'x';
    if (t === 's' && /(Micro)?Time is a wrapper around time\.Time/.test(p.doc)) return 'd';
    if (t === '{s' && QUANTITY_MAP.test(where)) return '{q';
    return t;
  }

  private encode(t: ts.TypeNode, where: string): string {
    switch (t.kind) {
      case ts.SyntaxKind.StringKeyword:
      case ts.SyntaxKind.LiteralType:
        return 's';
      case ts.SyntaxKind.NumberKeyword:
        // KubeVirt and CDI declare no floating point fields (API conventions
        // forbid them); their CRDs say `type: integer`.
        return 'i';
      case ts.SyntaxKind.BooleanKeyword:
        return 'b';
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
        return 'a';
      case ts.SyntaxKind.ObjectKeyword:
        // openapi `type: object` without properties: an empty Go struct such as
        // InterfaceMasquerade. The CRD prunes (so strict mode rejects) any key in it.
        return 'o';
    }
    if (ts.isArrayTypeNode(t)) return `[${this.encode(t.elementType, where)}`;
    if (ts.isUnionTypeNode(t)) {
      const real = t.types.filter((u) => !(ts.isLiteralTypeNode(u) && u.literal.kind === ts.SyntaxKind.NullKeyword));
      if (real.length === 1) return this.encode(real[0]!, where);
      throw new Error(`${where}: unsupported union ${t.getText()}`);
    }
    if (ts.isTypeLiteralNode(t)) {
      const idx = t.members.find(ts.isIndexSignatureDeclaration);
      if (idx && t.members.length === 1) return `{${this.encode(idx.type, where)}`;
      throw new Error(`${where}: unsupported type literal`);
    }
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) {
      const name = t.typeName.text;
      const args = t.typeArguments ?? [];
      if (name === 'Array' && args.length === 1) return `[${this.encode(args[0]!, where)}`;
      if (name === 'Date') return 'd';
      if (name.endsWith('Enum')) return 's';
      if (this.ifaces.has(name)) {
        this.pending.push(name);
        return `@${this.key(name)}`;
      }
    }
    throw new Error(`${where}: unsupported type ${ts.SyntaxKind[t.kind]}`);
  }
}

function main(): void {
  const kv = new Encoder(parse('kubevirt'), '', ROOTS.kubevirt);
  for (const r of ROOTS.kubevirt) kv.visit(r);
  const cdi = new Encoder(parse('containerized-data-importer'), 'cdi:', ROOTS['containerized-data-importer']);
  for (const r of ROOTS['containerized-data-importer']) cdi.visit(r);

  // Share the CDI models that are identical to KubeVirt's copy of them.
  const merged = new Map(kv.models);
  const alias = new Map<string, string>();
  for (const [k, v] of cdi.models) {
    const plain = k.slice('cdi:'.length);
    const same = merged.get(plain);
    if (same && JSON.stringify(same) === JSON.stringify(v).replaceAll('@cdi:', '@')) alias.set(k, plain);
  }
  for (const [k, v] of cdi.models) if (!alias.has(k)) merged.set(k, v);

  // Refs become indexes into `names`, which keeps the file small.
  const names = [...merged.keys()].filter((k) => !alias.has(k)).sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const ref = (t: string): string =>
    t.replace(/@([\w:]+)/, (_m, n: string) => `#${index.get(alias.get(n) ?? n) ?? fail(n)}`);
  const models = names.map((n) => {
    const [fields, required] = merged.get(n)!;
    const f: Record<string, string> = {};
    for (const [k, t] of Object.entries(fields)) f[k] = ref(t);
    return required ? [f, required] : [f];
  });
  const roots: Record<string, Record<string, number>> = {};
  for (const [pkg, list] of Object.entries(ROOTS)) {
    const prefix = pkg === 'kubevirt' ? '' : 'cdi:';
    roots[pkg] = Object.fromEntries(list.map((r) => [r, index.get(alias.get(prefix + r) ?? prefix + r) ?? fail(r)]));
  }
  // CDI models that differ from KubeVirt's copy keep a `cdi:` prefix in `names`.
  const doc = { names, roots, models };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc)}\n`);
  console.log(`${names.length} models, ${Buffer.byteLength(JSON.stringify(doc))} bytes -> ${out}`);
}

function fail(n: string): never {
  throw new Error(`unresolved model ${n}`);
}

main();
