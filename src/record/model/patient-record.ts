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

export type { ItemKind, ItemRef } from '../../contract/item-ref';

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
