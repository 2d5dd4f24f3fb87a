/**
 * A ClinicalRepository over any RecordSource: the store supplies bulk reads, the shared assembly code
 * (assemble-record.ts) applies every rule. The in-memory and PostgreSQL stores are both this class.
 */
import type { StructuredQuery } from '../contract/structured-query';
import { loadRecord } from './assemble-record';
import type { Patient, Practice } from './model/people';
import type { ClinicalRepository, PatientRecord } from './repository';
import type { RecordSource } from './source';

export class SourcedRepository implements ClinicalRepository {
  constructor(protected readonly source: RecordSource) {}

  practice(): Promise<Practice> {
    return this.source.practice();
  }

  findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return this.source.findPatient(nhsNumber);
  }

  loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord> {
    return loadRecord(this.source, patient, query);
  }

  isReady(): Promise<boolean> {
    return this.source.isReady();
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
