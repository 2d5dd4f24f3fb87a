/**
 * A ClinicalRepository over any RecordSource: the store supplies bulk reads, the shared assembly code
 * (assemble-record.ts) applies every rule. The in-memory and PostgreSQL stores are both this class.
 */
import type { StructuredQuery } from '../contract/structured-query';
import { ActorCache } from './actor-cache';
import { loadRecord, loadRecords } from './assemble-record';
import type { Location, Organisation, Patient, Practice, Practitioner } from './model/people';
import type { PatientCriteria } from './patient-directory';
import type { ClinicalRepository, OpenedRecord, PatientRecord } from './repository';
import type { DeletedResource, PlacedPatient, RecordSource } from './source';

export class SourcedRepository implements ClinicalRepository {
  /** The actors read under the practice's version, for a store that keeps one (D-PI4). */
  readonly actors = new ActorCache();

  constructor(protected readonly source: RecordSource) {}

  practice(): Promise<Practice> {
    return this.source.practice();
  }

  findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return this.source.findPatient(nhsNumber);
  }

  loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord> {
    return loadRecord(this.source, patient, query, undefined, this.actors);
  }

  async openRecord(nhsNumber: string, query: StructuredQuery): Promise<OpenedRecord> {
    const { source } = this;
    if (source.findPatientWithCandidates) {
      const { patient, first } = await source.findPatientWithCandidates(nhsNumber, query);
      return { patient, load: () => loadRecord(source, required(patient), query, first, this.actors) };
    }
    // Through the methods, so a subclass that wraps them (a test's slow or failing store) still does.
    const patient = await this.findPatient(nhsNumber);
    return { patient, load: () => this.loadRecord(required(patient), query) };
  }

  loadRecords(patients: readonly Patient[], query: StructuredQuery): Promise<PatientRecord[]> {
    return loadRecords(this.source, patients, query);
  }

  searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]> {
    return this.source.searchPatients(odsCode, criteria, limit);
  }

  readPatient(odsCode: string, id: string): Promise<Patient | undefined> {
    return this.source.readPatient(odsCode, id);
  }

  readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined> {
    return this.source.readOrganisation(odsCode, id);
  }

  readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined> {
    return this.source.readPractitioner(odsCode, id);
  }

  readLocation(odsCode: string, id: string): Promise<Location | undefined> {
    return this.source.readLocation(odsCode, id);
  }

  patientsAfter(after: number, limit: number): Promise<PlacedPatient[]> {
    return this.source.patientsAfter(after, limit);
  }

  patientCount(): Promise<number> {
    return this.source.patientCount();
  }

  importedAt(): Promise<string> {
    return this.source.importedAt();
  }

  deletedAfter(
    since: Date,
    after: number,
    limit: number,
    types?: readonly string[],
  ): Promise<DeletedResource[]> {
    return this.source.deletedAfter(since, after, limit, types);
  }

  deletionsKnownFrom(): Promise<string | undefined> {
    return this.source.deletionsKnownFrom();
  }

  isReady(): Promise<boolean> {
    return this.source.isReady();
  }

  close(): Promise<void> {
    return this.source.close();
  }
}

/** The patient of an opened record: its caller loads it only once the patient was found. */
function required(patient: Patient | undefined): Patient {
  if (patient === undefined) throw new Error('openRecord: load() called for a patient not found');
  return patient;
}
