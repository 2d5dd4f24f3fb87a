/**
 * What every clinical item of the GP record shares, and the small value types the areas reuse.
 * No FHIR here (the record layer never sees FHIR): the bundle layer maps these to the GP Connect
 * profiles of the FHIR resource pages.
 */
import type { CalendarDate } from '../../fhir/dates';

/**
 * A system timestamp with time and offset, e.g. `2019-06-11T10:20:00+01:00`: when something was
 * entered, issued, filed or edited. The GP system always knows these to the second, so they are never
 * partial. Build relative ones as `` `${addDays(today, -3)}T09:30:00+00:00` ``.
 */
export type Timestamp = `${number}-${number}-${number}T${string}` | `${CalendarDate}T${string}`;

/**
 * A clinical date at the precision it was recorded, in FHIR's own string form: `YYYY`, `YYYY-MM`,
 * `YYYY-MM-DD` or a full Timestamp. The bundle copies it unchanged; every date filter turns it into an
 * interval with `partialDateInterval` (fhir/dates.ts) and compares by overlap (docs/decisions.md "Partial
 * dates"). Where a field of this type is optional, absent means "date unknown": date filters always return
 * such items.
 */
export type PartialDate =
  CalendarDate | Timestamp | `${number}` | `${number}-${number}` | `${number}-${number}-${number}`;

/** From `start` to `end` (absent: ongoing or not known). */
export interface DatePeriod {
  readonly start: PartialDate;
  readonly end?: PartialDate;
}

/** Source code systems other than SNOMED CT that GP Connect allows alongside it (the FHIR resource pages
 * shared conventions). */
export type OtherCodeSystem = 'readv2' | 'ctv3' | 'emis-drug' | 'egton' | 'multilex' | 'gemscript';

export interface OtherCode {
  readonly system: OtherCodeSystem;
  readonly code: string;
  readonly display?: string;
}

/**
 * A SNOMED CT coded concept (dm+d products are SNOMED concepts too) as the GP system holds it.
 * Degraded GP2GP entries use the transfer-degraded code with the original term in `text` (Medication page;
 * AllergyIntolerance page).
 */
export interface CodedConcept {
  readonly code: string;
  /** The term as the GP system displays it. */
  readonly display: string;
  /** SNOMED description id of that term (→ the sctdescid extension). */
  readonly descriptionId?: string;
  /** The original term the clinician saw or typed, when it differs from `display` (→ CodeableConcept.text). */
  readonly text?: string;
  /** The same concept in the GP system's source code systems (Read v2, CTV3, drug dictionaries). */
  readonly otherCodes?: readonly OtherCode[];
}

/** A concept held as text only, where a profile allows that (encounter type, test request, reasons). */
export interface TextConcept {
  readonly text: string;
  readonly code?: never;
}

export type Concept = CodedConcept | TextConcept;

/** A labelled value with no element of its own; written as "name: value" into a note or comment
 * (AllergyIntolerance page; Immunization page; Observation pages). */
export interface Qualifier {
  readonly name: string;
  readonly value: string;
}

/** A measured amount. `ucum` is the UCUM code when the unit has one (vital signs, lab results, days supply). */
export interface Quantity {
  readonly value: number;
  readonly unit: string;
  readonly ucum?: string;
  readonly comparator?: '<' | '<=' | '>=' | '>';
}

/** The kinds of administrative actor an item may point at (Retrieve a patient’s structured record — Payload
 * response body supplementary actors). */
export type ActorKind = 'practitioner' | 'organisation' | 'healthcareService' | 'device';

/** A pointer to a dataset actor by id; `ActorRef<'practitioner' | 'organisation'>` narrows where a profile allows fewer. */
export type ActorRef<K extends ActorKind = ActorKind> = {
  readonly [P in K]: { readonly kind: P; readonly id: string };
}[K];

/** What every item of the record carries, consultations included (Bundle page identifiers, docs/spec-notes.md
 * "Confidentiality" confidentiality). */
export interface ItemMetadata {
  /** The GP system's id, unique within the practice for its kind; becomes the FHIR logical id. */
  readonly id: string;
  /** Persistent, globally unique business identifier (→ identifier[].value). Absent: `id` serves, and must then be persistent itself. */
  readonly guid?: string;
  /** When the item was entered into the GP system (audit time) → assertedDate, dateAsserted, issued, recordedDate, authoredOn. */
  readonly recorded: Timestamp;
  /** The practitioner who entered it → recorder, the REC participant, and the fallback for asserter/performer/requester. */
  readonly recorderId: string;
  /**
   * Private, sealed, practice-confidential, in the RCGP exclusion set or held back by patient preference:
   * never exported nor referenced; the lists it would have been in carry `confidential-items`
   * (docs/spec-notes.md "Confidentiality"). Absent: not confidential.
   */
  readonly confidential?: boolean;
  /**
   * When the item last changed in the GP system: what a bulk export's `_since` compares (docs/decisions.md
   * D-B6). Absent: the practice's import into this store (gpc-admin import, or the memory store's start).
   */
  readonly lastUpdated?: Timestamp;
}

/** A journal item: metadata plus the consultation it was recorded in. */
export interface ClinicalItem extends ItemMetadata {
  /**
   * The consultation in which the item was recorded (→ context / encounter; also makes that consultation
   * "related clinical content" of a problem linked to the item, ProblemHeader (Condition) page). The item
   * should then also appear in that consultation's topics. Absent: recorded outside any consultation.
   */
  readonly consultationId?: string;
}
