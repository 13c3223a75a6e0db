// The two value operations of server-side apply: merging an applied
// configuration into the live object, and pruning what an applier stopped
// setting. Keyed lists merge item by item and keep the configuration's order
// for the items it names, interleaving the others where they were; atomic
// values are replaced by the configuration's.
import type { Json, JsonObject } from '../types.js';
import { isObject } from './json-value.js';
import { FieldSet } from './fieldpath.js';
import { fieldType, type TypeNode } from './schema.js';
import { indexItems, isGranularList, itemPE, TypedError } from './typed-walk.js';

function mergeLists(l: Json[], r: Json[], t: TypeNode): Json[] {
  let li: Map<string, Json>;
  let ri: Map<string, Json>;
  try {
    li = indexItems(l, t, true);
    ri = indexItems(r, t, false);
  } catch (e) {
    if (e instanceof TypedError) return r;
    throw e;
  }
  const elem = t.elem ?? t;
  const lOrder = [...li.keys()];
  const rOrder = [...ri.keys()];
  const shared = rOrder.filter((pe) => li.has(pe));
  let next = shared.shift();
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < lOrder.length || j < rOrder.length) {
    const lpe = lOrder[i];
    const rpe = rOrder[j];
    if (lpe !== undefined && rpe !== undefined) {
      if (lpe === rpe) {
        out.push(mergeValues(li.get(lpe), ri.get(rpe), elem) as Json);
        i++;
        j++;
        next = shared.shift();
        continue;
      }
      // A shared item whose turn has not come: it is taken when the configuration reaches it.
      if (ri.has(lpe) && next !== undefined && next !== lpe) {
        i++;
        continue;
      }
    }
    if (lpe !== undefined && !ri.has(lpe)) {
      out.push(li.get(lpe) as Json);
      i++;
      continue;
    }
    if (rpe !== undefined) {
      out.push(mergeValues(li.get(rpe), ri.get(rpe), elem) as Json);
      j++;
      if (next === rpe) next = shared.shift();
      continue;
    }
    i++; // a live item the configuration already placed
  }
  return out;
}

/** live ∪ config, the configuration winning on every leaf it sets. */
export function mergeValues(l: Json | undefined, r: Json | undefined, t: TypeNode): Json | undefined {
  if (r === undefined) return l;
  if (l === undefined || l === null || r === null) return r;
  if (Array.isArray(l) && Array.isArray(r)) {
    if (!isGranularList(t) || (l.length === 0 && r.length === 0)) return r;
    return mergeLists(l, r, t);
  }
  if (isObject(l) && isObject(r)) {
    if (t.atomic || t.kind === 'scalar' || t.kind === 'list') return r;
    const out: JsonObject = {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const v = mergeValues(l[k], r[k], fieldType(t, k));
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return r;
}

/**
 * Removes from `value` what the applier owned last time (`last`) and nobody
 * owns now (`owned`, every manager's set including the applier's new one). A
 * named field whose subtree the applier owned counts as owned itself, so a
 * struct or map nobody owns anything under any more goes as a whole.
 */
export function prune(value: Json, last: FieldSet, owned: FieldSet | undefined, t: TypeNode): Json {
  const pes = new Set([...last.members, ...last.children.keys()]);
  const ownsUnder = (pe: string) => !!owned && (owned.members.has(pe) || (owned.children.get(pe)?.empty() === false));
  const decide = (pe: string, named: boolean): 'remove' | 'descend' | 'keep' => {
    const sub = last.children.get(pe);
    const member = last.members.has(pe) || (named && !!sub && !sub.empty());
    if (member && !ownsUnder(pe)) return 'remove';
    return sub ? 'descend' : 'keep';
  };
  if (isObject(value)) {
    const named = t.kind === 'struct' || t.kind === 'any';
    const out: JsonObject = { ...value };
    for (const pe of pes) {
      if (!pe.startsWith('f:')) continue;
      const k = pe.slice(2);
      const v = out[k];
      if (v === undefined) continue;
      const d = decide(pe, named);
      if (d === 'remove') delete out[k];
      else if (d === 'descend') out[k] = prune(v, last.children.get(pe) as FieldSet, owned?.children.get(pe), fieldType(t, k));
    }
    return out;
  }
  if (Array.isArray(value) && isGranularList(t)) {
    const out: Json[] = [];
    value.forEach((item, i) => {
      let pe: string;
      try {
        pe = itemPE(item, t, i);
      } catch {
        out.push(item);
        return;
      }
      const d = pes.has(pe) ? decide(pe, false) : 'keep';
      if (d === 'remove') return;
      out.push(d === 'descend' ? prune(item, last.children.get(pe) as FieldSet, owned?.children.get(pe), t.elem ?? t) : item);
    });
    return out;
  }
  return value;
}
