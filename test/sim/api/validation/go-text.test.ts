import { describe, expect, it } from 'vitest';
import { findDuplicateFields } from '../../../../src/sim/api/validation/index.js';
import { goBase64Error, goTimeParseError, isQuantity } from '../../../../src/sim/api/validation/go-text.js';

describe('Go library message texts', () => {
  it('time.Parse with RFC 3339', () => {
    expect(goTimeParseError('2025-01-02T03:04:05Z')).toBeUndefined();
    expect(goTimeParseError('2025-01-02T03:04:05.123+02:00')).toBeUndefined();
    expect(goTimeParseError('')).toBe('parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"');
    expect(goTimeParseError('2025-01-02')).toBe('parsing time "2025-01-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"');
    expect(goTimeParseError('2025-13-02T03:04:05Z')).toBe('parsing time "2025-13-02T03:04:05Z": month out of range');
    expect(goTimeParseError('2025-02-30T03:04:05Z')).toBe('parsing time "2025-02-30T03:04:05Z": day out of range');
    expect(goTimeParseError('2025-01-02T03:04:05')).toBe('parsing time "2025-01-02T03:04:05" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
    expect(goTimeParseError('2025-01-02T03:04:05Zjunk')).toBe('parsing time "2025-01-02T03:04:05Zjunk": extra text: "junk"');
  });

  it('base64.StdEncoding corruption offsets', () => {
    expect(goBase64Error('aGVsbG8=')).toBeUndefined();
    expect(goBase64Error('')).toBeUndefined();
    expect(goBase64Error('admin')).toBe('illegal base64 data at input byte 4');
    expect(goBase64Error('abc')).toBe('illegal base64 data at input byte 0');
    expect(goBase64Error('ab!d')).toBe('illegal base64 data at input byte 2');
    expect(goBase64Error('aGVsbG8=x')).toBe('illegal base64 data at input byte 8');
    expect(goBase64Error('a===')).toBe('illegal base64 data at input byte 1');
  });

  it('quantities', () => {
    for (const q of ['1', '1.5', '100m', '2Gi', '1e3', '-1', '.5Ki']) expect(isQuantity(q)).toBe(true);
    for (const q of ['', '2 GiB', 'Gi', '1.2.3', '1Ki2']) expect(isQuantity(q)).toBe(false);
  });

  it('finds duplicate keys in a raw body', () => {
    expect(findDuplicateFields('{"a":1,"spec":{"replicas":1,"x":[{"n":1,"n":2}],"replicas":2},"a":3}')).toEqual(['spec.x[0].n', 'spec.replicas', 'a']);
    expect(findDuplicateFields('{"a":"\\"a\\"","b":{}}')).toEqual([]);
    expect(findDuplicateFields('not json')).toEqual([]);
  });
});
