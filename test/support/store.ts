/**
 * Which store the HTTP suites run against. `npm test` runs them over the in-memory store, then again
 * with GPC_TEST_STORE=postgres over PostgreSQL (the embedded practices loaded once per test worker and
 * date, through the same reader as `gpc-admin import`), so every HTTP test proves both stores.
 */
import type { StructuredQuery } from '../../src/contract/structured-query';
import type { CalendarDate } from '../../src/fhir/dates';
import { readPracticeFileSync } from '../../src/format/read-practice-file';
import type { PracticeDataset } from '../../src/record/dataset';
import type { ExportJobStore } from '../../src/record/export-jobs';
import { testPractice } from '../../src/record/memory/memory-practices';
import { embeddedPracticeFiles, MemoryPracticeStore } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import type { Location, Organisation, Patient, Practice, Practitioner } from '../../src/record/model/people';
import type { PatientCriteria } from '../../src/record/patient-directory';
import { migrate } from '../../src/record/postgres/migrate';
import { PostgresExportJobs } from '../../src/record/postgres/postgres-export-jobs';
import { PostgresPracticeStore } from '../../src/record/postgres/postgres-practices';
import { loadPractice } from '../../src/record/postgres/seed';
import {
  applyChange,
  type PracticeStore,
  type PracticeSummary,
  type ServedPractice,
  type SettingsChange,
} from '../../src/record/practices';
import type { ClinicalRepository, OpenedRecord, PatientRecord } from '../../src/record/repository';
import type { DeletedResource, PlacedPatient } from '../../src/record/source';
import { createTestDatabase, postgresRepositoryFor, TEST_DB_OPTIONS } from './postgres';

export const TEST_STORE = process.env.GPC_TEST_STORE === 'postgres' ? 'postgres' : 'memory';

/** The embedded practices' settings as their files give them. */
export const P99001_ASID = '200000000116';
export const P99002_ASID = '200000000216';
export const P99003_ASID = '200000000316';

/** One loaded database per worker and date: loading is the slow part, and the data is read-only. */
const seeded = new Map<CalendarDate, Promise<PostgresPracticeStore>>();

/** Every embedded practice in a fresh PostgreSQL database, through the import path. */
export async function postgresEmbeddedStore(
  today: CalendarDate,
  practiceCacheMs = 60_000,
): Promise<PostgresPracticeStore> {
  const database = await createTestDatabase();
  // The documents shared across requests as the service runs by default (ITEM_CACHE_MB), so every
  // HTTP test over PostgreSQL goes through the cache and the resource memo (D-PI1).
  const store = new PostgresPracticeStore({
    url: database.url,
    ...TEST_DB_OPTIONS,
    practiceCacheMs,
    itemCacheBytes: 64 * 1024 * 1024,
  });
  await migrate(store.database);
  for (const file of embeddedPracticeFiles()) {
    const { dataset, settings, header } = readPracticeFileSync(file, today);
    await loadPractice(store.database, {
      dataset,
      settings,
      datesRelativeTo: header.datesRelativeTo && today,
    });
  }
  return store;
}

/**
 * A view of a store in which some practices' settings are overridden (a test's switches) or one
 * practice's record is replaced (a test's own repository). The store's own data is never changed, so
 * apps sharing it stay independent.
 */
export class OverlayStore implements PracticeStore {
  constructor(
    private readonly inner: Promise<PracticeStore> | PracticeStore,
    private readonly settings: Readonly<Record<string, SettingsChange>> = {},
    private readonly repositories: Readonly<Record<string, ClinicalRepository>> = {},
  ) {}

  async find(odsCode: string): Promise<ServedPractice | undefined> {
    const found = await (await this.inner).find(odsCode);
    if (!found) return undefined;
    const change = this.settings[odsCode];
    const repository = this.repositories[odsCode];
    return {
      odsCode,
      settings: change ? applyChange(found.settings, change) : found.settings,
      repository: repository ?? found.repository,
    };
  }

  async list(): Promise<PracticeSummary[]> {
    return (await this.inner).list();
  }

  async isReady(): Promise<boolean> {
    const all = [(await this.inner).isReady(), ...Object.values(this.repositories).map((r) => r.isReady())];
    return (await Promise.all(all)).every(Boolean);
  }

  /** Shared by every app of the worker; the database goes with the test cluster. */
  async close(): Promise<void> {}
}

/**
 * Export jobs beside the embedded practices: undefined (the app keeps them in memory) for the memory
 * store, the worker's database (migration 005) under PostgreSQL.
 */
export function embeddedExportJobs(today: CalendarDate): ExportJobStore | undefined {
  if (TEST_STORE === 'memory') return undefined;
  let ready = seeded.get(today);
  if (!ready) {
    ready = postgresEmbeddedStore(today);
    seeded.set(today, ready);
  }
  return new PostgresExportJobs(ready.then((s) => s.database));
}

const inMemory = new Map<CalendarDate, MemoryPracticeStore>();

/** The embedded practices in the store under test (read once per worker and date; read-only). */
export function embeddedPractices(today: CalendarDate): PracticeStore {
  if (TEST_STORE === 'memory') {
    let store = inMemory.get(today);
    if (!store) inMemory.set(today, (store = MemoryPracticeStore.fromFiles(embeddedPracticeFiles(), today)));
    return new OverlayStore(store);
  }
  let ready = seeded.get(today);
  if (!ready) {
    ready = postgresEmbeddedStore(today);
    seeded.set(today, ready);
  }
  return new OverlayStore(ready);
}

/** The test practice in memory, for tests that need its repository itself. */
export function embeddedRepository(today: CalendarDate): ClinicalRepository {
  return new MemoryRepository(testPractice(today));
}

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
  async openRecord(nhsNumber: string, query: StructuredQuery): Promise<OpenedRecord> {
    return (await this.ready).openRecord(nhsNumber, query);
  }
  async loadRecords(patients: readonly Patient[], query: StructuredQuery): Promise<PatientRecord[]> {
    return (await this.ready).loadRecords(patients, query);
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
  async patientsAfter(after: number, limit: number): Promise<PlacedPatient[]> {
    return (await this.ready).patientsAfter(after, limit);
  }
  async patientCount(): Promise<number> {
    return (await this.ready).patientCount();
  }
  async importedAt(): Promise<string> {
    return (await this.ready).importedAt();
  }

  async deletedAfter(
    since: Date,
    after: number,
    limit: number,
    types?: readonly string[],
  ): Promise<DeletedResource[]> {
    return (await this.ready).deletedAfter(since, after, limit, types);
  }

  async deletionsKnownFrom(): Promise<string | undefined> {
    return (await this.ready).deletionsKnownFrom();
  }
  async isReady(): Promise<boolean> {
    return (await this.ready).isReady();
  }
  /** Shared by every app of the file; the database goes with the test cluster. */
  async close(): Promise<void> {}
}

/** A test's own dataset in the store under test (seeded once per call: call it once per file). */
export function repositoryFor(dataset: PracticeDataset): ClinicalRepository {
  if (TEST_STORE === 'memory') return new MemoryRepository(dataset);
  return new DeferredRepository(postgresRepositoryFor(dataset).then((r) => r.repository));
}
