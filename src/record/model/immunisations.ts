/** Immunisations (Immunisations guidance; Immunization page Immunization) and the consent/dissent status
 * records filed with them. */
import type { ClinicalItem, CodedConcept, Concept, PartialDate, Qualifier, Quantity } from './common';
import type { ObservationCommon } from './observations';

/** → vaccinationProtocol; only for given vaccines, and only when dose sequence and target disease are known. */
export interface VaccinationProtocol {
  readonly doseSequence: number;
  readonly targetDiseases: readonly [CodedConcept, ...CodedConcept[]];
  readonly description?: string;
  readonly seriesDoses?: number;
}

interface ImmunisationCommon extends ClinicalItem {
  /** The vaccine product. Absent: unknown (→ nullFlavor UNK). */
  readonly vaccine?: CodedConcept;
  /** The vaccination procedure code, or the "not done" situation code when not given (mandatory). */
  readonly procedure: CodedConcept;
  /** When it was given (or due). Absent: unknown. */
  readonly date?: PartialDate;
  readonly parentPresent?: boolean;
  /** Present when the record is second-hand (→ primarySource false + reportOrigin). Absent: primary source. */
  readonly reportOrigin?: Concept;
  /** The administering clinician, when not the recorder. */
  readonly administeredById?: string;
  /** Where it was given; only if given (or due) in that consultation's location (Immunization page). */
  readonly locationId?: string;
  readonly qualifiers?: readonly Qualifier[];
  readonly note?: string;
}

/** A vaccine given; the details below are only ever sent for given vaccines. */
export interface GivenImmunisation extends ImmunisationCommon {
  readonly notGiven?: false;
  readonly reason?: Concept;
  readonly site?: CodedConcept;
  readonly route?: CodedConcept;
  readonly dose?: Quantity;
  readonly manufacturerId?: string;
  readonly lotNumber?: string;
  readonly expiryDate?: PartialDate;
  readonly protocol?: VaccinationProtocol;
  readonly reasonNotGiven?: never;
}

/** A vaccination not given; returned only with `includeNotGiven`. */
export interface NotGivenImmunisation extends ImmunisationCommon {
  readonly notGiven: true;
  readonly reasonNotGiven?: Concept;
  readonly reason?: never;
  readonly site?: never;
  readonly route?: never;
  readonly dose?: never;
  readonly manufacturerId?: never;
  readonly lotNumber?: never;
  readonly expiryDate?: never;
  readonly protocol?: never;
}

export type Immunisation = GivenImmunisation | NotGivenImmunisation;

/**
 * A consent, dissent or invitation record filed under immunisations: returned with `includeStatus` as
 * an uncategorised-shape Observation, never for uncategorised-data requests (Immunisations guidance). An
 * ended consent or dissent has an `effective` period with an end.
 */
export interface ImmunisationStatusRecord extends ObservationCommon {
  /** Entered in error: never returned. */
  readonly enteredInError?: boolean;
}
