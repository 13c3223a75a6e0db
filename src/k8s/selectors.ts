// Label and field selectors with the syntax and the error texts of a real API
// server; shared by the simulated cluster and the product (which validates
// user-typed selectors with it before anything reaches a cluster).

/** A selector that does not parse; the message is the API server's. */
export class SelectorError extends Error {}

export type LabelRequirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelSelector = LabelRequirement[];

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function validLabelKey(key: string): boolean {
  if (!QUALIFIED_NAME.test(key)) return false;
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  return name.length <= 63 && prefix.length <= 253;
}

export function validLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** Tokenises a label selector the way apimachinery's lexer does. */
function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === ',' || c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else if (c === '!' && input[i + 1] === '=') {
      tokens.push('!=');
      i += 2;
    } else if (c === '!') {
      tokens.push('!');
      i++;
    } else if (c === '=' && input[i + 1] === '=') {
      tokens.push('==');
      i += 2;
    } else if (c === '=') {
      tokens.push('=');
      i++;
    } else {
      let j = i;
      while (j < input.length && !' \t,()!='.includes(input[j]!)) j++;
      tokens.push(input.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function selectorError(why: string): never {
  throw new SelectorError(`unable to parse requirement: ${why}`);
}

function checkKey(key: string | undefined): string {
  if (key === undefined || key === '' || [',', '(', ')', '=', '==', '!=', '!'].includes(key)) {
    selectorError(`found '${key ?? ''}', expected: identifier`);
  }
  if (!validLabelKey(key)) {
    selectorError(`<nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
  return key;
}

function checkValue(value: string): string {
  if (!validLabelValue(value)) {
    selectorError(`values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
  return value;
}

/** Parses `a=b,c!=d,e in (f,g),!h,i` into requirements; throws SelectorError on bad syntax. */
export function parseLabelSelector(selector: string | undefined | null): LabelSelector {
  if (!selector || selector.trim() === '') return [];
  const t = tokenize(selector);
  const reqs: LabelSelector = [];
  let i = 0;
  const peek = () => t[i];
  const next = () => t[i++];
  while (i < t.length) {
    if (peek() === '!') {
      next();
      reqs.push({ op: 'notexists', key: checkKey(next()) });
    } else {
      const key = checkKey(next());
      const op = peek();
      if (op === undefined || op === ',') {
        reqs.push({ op: 'exists', key });
      } else if (op === '=' || op === '==' || op === '!=') {
        next();
        let value = peek();
        if (value === undefined || value === ',') value = '';
        else if (['(', ')', '=', '==', '!=', '!'].includes(value)) selectorError(`found '${value}', expected: identifier`);
        else next();
        reqs.push({ op: op === '!=' ? 'neq' : 'eq', key, value: checkValue(value) });
      } else if (op === 'in' || op === 'notin') {
        next();
        if (next() !== '(') selectorError(`found '${t[i - 1] ?? ''}', expected: '('`);
        const values: string[] = [];
        while (peek() !== ')') {
          const v = next();
          if (v === undefined) selectorError(`found '', expected: ')'`);
          if (v === ',') {
            continue;
          }
          if (['(', '=', '==', '!=', '!'].includes(v)) selectorError(`found '${v}', expected: ',', ')' or identifier`);
          values.push(checkValue(v));
        }
        next();
        if (op === 'in' && values.length === 0) selectorError(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ op, key, values });
      } else {
        selectorError(`found '${op}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    if (i < t.length) {
      if (peek() !== ',') selectorError(`found '${peek()}', expected: ','`);
      next();
      if (i >= t.length) selectorError(`found '', expected: identifier after ','`);
    }
  }
  return reqs;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        if (!has || v !== r.value) return false;
        break;
      case 'neq':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A metav1.LabelSelector object (matchLabels, matchExpressions) as requirements. */
export function fromLabelSelectorObject(sel: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelSelector {
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) out.push({ op: 'eq', key, value });
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') out.push({ op: 'in', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'NotIn') out.push({ op: 'notin', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'Exists') out.push({ op: 'exists', key: e.key });
    else if (e.operator === 'DoesNotExist') out.push({ op: 'notexists', key: e.key });
  }
  return out;
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Parses a field selector: only `=`, `==`, `!=` joined by commas, with `\` escapes. */
export function parseFieldSelector(selector: string | undefined | null): FieldRequirement[] {
  if (!selector || selector.trim() === '') return [];
  const out: FieldRequirement[] = [];
  for (const part of splitUnescaped(selector, ',')) {
    const m = /^([^=!]+)(==|!=|=)(.*)$/.exec(part.trim());
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = m[3]!.replace(/\\(.)/g, '$1');
    out.push({ field: m[1]!.trim(), op: m[2] === '!=' ? 'neq' : 'eq', value });
  }
  return out;
}

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

export function matchesFields(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  for (const r of reqs) {
    const v = fields[r.field] ?? '';
    if (r.op === 'eq' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
