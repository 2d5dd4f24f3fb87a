/**
 * A set of what is open right now (requests in flight), for a long-lived owner that adds and removes
 * an entry per request: a doubly linked list whose removed links are cleared, instead of a Set or Map.
 *
 * Why not a Set (docs/decisions.md D-SV1): V8 replaces a Set's or Map's table as entries come and
 * go, and a replaced table keeps its entries and a link to the table that replaced it. Once such a
 * table is in the old generation it is garbage that only a full collection frees, yet the
 * young-generation collector takes it for live: it keeps the next table alive, that one the next,
 * and every response still in any of them, with all they reach (a Set of open responses: some 7 MB
 * promoted per scavenge on the metadata path; 5 KB with this list and D-SV2). A removed link here
 * points at nothing, so nothing dead holds anything young.
 */

/** One entry: removed in O(1) through it, whatever else was added or removed meanwhile. */
export interface OpenEntry {
  /** Takes the entry out; a second call does nothing. */
  remove(): void;
}

class Link<T> implements OpenEntry {
  prev: Link<T> | undefined;
  next: Link<T> | undefined;
  value: T | undefined;

  constructor(
    private list: OpenList<T> | undefined,
    value: T,
  ) {
    this.value = value;
  }

  remove(): void {
    const list = this.list;
    if (list === undefined) return;
    list.unlink(this);
    // Nothing left for a dead link to keep alive.
    this.list = undefined;
    this.prev = undefined;
    this.next = undefined;
    this.value = undefined;
  }
}

export class OpenList<T> implements Iterable<T> {
  private head: Link<T> | undefined;
  private tail: Link<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `value` (at the end); the entry removes it. */
  add(value: T): OpenEntry {
    const link = new Link<T>(this, value);
    link.prev = this.tail;
    if (this.tail) this.tail.next = link;
    else this.head = link;
    this.tail = link;
    this.count++;
    return link;
  }

  /** For Link.remove only. */
  unlink(link: Link<T>): void {
    if (link.prev) link.prev.next = link.next;
    else this.head = link.next;
    if (link.next) link.next.prev = link.prev;
    else this.tail = link.prev;
    this.count--;
  }

  /** The values in the order they were added, as they stand now (entries may go while iterating). */
  [Symbol.iterator](): Iterator<T> {
    const values: T[] = [];
    for (let link = this.head; link !== undefined; link = link.next) values.push(link.value as T);
    return values[Symbol.iterator]();
  }
}
