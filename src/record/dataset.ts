/** A whole practice's record as a store holds it: the shape the embedded test practice is written in. */
import type { PatientClinicalRecord } from './model';
import type {
  Device,
  HealthcareService,
  Location,
  Organisation,
  Patient,
  Practice,
  Practitioner,
} from './model/people';

export interface PatientData {
  readonly patient: Patient;
  readonly record: PatientClinicalRecord;
}

export interface PracticeDataset {
  readonly practice: Practice;
  readonly practitioners: readonly Practitioner[];
  /** Organisations other than the practice (hospitals, other practices) the records refer to. */
  readonly organisations: readonly Organisation[];
  readonly locations: readonly Location[];
  /** Referral recipients the records refer to. */
  readonly healthcareServices?: readonly HealthcareService[];
  /** Systems that generate diary entries. */
  readonly devices?: readonly Device[];
  readonly patients: readonly PatientData[];
}
