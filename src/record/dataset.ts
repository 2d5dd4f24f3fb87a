/** A whole practice's record as a store holds it: the shape the embedded test practice is written in. */
import type { Location, Organisation, Patient, Practice, Practitioner } from './people';

export interface PatientData {
  readonly patient: Patient;
}

export interface PracticeDataset {
  readonly practice: Practice;
  readonly practitioners: readonly Practitioner[];
  /** Organisations other than the practice (hospitals, other practices) the records refer to. */
  readonly organisations: readonly Organisation[];
  readonly locations: readonly Location[];
  readonly patients: readonly PatientData[];
}
