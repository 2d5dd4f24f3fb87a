/**
 * Stored JSON documents read from PostgreSQL, parsed once and shared while their text is unchanged
 * (docs/decisions.md D-PI1). The cache is keyed by the text itself: a row whose stored document is
 * byte for byte what an earlier read gave yields the very object that read gave, and any change
 * (an import, a correction) is a different text and so a new object. Nothing can be stale, and every
 * request still reads every row from the database: what is saved is parsing it again and, above
 * all, what is done with the object afterwards. Shared objects let the bundle's resource memo
 * (src/bundle/engine/resource-memo.ts) keep what it mapped from them, as it does for the memory
 * store, so the repository reports its items as long-lived (ClinicalRepository.longLivedItems).
 *
 * The objects are shared between requests, so they must never be changed in place (the rule the
 * memory store's items already follow). Memory is bounded (ITEM_CACHE_MB): each entry is counted as
 * an estimate of its text and parsed object, and the oldest entries are dropped first when over budget
 * (a drop only costs the next read a parse: the resource memo's entries go with the object).
 */

/**
 * Estimated resident bytes per character of a document: the text kept as the key (one byte per
 * character for the Latin-1 texts the stores hold) and the parsed object, measured at ~1.55 bytes per
 * character over 47,752 synthetic items of 1,000 patients; rounded up for two-byte texts.
 */
const BYTES_PER_CHAR = 3;
/** The Map entry itself and the strings' and object's headers. */
const ENTRY_BYTES = 64;

export class DetailCache {
  private readonly byText = new Map<string, unknown>();
  private held = 0;

  /** `budgetBytes` 0: nothing is kept (every read parses afresh). */
  constructor(private readonly budgetBytes: number) {}

  /** Bytes counted for what is held now (an estimate: see BYTES_PER_CHAR). */
  get heldBytes(): number {
    return this.held;
  }

  get size(): number {
    return this.byText.size;
  }

  /** The document `text` holds: the object an earlier call gave for the same text when still held. */
  parse<T>(text: string): T {
    const hit = this.byText.get(text);
    if (hit !== undefined) return hit as T;
    const value: unknown = JSON.parse(text);
    const cost = costOf(text);
    if (cost <= this.budgetBytes) {
      this.byText.set(text, value);
      this.held += cost;
      if (this.held > this.budgetBytes) this.dropOldest();
    }
    return value as T;
  }

  /** First in, first out: a Map iterates in insertion order, so the oldest entries come first. */
  private dropOldest(): void {
    for (const text of this.byText.keys()) {
      if (this.held <= this.budgetBytes) return;
      this.byText.delete(text);
      this.held -= costOf(text);
    }
  }
}

function costOf(text: string): number {
  return text.length * BYTES_PER_CHAR + ENTRY_BYTES;
}
