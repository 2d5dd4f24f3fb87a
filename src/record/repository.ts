/**
 * The contract between the operation and a GP system's store. A vendor plugs in its own record by
 * implementing this interface; the in-memory store (embedded test practice) and the PostgreSQL store
 * are the two that ship.
 */
import type { StructuredQuery } from '../structured/structured-query';
import type { Location, Organisation, Patient, Practice, Practitioner } from './people';

/**
 * What one request needs from the store: the patient, the practice, and the actors the record
 * refers to. Clinical areas are added to this shape by the record model.
 */
export interface PatientRecord {
  readonly patient: Patient;
  readonly practice: Practice;
  /** Every practitioner referenced by the patient (usual GP) or by a returned item. */
  readonly practitioners: readonly Practitioner[];
  /** Every organisation other than the practice referenced by a returned item. */
  readonly organisations: readonly Organisation[];
  readonly locations: readonly Location[];
}

export interface ClinicalRepository {
  /** The practice this store serves. */
  practice(): Promise<Practice>;
  /** The patient with this NHS number, whatever their state (the record layer decides who may be shared). */
  findPatient(nhsNumber: string): Promise<Patient | undefined>;
  /** Exactly the parts of the record the query asks for, with every area's filter applied. */
  loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord>;
  /** Whether the store can answer now (readiness). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}
