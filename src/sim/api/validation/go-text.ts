// Message texts of the Go libraries behind a real kube-apiserver's decoding,
// reproduced from their documented behaviour: encoding/json type errors,
// time.Parse errors for RFC 3339, base64 (StdEncoding) corruption offsets and
// resource.Quantity parse errors. Clients print these verbatim.

/** How Go's encoding/json names a JSON value in an UnmarshalTypeError. */
export function goValueKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** How a CRD schema validator (kube-openapi) names a JSON value's type. */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The quantity grammar, as the CRD schemas of KubeVirt and CDI spell it; the
 * Go parser accepts the same set of strings.
 */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

export function isQuantity(s: string): boolean {
  return QUANTITY_RE.test(s);
}

/** resource.ErrFormatWrong: what a malformed quantity fails decoding with. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/**
 * Parses like Go's time.Parse with the RFC 3339 layout (or metav1.MicroTime's)
 * and returns the error text a failure produces, or undefined when it parses.
 */
export function goTimeParseError(value: string, micro = false): string | undefined {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  const q = JSON.stringify;
  const cannot = (rest: string, elem: string) => `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(rest)} as ${q(elem)}`;
  const range = (what: string) => `parsing time ${q(value)}: ${what} out of range`;
  let rest = value;
  const num = (elem: string, min: number, max: number, exact: number | [number, number]): number | string => {
    const [lo, hi] = Array.isArray(exact) ? exact : [exact, exact];
    let n = 0;
    while (n < hi && n < rest.length && /[0-9]/.test(rest[n]!)) n++;
    if (n < lo) return cannot(rest, elem);
    const v = Number(rest.slice(0, n));
    rest = rest.slice(n);
    if (v < min || v > max) return range(elem === '2006' ? 'year' : RANGE_NAMES[elem] ?? elem);
    return v;
  };
  const lit = (s: string): string | undefined => {
    if (!rest.startsWith(s)) return cannot(rest, s);
    rest = rest.slice(s.length);
    return undefined;
  };
  const steps: (() => number | string | undefined)[] = [
    () => num('2006', 0, 9999, 4),
    () => lit('-'),
    () => num('01', 1, 12, 2),
    () => lit('-'),
    () => num('02', 1, 31, 2),
    () => lit('T'),
    () => num('15', 0, 23, [1, 2]),
    () => lit(':'),
    () => num('04', 0, 59, 2),
    () => lit(':'),
    () => num('05', 0, 59, 2),
  ];
  const parts: number[] = [];
  for (const step of steps) {
    const r = step();
    if (typeof r === 'string') return r;
    if (typeof r === 'number') parts.push(r);
  }
  if (micro) {
    if (!/^\.[0-9]{6}/.test(rest)) return cannot(rest, '.000000');
    rest = rest.slice(7);
  } else if (/^[.,][0-9]/.test(rest)) {
    // A fraction the layout does not name is still accepted.
    rest = rest.replace(/^[.,][0-9]+/, '');
  }
  if (rest.startsWith('Z')) rest = rest.slice(1);
  else {
    const tz = /^([+-])([0-9]{2}):([0-9]{2})/.exec(rest);
    if (!tz) return cannot(rest, 'Z07:00');
    if (Number(tz[2]) > 24) return range('time zone offset hour');
    if (Number(tz[3]) > 60) return range('time zone offset minute');
    rest = rest.slice(6);
  }
  if (rest.length) return `parsing time ${q(value)}: extra text: ${q(rest)}`;
  const [year, month, day] = parts as [number, number, number];
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return range('day');
  return undefined;
}

const RANGE_NAMES: Record<string, string> = { '01': 'month', '02': 'day', '15': 'hour', '04': 'minute', '05': 'second' };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Checks a string as Go's base64.StdEncoding would decode it (into a []byte
 * field) and returns `illegal base64 data at input byte N`, or undefined.
 * Offsets count UTF-8 bytes; CR and LF are skipped as Go skips them.
 */
export function goBase64Error(s: string): string | undefined {
  const src = Buffer.from(s, 'utf8');
  const bad = (n: number) => `illegal base64 data at input byte ${n}`;
  const isNL = (b: number | undefined) => b === 0x0a || b === 0x0d;
  let si = 0;
  while (si < src.length) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        // Input ended inside a quantum: StdEncoding requires padding.
        return j === 0 ? undefined : bad(si - j);
      }
      const c = src[si++]!;
      if (B64.includes(String.fromCharCode(c))) continue;
      if (isNL(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) return bad(si - 1);
      // Padding: only after two or three data characters.
      if (j < 2) return bad(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) return bad(src.length);
        if (src[si] !== 0x3d) return bad(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      return si < src.length ? bad(si) : undefined;
    }
    while (si < src.length && isNL(src[si])) si++;
  }
  return undefined;
}
