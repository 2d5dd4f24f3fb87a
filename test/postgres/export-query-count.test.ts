/**
 * A bulk export's statements (docs/decisions.md D-B10, D-EB1): a batch of patients costs the same fixed
 * number of statements whether it holds 5 patients or 50, whatever their records' sizes: one to list
 * the batch, then the practice, every patient's candidates, two item rounds and the actors.
 */
import { fixedClock } from '../../src/clock';
import { wholeRecordParameters } from '../../src/operations/bulk-export/patient-resources';
import { buildStructuredQuery } from '../../src/operations/structured-record/build-query';
import type { PracticeDataset } from '../../src/record/dataset';
import { MemoryExportJobs } from '../../src/record/memory/memory-export-jobs';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { Patient } from '../../src/record/model/people';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { syntheticPatients } from '../../tools/synthetic-practice';
import { TEST_NOW, testApp } from '../support/app';
import { exportAll } from '../support/bulk-export';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);
const base = testPractice(clock.today());
/** The test practice's patients (the acceptance suite's long and linked records) and 60 synthetic ones. */
const dataset: PracticeDataset = {
  ...base,
  patients: [...base.patients, ...syntheticPatients(60, clock.today())],
};
const patients: Patient[] = dataset.patients.map((p) => p.patient);
const query = buildStructuredQuery(wholeRecordParameters(patients[0].nhsNumber), clock.today(), {
  minDays: 0,
  maxDays: 0,
});
/** At most: the practice, the candidates of every patient, two item rounds, the actors. */
const PER_BATCH = 5;

describe('SQL statements of a bulk export', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(dataset));
  });
  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  async function statementsFor(batch: readonly Patient[]): Promise<number> {
    const before = postgres.database.queryCount;
    const records = await postgres.loadRecords(batch, query);
    expect(records.map((r) => r.patient.id)).toEqual(batch.map((p) => p.id));
    return postgres.database.queryCount - before;
  }

  it('loading the records of 5 patients and of 50 costs the same constant number of statements', async () => {
    // Each batch holds records with links (the test practice's first patients, the synthetic ones).
    const five = await statementsFor(patients.slice(0, 5));
    const fifty = await statementsFor(patients.slice(0, 50));
    const lastFifty = await statementsFor(patients.slice(-50));
    expect([fifty, lastFifty]).toEqual([five, five]);
    expect(five).toBeLessThanOrEqual(PER_BATCH);
    // A batch costs what its costliest patient costs alone with loadRecord, plus the practice's own
    // read (loadRecord reads the practice with the patient's candidates, D-PI2): nothing per patient.
    // Alone, each with no actors kept from before (a repository of its own over the same pool, D-PI4).
    const alone: number[] = [];
    for (const patient of patients.slice(0, 5)) {
      const before = postgres.database.queryCount;
      await new PostgresRepository(postgres.database, dataset.practice.odsCode).loadRecord(patient, query);
      alone.push(postgres.database.queryCount - before);
      expect(await statementsFor([patient])).toBe((alone.at(-1) ?? 0) + 1);
    }
    expect(five).toBe(Math.max(...alone) + 1);
  });

  it.each([5, 50])(
    'an export in batches of %i: one listing and at most 5 statements per batch',
    async (size) => {
      const app = testApp({
        clock,
        repository: postgres,
        env: { EXPORT_BATCH_SIZE: String(size) },
        exportJobs: new MemoryExportJobs(),
      });
      const batches = Math.ceil(patients.length / size);
      const before = postgres.database.queryCount;
      const { manifest } = await exportAll(app);
      const statements = postgres.database.queryCount - before;
      expect(manifest.output.find((o) => o.type === 'Patient')?.count).toBeGreaterThan(60);
      // The count and the import time; each batch's listing (and the last, empty, one); each batch's reads.
      const listing = 2 + batches + 1;
      expect(statements).toBeLessThanOrEqual(listing + PER_BATCH * batches);
      // Every batch holds shareable patients: the practice, the candidates and the actors at least.
      expect(statements).toBeGreaterThanOrEqual(listing + 3 * batches);
    },
  );
});
