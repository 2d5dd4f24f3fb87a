/**
 * A bulk export's statements (docs/decisions.md D-B10): one statement per batch of patients, and then
 * the structured record's own bounded round trips per shareable patient, whatever the record's size.
 */
import { fixedClock } from '../../src/clock';
import { MemoryExportJobs } from '../../src/record/memory/memory-export-jobs';
import { testPractice } from '../../src/record/memory/memory-practices';
import { mayBeFound } from '../../src/record/patient-directory';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { TEST_NOW, testApp } from '../support/app';
import { exportAll } from '../support/bulk-export';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);

describe('SQL statements of a bulk export', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(testPractice(clock.today())));
  });
  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  it.each([5, 50])('batch size %i: one statement per batch, at most 4 per shared patient', async (size) => {
    const app = testApp({
      clock,
      repository: postgres,
      env: { EXPORT_BATCH_SIZE: String(size) },
      exportJobs: new MemoryExportJobs(),
    });
    const dataset = testPractice(clock.today());
    const patients = dataset.patients.length;
    const shared = dataset.patients.filter(
      (p) => mayBeFound(p.patient) && p.patient.sharingConsent === 'consented',
    ).length;
    const before = postgres.database.queryCount;
    await exportAll(app);
    const statements = postgres.database.queryCount - before;
    // The count, the import time, and the batches (the last one empty).
    const listing = 2 + Math.ceil(patients / size) + 1;
    expect(statements).toBeGreaterThanOrEqual(listing + 2 * shared);
    expect(statements).toBeLessThanOrEqual(listing + 4 * shared);
  });
});
