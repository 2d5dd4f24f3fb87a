import { OpenList } from '../../src/ops/open-list';

describe('OpenList (what is open, without a Set: D-SV1)', () => {
  it('holds what was added until its entry removes it, in the order added', () => {
    const list = new OpenList<string>();
    const a = list.add('a');
    const b = list.add('b');
    const c = list.add('c');
    expect([...list]).toEqual(['a', 'b', 'c']);
    expect(list.size).toBe(3);
    b.remove();
    expect([...list]).toEqual(['a', 'c']);
    a.remove();
    c.remove();
    expect([...list]).toEqual([]);
    expect(list.size).toBe(0);
    list.add('d');
    expect([...list]).toEqual(['d']);
  });

  it('ignores a second removal of the same entry', () => {
    const list = new OpenList<number>();
    const one = list.add(1);
    list.add(2);
    one.remove();
    one.remove();
    expect([...list]).toEqual([2]);
    expect(list.size).toBe(1);
  });

  it('lets entries go while it is being iterated', () => {
    const list = new OpenList<number>();
    const entries = [1, 2, 3, 4].map((n) => list.add(n));
    const seen: number[] = [];
    for (const n of list) {
      seen.push(n);
      entries[n - 1].remove();
      if (n === 1) entries[2].remove();
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(list.size).toBe(0);
  });
});
