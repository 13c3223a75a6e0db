import { describe, expect, it } from 'vitest';
import { patchTypeFromContentType } from '../../../../src/sim/api/patch/index.js';

describe('patchTypeFromContentType', () => {
  it('maps the four patch media types', () => {
    expect(patchTypeFromContentType('application/json-patch+json')).toBe('json');
    expect(patchTypeFromContentType('application/merge-patch+json')).toBe('merge');
    expect(patchTypeFromContentType('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchTypeFromContentType('application/apply-patch+yaml')).toBe('apply');
  });

  it('ignores parameters such as charset, as the server cuts at the first ";"', () => {
    expect(patchTypeFromContentType('application/merge-patch+json; charset=utf-8')).toBe('merge');
    expect(patchTypeFromContentType('application/apply-patch+yaml;charset=UTF-8')).toBe('apply');
  });

  it('does not accept CBOR apply, plain JSON or nothing', () => {
    expect(patchTypeFromContentType('application/apply-patch+cbor')).toBeUndefined();
    expect(patchTypeFromContentType('application/json')).toBeUndefined();
    expect(patchTypeFromContentType(undefined)).toBeUndefined();
    expect(patchTypeFromContentType('')).toBeUndefined();
  });
});
