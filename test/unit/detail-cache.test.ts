/**
 * Stored documents shared across requests (src/record/postgres/detail-cache.ts, D-PI1): a row read
 * again with the same text gives the very object the last read gave, a changed text a new object in
 * place of the old, and the budget holds.
 */
import { DetailCache } from '../../src/record/postgres/detail-cache';

const doc = (id: string, text = 'Asthma') => JSON.stringify({ id, code: { text } });
/** A string built afresh, as each row from the database is. */
const afresh = (text: string) => Buffer.from(text).toString('utf8');

describe('DetailCache', () => {
  it('gives the same object for a row read again with the same text, equal to what JSON.parse gives', () => {
    const cache = new DetailCache(1024 * 1024);
    const first = cache.parse<object>('P1/problems/p1', doc('p1'));
    expect(first).toEqual(JSON.parse(doc('p1')));
    expect(cache.parse<object>('P1/problems/p1', afresh(doc('p1')))).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('gives a new object, with the new content, for a changed row, and holds it in place of the old', () => {
    const cache = new DetailCache(1024 * 1024);
    const before = cache.parse<{ code: { text: string } }>('P1/problems/p1', doc('p1'));
    const held = cache.heldBytes;
    const after = cache.parse<{ code: { text: string } }>('P1/problems/p1', doc('p1', 'Asthma resolved'));
    expect(after).not.toBe(before);
    expect(after.code.text).toBe('Asthma resolved');
    expect(before.code.text).toBe('Asthma');
    expect(cache.size).toBe(1);
    expect(cache.heldBytes).toBe(held + 'Asthma resolved'.length * 3 - 'Asthma'.length * 3);
    expect(cache.parse('P1/problems/p1', doc('p1', 'Asthma resolved'))).toBe(after);
  });

  it('never gives one row the object of another, even with the same text', () => {
    const cache = new DetailCache(1024 * 1024);
    const one = cache.parse('P1/problems/p1', doc('p1'));
    const other = cache.parse('P2/problems/p1', doc('p1'));
    expect(other).not.toBe(one);
    expect(cache.parse('P1/problems/p1', doc('p1'))).toBe(one);
    expect(cache.parse('P2/problems/p1', doc('p1'))).toBe(other);
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new DetailCache(0);
    const first = cache.parse('P1/problems/p1', doc('p1'));
    expect(cache.parse('P1/problems/p1', doc('p1'))).not.toBe(first);
    expect(cache.parse('P1/problems/p1', doc('p1'))).toEqual(first);
    expect(cache.size).toBe(0);
  });

  it('drops the oldest rows first and stays within its budget', () => {
    const one = new DetailCache(1024 * 1024);
    one.parse('k/a', doc('a'));
    const perEntry = one.heldBytes;
    // Room for two rows of this length, not three.
    const cache = new DetailCache(perEntry * 2 + 1);
    const a = cache.parse('k/a', doc('a'));
    const b = cache.parse('k/b', doc('b'));
    const c = cache.parse('k/c', doc('c'));
    expect(cache.size).toBe(2);
    expect(cache.heldBytes).toBeLessThanOrEqual(perEntry * 2 + 1);
    expect(cache.parse('k/b', doc('b'))).toBe(b);
    expect(cache.parse('k/c', doc('c'))).toBe(c);
    expect(cache.parse('k/a', doc('a'))).not.toBe(a);
  });

  it('does not keep a row larger than its whole budget', () => {
    const cache = new DetailCache(200);
    const big = JSON.stringify({ id: 'x', text: 'y'.repeat(500) });
    const first = cache.parse('k/x', big);
    expect(cache.size).toBe(0);
    expect(cache.parse('k/x', big)).not.toBe(first);
  });

  it('rejects a document that is not JSON, as JSON.parse does, and keeps what it held', () => {
    const cache = new DetailCache(1024);
    const kept = cache.parse('k/a', doc('a'));
    expect(() => cache.parse('k/a', '{"id":')).toThrow(SyntaxError);
    expect(cache.parse('k/a', doc('a'))).toBe(kept);
  });
});
