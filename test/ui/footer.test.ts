// footerText as a pure function: whole key hints, never one cut mid-word.
import { describe, expect, it } from 'vitest';
import { footerText } from '../../src/ui/components/footer.js';

const HINTS = ['? help', 'q quit', '↑↓ select', 'p pause/resume', 'd dry-run', 'm migrate', '/ filter', 's sort', 'r report', 't teardown'];

describe('footerText', () => {
  it('spaces hints by two when they fit', () => {
    expect(footerText(HINTS, 120)).toBe(HINTS.join('  '));
  });

  it('tightens to one space, then drops whole hints from the end', () => {
    const single = HINTS.join(' ');
    expect(footerText(HINTS, single.length)).toBe(single);
    const at80 = footerText(HINTS, 80);
    const n = HINTS.findIndex((_, i) => HINTS.slice(0, i + 1).join(' ') === at80) + 1;
    expect(n, at80).toBeGreaterThan(5);
    expect(n).toBeLessThan(HINTS.length);
    expect(HINTS.slice(0, n + 1).join(' ').length).toBeGreaterThan(80);
  });

  it('fits every width', () => {
    for (let w = 0; w <= 130; w++) expect(footerText(HINTS, w).length).toBeLessThanOrEqual(w);
  });
});
