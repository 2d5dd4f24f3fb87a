/**
 * Consultations (Consultations guidance; List page — consultation structure structure Lists, Encounter page
 * Encounter): a consultation holds topics, a topic holds headings or (flat) items directly, a heading holds
 * items, each in display order. Items live in their own areas; the structure only references them.
 */
import type { ItemRef } from '../../contract/item-ref';
import type { Concept, ItemMetadata, PartialDate, Timestamp } from './common';

/**
 * Free text written in a consultation with no code: exists only inside its consultation and becomes a
 * "Comment note" Observation, first under its heading (Uncategorised data guidance; Observation pages).
 */
export interface ConsultationNote {
  readonly kind: 'note';
  readonly id: string;
  /** Absent: `id` is the persistent identifier. */
  readonly guid?: string;
  readonly text: string;
  /** Absent: the consultation's `lastEdited`. */
  readonly recorded?: Timestamp;
  /** Absent: the consultation's performer, else its recorder. */
  readonly recorderId?: string;
  /** Withheld like any confidential item (docs/spec-notes.md "Confidentiality"). */
  readonly confidential?: boolean;
}

/** One entry of a heading or flat topic: a reference to an item of any area, or a free-text note. */
export type ConsultationEntry = ItemRef | ConsultationNote;

/** A heading (History, Examination, Plan, …) → List "Category (EHR)". */
export interface Heading {
  /** Structure Lists need ids. Absent: derived from the consultation id and the heading's position. */
  readonly id?: string;
  readonly title?: string;
  readonly entries: readonly ConsultationEntry[];
}

interface TopicCommon {
  /** Absent: derived from the consultation id and the topic's position. */
  readonly id?: string;
  /** The topic name, if it has one. */
  readonly title?: string;
  /** Problems this topic is about (→ relatedProblemHeader on the Topic List). */
  readonly problemIds?: readonly string[];
}

/** A topic never mixes headings and items (List page — consultation structure): either headings, or items
 * directly (a "flat" topic). */
export type Topic =
  | (TopicCommon & { readonly headings: readonly Heading[]; readonly entries?: never })
  | (TopicCommon & { readonly entries: readonly ConsultationEntry[]; readonly headings?: never });

export interface Consultation extends ItemMetadata {
  /** Consultation type or name as shown to users (→ Encounter.type and the Consultation List title). */
  readonly type: Concept;
  /** When it took place; filtered by `consultationSearchPeriod` and sorted for `includeNumberOfMostRecent`. Absent: unknown, always returned. */
  readonly period?: { readonly start: PartialDate; readonly end?: PartialDate };
  /** Drafts are returned, as Encounter.status `unknown`. Absent: finished. */
  readonly draft?: boolean;
  readonly locationId?: string;
  /** The clinician who saw the patient (PPRF participant), when there are participants besides the recorder. */
  readonly performerId?: string;
  /** Further practitioners present (PART participants). */
  readonly participantIds?: readonly string[];
  /** The organisation that provided it (→ serviceProvider). Absent: this practice. */
  readonly organisationId?: string;
  /** When the consultation was last edited (→ `date` on every structure List). Absent: `recorded`. */
  readonly lastEdited?: Timestamp;
  readonly topics: readonly Topic[];
}

/**
 * Everything of a consultation but its structure: what its Encounter (and a comment note's context)
 * is mapped from. Typed without `topics`, so a mapper given it cannot read them.
 */
export type ConsultationHeader = Omit<Consultation, 'topics'>;

/** Copies made by withTopics, to the consultation whose other fields they share. */
const copiedFrom = new WeakMap<Consultation, Consultation>();

/**
 * `c` with other topics (redaction, a linked consultation's narrowed structure): a new object per
 * request, whose header stays `c`'s (headerOf). Every other field is `c`'s own, by construction here.
 */
export function withTopics(c: Consultation, topics: readonly Topic[]): Consultation {
  const copy = { ...c, topics };
  copiedFrom.set(copy, copiedFrom.get(c) ?? c);
  return copy;
}

/**
 * The object a consultation's header is read from: for a copy made by withTopics, the consultation it
 * was copied from (the store's own object), else the consultation itself. The memory store's resource
 * memo keys the Encounter by it, so a consultation narrowed afresh per request still finds its
 * remembered Encounter (docs/decisions.md D-MB1).
 */
export function headerOf(c: Consultation): ConsultationHeader {
  return copiedFrom.get(c) ?? c;
}
