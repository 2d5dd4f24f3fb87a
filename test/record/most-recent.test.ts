/**
 * includeNumberOfMostRecent (src/record/filters.ts selectMostRecent): the N dated consultations with
 * the latest start, ties at the N-th place broken by dataset order, every undated one kept, all in
 * dataset order. Checked against the rule written as a plain sort, over starts chosen to collide
 * (the same year, month, day or instant), for N below and above the point where the selection
 * stops inserting and sorts.
 */
import { consultationRecency, selectMostRecent } from '../../src/record/filters';
import type { Consultation, PartialDate } from '../../src/record/model';
import { consultation } from '../bundle/fixtures';

const STARTS: readonly (PartialDate | undefined)[] = [
  undefined,
  '2024',
  '2024-03',
  '2024-03-05',
  '2024-03-05T09:00:00Z',
  '2024-03-05T10:00:00+01:00',
  '2024-03-05T17:30:00Z',
  '2023-12-31T23:59:59Z',
  '2025-01',
  '2024-13-45', // not a day: undated
];

/** The rule as written: sort every dated one by recency, then dataset order, and take N. */
function byTheRule(consultations: readonly Consultation[], n: number): Consultation[] {
  const dated = consultations
    .map((c, index) => ({ c, index, key: consultationRecency(c) }))
    .filter((d) => d.key !== undefined);
  dated.sort((a, b) => {
    const [ad, ai] = a.key!;
    const [bd, bi] = b.key!;
    if (ad !== bd) return ad < bd ? 1 : -1;
    if (ai !== bi) return bi - ai;
    return a.index - b.index;
  });
  const kept = new Set(dated.slice(0, n).map((d) => d.c));
  return consultations.filter((c) => consultationRecency(c) === undefined || kept.has(c));
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('the N most recent consultations', () => {
  it('keeps the N latest dated ones, ties by dataset order, and every undated one', () => {
    const next = random(7);
    for (let round = 0; round < 150; round++) {
      const size = Math.floor(next() * 40);
      const consultations = Array.from({ length: size }, (_, i) => {
        const start = STARTS[Math.floor(next() * STARTS.length)];
        return consultation(`c${i}`, start === undefined ? { period: undefined } : { period: { start } });
      });
      for (const n of [1, 2, 3, 5, 16, 17, 40]) {
        expect(selectMostRecent(consultations, n).map((c) => c.id)).toEqual(
          byTheRule(consultations, n).map((c) => c.id),
        );
      }
    }
  });

  it('with one tie at the N-th place, the earlier in dataset order is kept', () => {
    const a = consultation('a', { period: { start: '2024-03-05' } });
    const b = consultation('b', { period: { start: '2024-03-05' } });
    const c = consultation('c', { period: { start: '2025-01-01' } });
    expect(selectMostRecent([a, b, c], 2).map((x) => x.id)).toEqual(['a', 'c']);
  });
});
