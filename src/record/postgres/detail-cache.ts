/**
 * Stored JSON documents read from PostgreSQL, parsed once and shared while their text is unchanged
 * (docs/decisions.md D-PI1). Each row is held under its key (practice, table, id) with the text it
 * was parsed from: a row whose stored document is byte for byte what the last read gave yields the
 * very object that read gave, and any change (an import, a correction) is a different text and so a
 * new object, which replaces the old. Nothing can be stale, and every request still reads every row
 * from the database: what is saved is parsing it again and, above all, what is done with the object
 * afterwards. The key only finds the entry; the text decides (comparing two strings is several times
 * cheaper than hashing one as a Map key, and about as cheap as nothing beside JSON.parse). Shared objects let the bundle's resource memo
 * (src/bundle/engine/resource-memo.ts) keep what it mapped from them, as it does for the memory
 * store, so the repository reports its items as long-lived (ClinicalRepository.longLivedItems).
 *
 * The objects are shared between requests, so they must never be changed in place (the rule the
 * memory store's items already follow). Memory is bounded (ITEM_CACHE_MB): each entry is counted as
 * an estimate of its text and parsed object, and the oldest entries are dropped first when over budget
 * (a drop only costs the next read a parse: the resource memo's entries go with the object).
 */

/**
 * Estimated resident bytes per character of a document: the text kept (one byte per character for
 * the Latin-1 texts the stores hold) and the parsed object, measured at ~1.55 bytes per
 * character over 47,752 synthetic items of 1,000 patients; rounded up for two-byte texts.
 */
const BYTES_PER_CHAR = 3;
/** The Map entry itself and the strings' and object's headers. */
const ENTRY_BYTES = 64;

interface Entry {
  readonly text: string;
  readonly value: unknown;
}

export class DetailCache {
  private readonly byKey = new Map<string, Entry>();
  private held = 0;

  /** `budgetBytes` 0: nothing is kept (every read parses afresh). */
  constructor(private readonly budgetBytes: number) {}

  /** Bytes counted for what is held now (an estimate: see BYTES_PER_CHAR). */
  get heldBytes(): number {
    return this.held;
  }

  get size(): number {
    return this.byKey.size;
  }

  /**
   * The document `text` holds: the object the last call for `key` gave when its text was the same
   * (and it is still held), otherwise a new one, held in place of the old.
   */
  parse<T>(key: string, text: string): T {
    const entry = this.byKey.get(key);
    if (entry !== undefined && entry.text === text) return entry.value as T;
    const value: unknown = JSON.parse(text);
    if (entry !== undefined) {
      this.byKey.delete(key);
      this.held -= costOf(key, entry.text);
    }
    const cost = costOf(key, text);
    if (cost <= this.budgetBytes) {
      this.byKey.set(key, { text, value });
      this.held += cost;
      if (this.held > this.budgetBytes) this.dropOldest();
    }
    return value as T;
  }

  /** First in, first out: a Map iterates in insertion order, so the oldest entries come first. */
  private dropOldest(): void {
    for (const [key, entry] of this.byKey) {
      if (this.held <= this.budgetBytes) return;
      this.byKey.delete(key);
      this.held -= costOf(key, entry.text);
    }
  }
}

function costOf(key: string, text: string): number {
  return (key.length + text.length) * BYTES_PER_CHAR + ENTRY_BYTES;
}
