// Colours, or none: NO_COLOR (no-color.org) turns every colour off; emphasis
// (bold, inverse) stays, since it carries meaning without colour.
export type Colour = 'green' | 'yellow' | 'red' | 'cyan' | 'gray' | 'magenta' | 'blue';

export const colourEnabled = !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');

/** The colour to pass to Ink's `color` prop, or undefined when colours are off. */
export function colour(c: Colour): Colour | undefined {
  return colourEnabled ? c : undefined;
}

export const TONE: Record<'info' | 'ok' | 'warn' | 'error', Colour> = { info: 'cyan', ok: 'green', warn: 'yellow', error: 'red' };

/** Marks that read without colour too. */
export const MARK = { ok: '✓', warn: '!', block: '✗', pending: '·', running: '…' } as const;
