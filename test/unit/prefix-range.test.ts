/** The family-name prefix as an index range (D-S2): the upper bound is just above every match. */
import { justAbove } from '../../src/record/postgres/postgres-source';

const cmp = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('justAbove', () => {
  it('raises the last code point by one', () => {
    expect(justAbove('SMI')).toBe('SMJ');
    expect(justAbove("O'")).toBe('O(');
    expect(justAbove('ZÉ')).toBe('ZÊ');
  });

  it('steps over the surrogate range and drops the highest code point', () => {
    expect(justAbove('A\u{d7ff}')).toBe('A\u{e000}');
    expect(justAbove('A\u{10ffff}')).toBe('B');
    expect(justAbove('\u{10ffff}')).toBeUndefined();
    expect(justAbove('')).toBeUndefined();
  });

  it('every string starting with the prefix sorts below it in UTF-8 byte order (the "C" collation)', () => {
    for (const prefix of ['SMI', 'ZÉ', 'A\u{d7ff}', 'A\u{10ffff}', '😀']) {
      const above = justAbove(prefix) ?? '';
      for (const tail of ['', 'A', 'ZZZ', '\u{ffff}', '\u{10ffff}\u{10ffff}', '😀']) {
        expect(cmp(prefix + tail, above)).toBeLessThan(0);
      }
      expect(cmp(above, prefix)).toBeGreaterThan(0);
      expect(above.startsWith(prefix)).toBe(false);
    }
  });
});
