/**
 * Uncategorised data (Uncategorised data guidance; Observation pages Observation): coded items that belong to
 * no other area, blood pressure readings, and inbound referrals. Investigation results reuse the value types.
 */
import type {
  ActorRef,
  ClinicalItem,
  CodedConcept,
  Concept,
  DatePeriod,
  PartialDate,
  Qualifier,
  Quantity,
} from './common';

export type ObservationValue =
  | ({ readonly type: 'quantity' } & Quantity)
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'coded'; readonly value: CodedConcept }
  | { readonly type: 'range'; readonly low?: Quantity; readonly high?: Quantity };

/** A reference range in the value's unit; bounds written as `<`/`>` text go in `text` (Observation pages). */
export interface ReferenceRange {
  readonly low?: number;
  readonly high?: number;
  readonly text?: string;
}

/** What every uncategorised-shape Observation has (also immunisation status records). */
export interface ObservationCommon extends ClinicalItem {
  readonly code: CodedConcept;
  /** When it applies; filtered by `uncategorisedDataSearchPeriod`. Absent: unknown, always returned. */
  readonly effective?: PartialDate | DatePeriod;
  /** Who performed it; for an inbound referral, the referrer. Absent: the recorder. */
  readonly performers?: readonly ActorRef<'practitioner' | 'organisation'>[];
  /** Qualifiers go into `comment` before the text. */
  readonly qualifiers?: readonly Qualifier[];
  /** Free text; "Self referral" for a self-referral. */
  readonly comment?: string;
}

/** A coded item with an optional value. */
export interface SimpleObservation extends ObservationCommon {
  readonly kind?: 'simple';
  readonly value?: ObservationValue;
  readonly referenceRange?: ReferenceRange;
  readonly interpretation?: Concept;
  /** The parent of a hierarchy (parent → has-member, this → derived-from). */
  readonly parentId?: string;
  /** Labelled details of an inbound referral (→ component with code.text = label). */
  readonly details?: readonly Qualifier[];
}

/**
 * A blood-pressure triple: `code` is the panel (163020007, 163035008 sitting, …); the bundle takes the
 * systolic/diastolic component codes that pair with it from the Observation pages table. A missing reading →
 * a component with dataAbsentReason. Values are mm[Hg].
 */
export interface BloodPressure extends ObservationCommon {
  readonly kind: 'bloodPressure';
  readonly systolic?: number;
  readonly diastolic?: number;
  readonly interpretation?: Concept;
}

/** An uncategorised item; references use kind `observation`. */
export type Observation = SimpleObservation | BloodPressure;
