// Reading the TUI's screen as text: the VMI table's rows and who is where.

/** The VMI table's rows: the lines after its NAME header, up to the migration log. */
export function tableRows(screen: string): string[] {
  const lines = screen.split('\n');
  const start = lines.findIndex((l) => /^NAME\s+NODE\b/.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('migrations (newest first)'));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => /^virtwork-\S+\s+\S/.test(l));
}

/** VMI name -> node, from the table's first two columns. */
export function placements(screen: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of tableRows(screen)) {
    const [name, node] = row.split(/\s+/);
    if (name && node && /^kv-/.test(node)) out.set(name, node);
  }
  return out;
}

/** Escape sequences or their remains shown as text: what a torn-down terminal would leave. */
export function garbage(screen: string): string[] {
  const found: string[] = [];
  // eslint-disable-next-line no-control-regex -- a raw escape in captured text is the garbage
  if (/\u001B/.test(screen)) found.push('a raw ESC character');
  for (const m of screen.matchAll(/\^\[|\[\?\d+[hl]|\[\d+(;\d+)*m|\[\d*[ABCDJK]\b/g)) found.push(JSON.stringify(m[0]));
  return found;
}

/** The parameter lists of the SGR (style) sequences in a capture made with escapes (capture-pane -e). */
function sgrParams(styled: string): number[][] {
  // eslint-disable-next-line no-control-regex -- reading the style escapes is the point
  return [...styled.matchAll(/\u001B\[([0-9;]*)m/g)].map((m) => (m[1] || '0').split(';').map(Number));
}

/** Style sequences that set a colour. tmux writes 39/49 (back to the default colours) around styled runs: those are not colours. */
export function colourCodes(styled: string): string[] {
  const isColour = (n: number) => (n >= 30 && n <= 48 && n !== 39) || (n >= 90 && n <= 107);
  return sgrParams(styled)
    .filter((p) => p.some(isColour))
    .map((p) => p.join(';'));
}

/** Whether any text is shown in inverse video. */
export function hasInverse(styled: string): boolean {
  return sgrParams(styled).some((p) => p.includes(7));
}
