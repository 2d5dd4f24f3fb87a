/**
 * The interface between the operation and the record layer (internal). The in-memory and PostgreSQL
 * stores both reach it through SourcedRepository over a RecordSource, the one plug-in point.
 */
import type { StructuredQuery } from '../contract/structured-query';
import type { PatientRecord } from './model/loaded-record';
import type { Patient, Practice } from './model/people';
import type { PatientDirectory } from './patient-directory';
import type { ExportReads } from './source';

export type { AreaResult, AreaResults, PatientRecord, WithheldLink } from './model/loaded-record';

/** ClinicalRepository.openRecord's answer. */
export interface OpenedRecord {
  /** The patient with the NHS number, whatever their state (undefined: none). */
  readonly patient: Patient | undefined;
  /** The patient's record for the query (the patient must be there). */
  load(): Promise<PatientRecord>;
}

/**
 * INTERNAL: what the operation asks of a store. Not a vendor plug-in point: a vendor implements
 * RecordSource (docs/record-source.md), and SourcedRepository turns it into this interface with the
 * shared filters, links and confidentiality redaction applied.
 */
export interface ClinicalRepository extends PatientDirectory, ExportReads {
  /** The practice this store serves. */
  practice(): Promise<Practice>;
  /** The patient with this NHS number, whatever their state (the record layer decides who may be shared). */
  findPatient(nhsNumber: string): Promise<Patient | undefined>;
  /** Exactly the parts of the record the query asks for, with every area's filter applied. */
  loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord>;
  /**
   * findPatient and loadRecord as one: the patient with this NHS number, and their record for `query`
   * once the caller has checked that it may be shared. A store may read the patient and the record's
   * first round in one statement (docs/decisions.md D-PI3); nothing read is released before `load`.
   */
  openRecord(nhsNumber: string, query: StructuredQuery): Promise<OpenedRecord>;
  /**
   * The bulk export's read: each patient's record for the query, in the order given, each equal to
   * what loadRecord gives; a fixed number of round trips for the batch (docs/decisions.md D-EB1).
   * `query.nhsNumber` is not used. Every record is in memory at once: the caller bounds the batch.
   */
  loadRecords(patients: readonly Patient[], query: StructuredQuery): Promise<PatientRecord[]>;
  /**
   * True when loadRecord gives the same item objects on every call while the practice's data is
   * unchanged (the memory store; PostgreSQL while a row's stored text is, D-PI1), so the bundle may
   * remember what it mapped from them
   * (src/bundle/engine/resource-memo.ts). Items must then never be changed in place.
   */
  readonly longLivedItems?: boolean;
  /** Whether the store can answer now (readiness). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}
