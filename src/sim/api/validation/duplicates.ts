// JSON.parse keeps the last of two equal keys silently, but the real server's
// strict decoder reports each one as `duplicate field "spec.replicas"`. This
// scans the raw body for them, with the same path spelling as unknown fields.

/** Paths of keys that repeat within one JSON object of `raw`; [] for invalid JSON. */
export function findDuplicateFields(raw: string): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = () => {
    while (i < raw.length && ' \t\n\r'.includes(raw[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < raw.length && raw[i] !== '"') i += raw[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(raw.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = raw[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (raw[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        const p = path ? `${path}.${key}` : key;
        if (seen.has(key)) out.push(p);
        seen.add(key);
        ws();
        i++; // colon
        value(p);
        ws();
        if (raw[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (raw[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (raw[i++] === ']') return;
      }
    }
    if (c === '"') {
      str();
      return;
    }
    while (i < raw.length && !',]} \t\n\r'.includes(raw[i]!)) i++;
  };
  try {
    JSON.parse(raw);
    value('');
  } catch {
    return [];
  }
  return out;
}
