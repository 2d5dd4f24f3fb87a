/**
 * Which store the HTTP suites run against. `npm test` runs them over the in-memory store, then again
 * with GPC_TEST_STORE=postgres over PostgreSQL (the embedded practice seeded once per test worker and
 * date), so every HTTP test proves both stores.
 */
import type { StructuredQuery } from '../../src/contract/structured-query';
import type { CalendarDate } from '../../src/fhir/dates';
import type { PracticeDataset } from '../../src/record/dataset';
import { testPractice } from '../../src/record/memory/embedded-practice';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import type { Location, Organisation, Patient, Practice, Practitioner } from '../../src/record/model/people';
import type { PatientCriteria } from '../../src/record/patient-directory';
import type { ClinicalRepository, PatientRecord } from '../../src/record/repository';
import { postgresRepositoryFor } from './postgres';

export const TEST_STORE = process.env.GPC_TEST_STORE === 'postgres' ? 'postgres' : 'memory';

/** One seeded database per worker and date: seeding is the slow part, and the data is read-only. */
const seeded = new Map<CalendarDate, Promise<ClinicalRepository>>();

/** A repository whose store is opened on first use (testApp is synchronous; seeding is not). */
class DeferredRepository implements ClinicalRepository {
  constructor(private readonly ready: Promise<ClinicalRepository>) {}
  async practice(): Promise<Practice> {
    return (await this.ready).practice();
  }
  async findPatient(nhsNumber: string): Promise<Patient | undefined> {
    return (await this.ready).findPatient(nhsNumber);
  }
  async loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord> {
    return (await this.ready).loadRecord(patient, query);
  }
  async searchPatients(odsCode: string, criteria: PatientCriteria, limit: number): Promise<Patient[]> {
    return (await this.ready).searchPatients(odsCode, criteria, limit);
  }
  async readPatient(odsCode: string, id: string): Promise<Patient | undefined> {
    return (await this.ready).readPatient(odsCode, id);
  }
  async readOrganisation(odsCode: string, id: string): Promise<Organisation | undefined> {
    return (await this.ready).readOrganisation(odsCode, id);
  }
  async readPractitioner(odsCode: string, id: string): Promise<Practitioner | undefined> {
    return (await this.ready).readPractitioner(odsCode, id);
  }
  async readLocation(odsCode: string, id: string): Promise<Location | undefined> {
    return (await this.ready).readLocation(odsCode, id);
  }
  async isReady(): Promise<boolean> {
    return (await this.ready).isReady();
  }
  /** Shared by every app of the worker; the database goes with the test cluster. */
  async close(): Promise<void> {}
}

/** The embedded practice in the store under test. */
export function embeddedRepository(today: CalendarDate): ClinicalRepository {
  if (TEST_STORE === 'memory') return new MemoryRepository(testPractice(today));
  let ready = seeded.get(today);
  if (!ready) {
    ready = postgresRepositoryFor(testPractice(today)).then((r) => r.repository);
    seeded.set(today, ready);
  }
  return new DeferredRepository(ready);
}

/** A test's own dataset in the store under test (seeded once per call: call it once per file). */
export function repositoryFor(dataset: PracticeDataset): ClinicalRepository {
  if (TEST_STORE === 'memory') return new MemoryRepository(dataset);
  return new DeferredRepository(postgresRepositoryFor(dataset).then((r) => r.repository));
}
