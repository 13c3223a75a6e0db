// How Go prints and parses JSON values, so that error messages and the
// last-applied annotation come out byte for byte as a kube-apiserver writes
// them: encoding/json's syntax errors, fmt's %v of decoded maps, and
// json.Marshal's sorted, HTML-escaped output.
import { badRequest } from '../errors.js';

/** Go's quoteChar: the offending character as encoding/json names it. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

/**
 * Validates JSON text with encoding/json's scanner messages (JSON.parse's
 * wording differs); returns undefined when the text is valid.
 */
export function goJsonSyntaxError(text: string): string | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const fail = (context: string): string => (i >= text.length ? 'unexpected end of JSON input' : `invalid character ${quoteChar(text[i] as string)} ${context}`);
  const value = (): string | undefined => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') return fail('looking for beginning of object key string');
        const e = str();
        if (e) return e;
        ws();
        if (text[i] !== ':') return fail('after object key');
        i++;
        const v = value();
        if (v) return v;
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') return void i++;
        return fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        const v = value();
        if (v) return v;
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') return void i++;
        return fail('after array element');
      }
    }
    if (c === '"') return str();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    for (const lit of ['true', 'false', 'null']) {
      if (c === lit[0]) {
        for (let k = 1; k < lit.length; k++) {
          i++;
          if (text[i] !== lit[k]) return fail(`in literal ${lit} (expecting ${quoteChar(lit[k] as string)})`);
        }
        return void i++;
      }
    }
    return fail('looking for beginning of value');
  };
  const str = (): string | undefined => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail('');
      if (c === '"') return void i++;
      if (c < ' ') return fail('in string literal');
      if (c === '\\') {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) return fail('in \\u hexadecimal character escape');
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) return fail('in string escape code');
      }
      i++;
    }
  };
  const digits = () => {
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const num = (): string | undefined => {
    if (text[i] === '-') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) return fail('in numeric literal');
    }
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) return fail('after decimal point in numeric literal');
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) return fail('in exponent of numeric literal');
      digits();
    }
    return undefined;
  };
  const err = value();
  if (err) return err;
  ws();
  return i < text.length ? fail('after top-level value') : undefined;
}

/** Parses a request body that may still be raw text; malformed JSON is a 400 with Go's wording. */
export function parseBody(body: unknown, prefix = ''): unknown {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
  if (text === undefined) return body;
  const err = goJsonSyntaxError(text);
  if (err) throw badRequest(prefix + err);
  return JSON.parse(text) as unknown;
}

/** The Go type a decoded JSON value has, as reflect prints it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** What encoding/json calls a value it could not decode into a Go type. */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
}

// Integers decode as int64 and print plainly; other numbers are float64, which
// %v prints in exponent form from 1e+06 up and below 1e-04.
function goFloat(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) {
    const [m, e = '0'] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${m}e${sign}${digits.padStart(2, '0')}`;
  }
  return String(n);
}

/** fmt's %v of a value decoded from JSON: map[a:1 b:[x y]], <nil>, ... */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goFormat(o[k])}`)
      .join(' ')}]`;
  }
  if (typeof v === 'number') return goFloat(v);
  return String(v);
}

/** json.Marshal: keys sorted, <, > and & escaped as encoding/json does. */
export function goJsonMarshal(v: unknown): string {
  const esc = (s: string) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const enc = (x: unknown): string => {
    if (x === null || x === undefined) return 'null';
    if (Array.isArray(x)) return `[${x.map(enc).join(',')}]`;
    if (typeof x === 'object') {
      const o = x as Record<string, unknown>;
      return `{${Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${esc(k)}:${enc(o[k])}`)
        .join(',')}}`;
    }
    if (typeof x === 'string') return esc(x);
    return JSON.stringify(x);
  };
  return enc(v);
}
