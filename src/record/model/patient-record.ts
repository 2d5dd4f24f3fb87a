/** A patient's whole clinical record, and the item reference that problems and consultations link with
 * (Linkages — FHIR profiles returned on query). */
import type { Allergy } from './allergies';
import type { Consultation } from './consultations';
import type { DiaryEntry } from './diary';
import type { ClinicalDocument } from './documents';
import type { Immunisation, ImmunisationStatusRecord } from './immunisations';
import type { InvestigationReport } from './investigations';
import type { MedicationPlan } from './medication';
import type { Observation } from './observations';
import type { Problem } from './problems';
import type { Referral } from './referrals';

/**
 * What a link can point at, one kind per FHIR reference target of ProblemHeader (Condition) page (a
 * medication link names the plan or one of its issues; an investigation link names the report).
 */
export type ItemKind =
  | 'allergy'
  | 'medicationPlan'
  | 'medicationIssue'
  | 'problem'
  | 'consultation'
  | 'immunisation'
  | 'immunisationStatus'
  | 'observation'
  | 'investigation'
  | 'referral'
  | 'diaryEntry'
  | 'document';

/** A link to an item of the same patient's record, e.g. `{ kind: 'medicationPlan', id: 'p2-med-1' }`. */
export type ItemRef = { readonly [K in ItemKind]: { readonly kind: K; readonly id: string } }[ItemKind];

/**
 * The clinical record of one patient, one array per area (names follow `ClinicalArea`). Absent: nothing
 * recorded in that area. Links are held once, on the problem (and in consultation structures); stores
 * index them in the other direction.
 */
export interface PatientClinicalRecord {
  readonly allergies?: readonly Allergy[];
  readonly medication?: readonly MedicationPlan[];
  readonly problems?: readonly Problem[];
  readonly consultations?: readonly Consultation[];
  readonly immunisations?: readonly Immunisation[];
  /** Consent, dissent and invitation records filed under immunisations. */
  readonly immunisationStatuses?: readonly ImmunisationStatusRecord[];
  readonly uncategorisedData?: readonly Observation[];
  readonly investigations?: readonly InvestigationReport[];
  readonly referrals?: readonly Referral[];
  readonly diaryEntries?: readonly DiaryEntry[];
  readonly documents?: readonly ClinicalDocument[];
}
