/**
 * A per-request view of the repository that measures the time spent in it and remembers the query
 * the operation handed it. Created for each request (a few fields), so no state is shared between
 * requests, and the operation's code is untouched.
 */
import type { StructuredQuery } from '../contract/structured-query';
import type { Location, Organisation, Patient, Practice, Practitioner } from '../record/model/people';
import type { PatientCriteria } from '../record/patient-directory';
import type { ClinicalRepository, OpenedRecord, PatientRecord } from '../record/repository';
import type { DeletedResource, PlacedPatient } from '../record/source';

export class TimedRepository implements ClinicalRepository {
  /** Milliseconds spent awaiting the repository so far. */
  elapsedMs = 0;
  /** The query a record was loaded for: set even when the record or the Bundle then fails. */
  query: StructuredQuery | undefined;

  constructor(private readonly inner: ClinicalRepository) {}

  private async timed<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.elapsedMs += performance.now() - started;
    }
  }

  practice(): Promise<Practice> {
    return this.timed(() => this.inner.practice());
  }

  findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return this.timed(() => this.inner.findPatient(nhsNumber));
  }

  loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord> {
    this.query = query;
    return this.timed(() => this.inner.loadRecord(patient, query));
  }

  async openRecord(nhsNumber: string, query: StructuredQuery): Promise<OpenedRecord> {
    const opened = await this.timed(() => this.inner.openRecord(nhsNumber, query));
    return {
      patient: opened.patient,
      load: () => {
        this.query = query;
        return this.timed(() => opened.load());
      },
    };
  }

  loadRecords(patients: readonly Patient[], query: StructuredQuery): Promise<PatientRecord[]> {
    return this.timed(() => this.inner.loadRecords(patients, query));
  }

  searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]> {
    return this.timed(() => this.inner.searchPatients(odsCode, criteria, limit));
  }

  readPatient(odsCode: string, id: string): Promise<Patient | undefined> {
    return this.timed(() => this.inner.readPatient(odsCode, id));
  }

  readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined> {
    return this.timed(() => this.inner.readOrganisation(odsCode, id));
  }

  readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined> {
    return this.timed(() => this.inner.readPractitioner(odsCode, id));
  }

  readLocation(odsCode: string, id: string): Promise<Location | undefined> {
    return this.timed(() => this.inner.readLocation(odsCode, id));
  }

  patientsAfter(after: number, limit: number): Promise<PlacedPatient[]> {
    return this.timed(() => this.inner.patientsAfter(after, limit));
  }

  patientCount(): Promise<number> {
    return this.timed(() => this.inner.patientCount());
  }

  importedAt(): Promise<string> {
    return this.timed(() => this.inner.importedAt());
  }

  deletedAfter(
    since: Date,
    after: number,
    limit: number,
    types?: readonly string[],
  ): Promise<DeletedResource[]> {
    return this.timed(() => this.inner.deletedAfter(since, after, limit, types));
  }

  deletionsKnownFrom(): Promise<string | undefined> {
    return this.timed(() => this.inner.deletionsKnownFrom());
  }

  isReady(): Promise<boolean> {
    return this.inner.isReady();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
