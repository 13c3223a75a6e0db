// Go's formatting verbs as kube-apiserver messages use them (`%q` of a string
// and of a []string, utilerrors aggregates), so that messages built here read
// byte for byte like a real server's.

/** strconv.Quote: double quotes, Go escapes for control characters, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `%q` of a []string: `["a" "b"]`, `[]` when empty. */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

/**
 * utilerrors.NewAggregate(errs).Error(): one message as is; several
 * deduplicated, comma-joined and bracketed.
 */
export function aggregateMessage(messages: readonly string[]): string {
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0]!;
  const seen: string[] = [];
  for (const m of messages) if (!seen.includes(m)) seen.push(m);
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

/** `%#v` of a struct with string fields, as field.Invalid prints an internal API type. */
export function goStructString(typeName: string, fields: [string, string][]): string {
  return `${typeName}{${fields.map(([k, v]) => `${k}:${goQuote(v)}`).join(', ')}}`;
}
