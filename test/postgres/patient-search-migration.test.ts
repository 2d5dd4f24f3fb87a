/**
 * Migration 002 on a database loaded before it: the search columns of existing patients are filled
 * by the shared code, so searches find them exactly as they find freshly seeded ones.
 */
import type { CalendarDate } from '../../src/fhir/dates';
import { testPractice } from '../../src/record/memory/memory-practices';
import { migrate } from '../../src/record/postgres/migrate';
import { backfillPatientSearch } from '../../src/record/postgres/patient-search-columns';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { seedDataset } from '../../src/record/postgres/seed';
import { TODAY } from '../support/app';
import { createTestDatabase, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';

describe('migration 002_patient_search', () => {
  let database: TestDatabase;
  let repository: PostgresRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    repository = new PostgresRepository({ url: database.url, ...TEST_DB_OPTIONS }, 'P99001');
    await migrate(repository.database);
    await seedDataset(repository.database, testPractice(TODAY as CalendarDate));
  }, 60_000);
  afterAll(async () => {
    await repository.close();
    await database.drop();
  });

  it('fills the search columns of rows that predate it, and searches then find them', async () => {
    await repository.database.query(
      'UPDATE patients SET family_norm = NULL, given_norm = NULL, birth_date = NULL, findable = NULL',
    );
    expect(await repository.searchPatients('P99001', { family: 'hughes' }, 5)).toEqual([]);
    await repository.database.transaction((query) => backfillPatientSearch(query));
    const rows = await repository.database.query<{ n: string }>(
      'SELECT count(*) AS n FROM patients WHERE findable IS NULL',
    );
    expect(rows[0]?.n).toBe('0');
    expect((await repository.searchPatients('P99001', { family: 'hughes' }, 5)).map((p) => p.id)).toEqual([
      'patient2',
    ]);
    expect(await repository.searchPatients('P99001', { family: 'thompson' }, 5)).toEqual([]);
  });

  it('is recorded once: migrating again applies nothing', async () => {
    expect(await migrate(repository.database)).toEqual([]);
  });
});
