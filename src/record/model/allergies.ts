/** Allergies and adverse reactions (Allergies guidance; AllergyIntolerance page AllergyIntolerance). */
import type { ClinicalItem, CodedConcept, PartialDate, Qualifier } from './common';

/** The single reaction GP Connect carries (AllergyIntolerance page: at most one reaction with one
 * manifestation). */
export interface AllergyReaction {
  /** Coded manifestation; absent → a nullFlavor (NI with severity only, UNC with text only, else ASKU). */
  readonly manifestation?: CodedConcept;
  /** Free-text description of the reaction. */
  readonly description?: string;
  /** `life-threatening` maps to severity `severe` plus criticality `high`. */
  readonly severity?: 'mild' | 'moderate' | 'severe' | 'life-threatening';
}

/** How an allergy was ended; its presence is what makes an allergy resolved ("Ended allergies", Allergies
 * guidance — ended allergies). */
export interface AllergyEnd {
  readonly date: PartialDate;
  /** Absent (legacy data): the bundle writes "No information available" (test patient16). */
  readonly reason?: string;
}

export interface Allergy extends ClinicalItem {
  /**
   * The causative agent. Also used for an explicit "No known allergies" assertion (SNOMED 716186003 or a
   * descendant, test patient5) and for degraded drug allergies (196461000000101 with the original text).
   */
  readonly code: CodedConcept;
  /** Absent: `medication` (drug allergy, anything feeding prescribing decision support, or undecidable). */
  readonly category?: 'medication' | 'environment';
  readonly type?: 'allergy' | 'intolerance';
  readonly onset?: PartialDate;
  /** The clinician who asserted it, when not the recorder. */
  readonly asserterId?: string;
  readonly reaction?: AllergyReaction;
  /** Qualifiers and unsupported codes, written to `note` as labelled pairs before the free text. */
  readonly qualifiers?: readonly Qualifier[];
  readonly note?: string;
  /** Present: the allergy is resolved and only ever appears contained in the "Ended allergies" list. */
  readonly ended?: AllergyEnd;
}
