/**
 * Stored documents shared across requests (src/record/postgres/detail-cache.ts, D-PI1): the same text
 * gives the very object an earlier read gave, any other text a new one, and the budget holds.
 */
import { DetailCache } from '../../src/record/postgres/detail-cache';

const doc = (id: string, text = 'Asthma') => JSON.stringify({ id, code: { text } });

describe('DetailCache', () => {
  it('gives the same object for the same text, equal to what JSON.parse gives', () => {
    const cache = new DetailCache(1024 * 1024);
    const first = cache.parse<object>(doc('p1'));
    expect(first).toEqual(JSON.parse(doc('p1')));
    // A string built afresh, as each row from the database is.
    expect(cache.parse<object>([doc('p1')].join(''))).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('gives a new object, with the new content, for a changed document', () => {
    const cache = new DetailCache(1024 * 1024);
    const before = cache.parse<{ code: { text: string } }>(doc('p1'));
    const after = cache.parse<{ code: { text: string } }>(doc('p1', 'Asthma resolved'));
    expect(after).not.toBe(before);
    expect(after.code.text).toBe('Asthma resolved');
    expect(before.code.text).toBe('Asthma');
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new DetailCache(0);
    const first = cache.parse(doc('p1'));
    expect(cache.parse(doc('p1'))).not.toBe(first);
    expect(cache.parse(doc('p1'))).toEqual(first);
    expect(cache.size).toBe(0);
  });

  it('drops the oldest documents first and stays within its budget', () => {
    const one = new DetailCache(1024 * 1024);
    one.parse(doc('a'));
    const perEntry = one.heldBytes;
    // Room for two documents of this length, not three.
    const cache = new DetailCache(perEntry * 2 + 1);
    const a = cache.parse(doc('a'));
    const b = cache.parse(doc('b'));
    const c = cache.parse(doc('c'));
    expect(cache.size).toBe(2);
    expect(cache.heldBytes).toBeLessThanOrEqual(perEntry * 2 + 1);
    expect(cache.parse(doc('b'))).toBe(b);
    expect(cache.parse(doc('c'))).toBe(c);
    expect(cache.parse(doc('a'))).not.toBe(a);
  });

  it('does not keep a document larger than its whole budget', () => {
    const cache = new DetailCache(200);
    const big = JSON.stringify({ id: 'x', text: 'y'.repeat(500) });
    const first = cache.parse(big);
    expect(cache.size).toBe(0);
    expect(cache.parse(big)).not.toBe(first);
  });

  it('rejects a document that is not JSON, as JSON.parse does', () => {
    expect(() => new DetailCache(1024).parse('{"id":')).toThrow(SyntaxError);
  });
});
