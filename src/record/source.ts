/**
 * What a store implements: a few coarse, bulk reads that the shared record code (assemble-record.ts)
 * turns into a PatientRecord. The shared code decides every rule (filters, linkage, redaction,
 * ordering), so two stores that hold the same data give byte-identical answers, and a store never
 * needs more than a fixed number of round trips per request, however large the record:
 *
 *   findPatient                       1 round trip
 *   loadCandidates   (item round 1)   candidates of every requested area + the link hub (+ the practice)
 *   loadItems        (item rounds 2, 3) everything reached through links, all refs of a round at once
 *   loadActors                        1 round trip
 *
 * Why three item rounds suffice: linkage is never followed transitively (Linkages — FHIR profiles returned on
 * query). Round 1 gives the primary candidates and the hub (all problems, the topic→problem links with the
 * refs in those topics, and which items are withheld), which is enough to know every item a primary list
 * links to: the content of primary consultations, the items linked to primary problems (directly or through a
 * topic naming them), the consultations linked to primary problems, and the supporting info of primary
 * referrals and diary entries (round 2). Round 2's items name the last things needed: the consultations
 * in which items linked to a primary problem were recorded, and the supporting info of linked referrals
 * and diary entries (round 3). Round 3's items are consultations sent as Encounters only and supporting
 * items, neither of which is expanded further. Linked problems come from the hub and never need a round.
 *
 * A store should answer one request's rounds from one consistent snapshot (e.g. one REPEATABLE READ
 * transaction): the shared code fails the request rather than return a reference it asked for and did
 * not get.
 */
import type { StructuredQuery } from '../contract/structured-query';
import type { ActorIds, AreaItem, RecordArea } from './item-refs';
import type { ItemRef } from './model';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Patient,
  Practice,
  Practitioner,
} from './model/people';
import type { PatientDirectory } from './patient-directory';

/**
 * An item with its place in the patient's record: its position in the dataset order of its area
 * (the memory store's array index, a sequence column in SQL). The shared code orders every output
 * list by it, so stores that return rows in different orders still produce identical records.
 */
export interface Placed<T> {
  readonly seq: number;
  readonly item: T;
}

/** Items by record area, each with its place; an area may be absent when there is nothing to return. */
export type PlacedItems = { readonly [A in RecordArea]?: readonly Placed<AreaItem<A>>[] };

/** A consultation topic that names a problem, with the item refs filed under it (headings flattened). */
export interface TopicLink {
  readonly consultationId: string;
  readonly problemId: string;
  readonly refs: readonly ItemRef[];
}

/** Why an item is never shared: confidential (docs/spec-notes.md "Confidentiality"), or recorded as entered
 * in error. */
export interface WithheldItem {
  readonly ref: ItemRef;
  readonly reason: 'confidential' | 'enteredInError';
}

/** Item round 1: the request's candidates and the link hub. */
export interface CandidateRound {
  /**
   * For each area the query requests (query[area] defined; switched-off areas are never in the
   * query), AT LEAST every item that passes the area's filter in filters.ts, confidential ones
   * included (they set the withheld flag). A superset is fine: the shared code re-applies the exact
   * predicates. Areas: allergies, medication (plans with all issues), consultations, immunisations
   * and immunisationStatuses (both for includeImmunisations), uncategorisedData, investigations,
   * referrals, diaryEntries. For includeNumberOfMostRecent a store that pre-selects must keep every
   * undated consultation and the N most recent non-empty dated ones with ties broken by `seq`; the
   * simple answer is every consultation.
   */
  readonly candidates: PlacedItems;
  /** ALL the patient's problems, whatever the query: problems carry the links (the hub). */
  readonly problems: readonly Placed<AreaItem<'problems'>>[];
  /** Every consultation topic of the patient that names a problem, in any consultation. */
  readonly topicLinks: readonly TopicLink[];
  /**
   * Every item of the patient that is confidential or entered in error, of any kind, so that references
   * can be redacted without loading their targets. A confidential plan's issues are listed too (as
   * `medicationIssue`), and a confidential issue by itself. Investigation parts are not items: they are
   * redacted from the loaded report.
   */
  readonly withheld: readonly WithheldItem[];
  // A store whose items live as long as it does may return an IndexedRound (record-index.ts): the
  // round with its own index of the patient's whole record (docs/decisions.md D-RA1).
}

/** Practitioners, organisations, locations, services and devices by id. */
export interface Actors {
  readonly practitioners: readonly Practitioner[];
  readonly organisations: readonly Organisation[];
  readonly locations: readonly Location[];
  readonly healthcareServices: readonly HealthcareService[];
  readonly devices: readonly Device[];
  /** The practice's version the read saw (FirstRound.actorsVersion), from a store that has one. */
  readonly actorsVersion?: string;
}

/** A patient with its place in the practice's patient order (the store's own order, a `seq` column in SQL). */
export interface PlacedPatient {
  readonly seq: number;
  readonly patient: Patient;
}

/** What the bulk export reads besides each patient's record (docs/decisions.md D-B5, D-B6). */
export interface ExportReads {
  /**
   * The practice's patients whatever their state (the caller decides who may be shared), after place
   * `after` (-1: from the first), in place order, at most `limit` of them: one statement.
   */
  patientsAfter(after: number, limit: number): Promise<PlacedPatient[]>;
  /** How many patients the practice holds, whatever their state. */
  patientCount(): Promise<number>;
  /** When the record was loaded into the store: the lastUpdated of an item that has none of its own. */
  importedAt(): Promise<string>;
  /**
   * Resources that were in the practice's record at `since` and removed after it (D-SD1), after place
   * `after` (-1: from the first), in place order, at most `limit`, only of `types` when given: one
   * statement. A store whose data never changes while it serves returns none.
   */
  deletedAfter(
    since: Date,
    after: number,
    limit: number,
    types?: readonly string[],
  ): Promise<DeletedResource[]>;
  /**
   * The instant (ISO 8601) before which deletions may not all be known (records removed before the
   * store kept them, or purged, D-SD4); undefined: every deletion since the practice was first loaded.
   */
  deletionsKnownFrom(): Promise<string | undefined>;
}

/** A resource an import removed, as the bulk export tells it (docs/decisions.md D-SD1). */
export interface DeletedResource {
  /** Its place in the practice's order of deletions (the keyset of deletedAfter). */
  readonly seq: number;
  readonly type: string;
  readonly id: string;
  /** When it was removed (ISO 8601): the import's instant. */
  readonly deletedAt: string;
}

/** One patient's refs of an item round, in a batch (BatchReads.loadItemsBatch). */
export interface PatientRefs {
  readonly patient: Patient;
  readonly refs: readonly ItemRef[];
}

/**
 * The bulk export's batched reads (docs/decisions.md D-EB1): item rounds for many patients at once, so
 * a batch of patients costs a fixed number of round trips however many patients it holds. Each answer
 * is by patient id and must be, for each patient, exactly what the single-patient read would give.
 * Optional: without them a batch is loaded one patient at a time (the same records, more round trips).
 */
export interface BatchReads {
  /** loadCandidates for each of these patients (one query for all), by patient id. */
  loadCandidatesBatch(
    patients: readonly Patient[],
    query: StructuredQuery,
  ): Promise<ReadonlyMap<string, CandidateRound>>;
  /** loadItems for each patient's refs, by patient id (a patient with nothing found may be absent). */
  loadItemsBatch(wanted: readonly PatientRefs[]): Promise<ReadonlyMap<string, PlacedItems>>;
}

/** Item round 1 of one patient, and the practice (which every record names) when read with it. */
export type FirstRound = CandidateRound & {
  readonly practice?: Practice;
  /**
   * The practice's version, from a store that keeps one (docs/decisions.md D-PI4): it changes whenever
   * the practice or any of its actors changes. With it, actors read under the same version are not
   * read again (src/record/actor-cache.ts); loadActors must then give the version it read under too.
   */
  readonly actorsVersion?: string;
};

/** A store's reads; the patient directory (search and Foundations reads) is answered by the store itself. */
export interface RecordSource extends PatientDirectory, ExportReads, Partial<BatchReads> {
  practice(): Promise<Practice>;
  /** The patient with this NHS number, whatever their state. */
  findPatient(nhsNumber: string): Promise<Patient | undefined>;
  /**
   * Optional: findPatient and loadCandidates in one read (docs/decisions.md D-PI3), saving a round
   * trip: the patient with this NHS number (undefined: none) and, when there is one, item round 1 for
   * them as loadCandidates would give it. The round may be read before the caller decides whether the
   * patient may be shared; nothing of it is released unless they may.
   */
  findPatientWithCandidates?(
    nhsNumber: string,
    query: StructuredQuery,
  ): Promise<{ readonly patient: Patient | undefined; readonly first: FirstRound | undefined }>;
  /**
   * Item round 1 (see CandidateRound). A store may give the practice with it (FirstRound), saving a
   * round trip; otherwise the shared code asks practice() once the round is in.
   */
  loadCandidates(patient: Patient, query: StructuredQuery): Promise<FirstRound>;
  /**
   * Item rounds 2 and 3: the patient's items for these refs, all at once. A `medicationIssue` ref
   * returns its whole plan (with every issue) under `medication`; a `consultation` ref the whole
   * consultation. Refs that name no item of this patient are left out. Problem refs are never asked
   * for (the hub has them all). Each item once, whatever the number of refs naming it.
   */
  loadItems(patient: Patient, refs: readonly ItemRef[]): Promise<PlacedItems>;
  /**
   * The actors with these ids, PLUS the organisations those actors refer to (a practitioner role's
   * organisation, a location's managing organisation, a service's provider), in one call. Unknown
   * ids are left out; the practice itself may be among the organisations. A store that gives
   * FirstRound.actorsVersion gives Actors.actorsVersion too, and picks as expandActors does.
   */
  loadActors(ids: ActorIds): Promise<Actors>;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}
