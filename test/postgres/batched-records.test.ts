/**
 * The bulk export's batched read (docs/decisions.md D-EB1): for every patient of the embedded practices,
 * on both stores, the record `loadRecords` gives for a batch equals the one `loadRecord` gives for that
 * patient alone, for the export's whole-record query with the practice's switches and for filtered
 * queries (predefined search 2, the most recent consultation, search periods and dates).
 */
import { fixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import type { StructuredQuery } from '../../src/contract/structured-query';
import { wholeRecordParameters } from '../../src/operations/bulk-export/patient-resources';
import { applyAreaSwitches } from '../../src/operations/structured-record/area-switches';
import { buildStructuredQuery } from '../../src/operations/structured-record/build-query';
import { EMBEDDED_PRACTICE_FILES, embeddedPractice } from '../../src/record/memory/memory-practices';
import { MemoryRepository } from '../../src/record/memory/memory-repository';
import { MemorySource } from '../../src/record/memory/memory-source';
import type { Patient } from '../../src/record/model/people';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import type { ClinicalRepository } from '../../src/record/repository';
import type { RecordSource } from '../../src/record/source';
import { SourcedRepository } from '../../src/record/sourced-repository';
import { rel, TEST_NOW } from '../support/app';
import { area, date, int, nhsNumber, parameters, period, predefinedSearch2 } from '../support/parameters';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);
const today = clock.today();
const { predefinedMedicationDays } = loadConfig({});
const ODS_CODES = EMBEDDED_PRACTICE_FILES.map((f) => f.replace(/\.jsonl$/, ''));

const QUERIES: Record<string, (nhs: string) => object> = {
  'whole record': wholeRecordParameters,
  'predefined search 2': (nhs) => parameters(...predefinedSearch2(nhs, rel(-365))),
  'the most recent consultation': (nhs) =>
    parameters(
      nhsNumber(nhs),
      area('includeConsultations', int('includeNumberOfMostRecent', 1)),
      area('includeProblems'),
    ),
  'search periods': (nhs) =>
    parameters(
      nhsNumber(nhs),
      area('includeMedication', date('medicationSearchFromDate', rel(-200))),
      area('includeUncategorisedData', period('uncategorisedDataSearchPeriod', rel(-3000), rel(-30))),
      area('includeDiaryEntries'),
    ),
};

function queryFor(ods: string, name: string, patient: Patient): StructuredQuery {
  const { settings } = embeddedPractice(ods, today);
  const parsed = buildStructuredQuery(QUERIES[name](patient.nhsNumber), today, predefinedMedicationDays);
  return applyAreaSwitches(parsed, new Set(settings.disabledAreas), settings.documentsDisabled);
}

/** Splits `items` into batches of `size`. */
function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

describe.each(['memory', 'postgres'] as const)('loadRecords on the %s store', (store) => {
  const repositories = new Map<string, ClinicalRepository>();
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    for (const ods of ODS_CODES) {
      const { dataset } = embeddedPractice(ods, today);
      if (store === 'memory') {
        repositories.set(ods, new MemoryRepository(dataset));
      } else {
        const { repository, database } = await postgresRepositoryFor(dataset);
        repositories.set(ods, repository);
        databases.push(database);
      }
    }
  });
  afterAll(async () => {
    for (const repository of repositories.values()) await repository.close();
    for (const database of databases) await database.drop();
  });

  describe.each(ODS_CODES)('%s', (ods) => {
    it.each(Object.keys(QUERIES))(
      '%s: each record of a batch equals loadRecord of the patient alone',
      async (name) => {
        const repository = repositories.get(ods)!;
        const patients = embeddedPractice(ods, today).dataset.patients.map((p) => p.patient);
        const query = queryFor(ods, name, patients[0]);
        // The whole practice in one batch, and in batches of 3 (so batches split linked patients apart).
        for (const size of [patients.length, 3]) {
          for (const batch of batches(patients, size)) {
            const records = await repository.loadRecords(batch, query);
            expect(records).toHaveLength(batch.length);
            for (const [i, patient] of batch.entries()) {
              const alone = await repository.loadRecord(patient, queryFor(ods, name, patient));
              expect(records[i]).toEqual(alone);
            }
          }
        }
      },
    );
  });

  it('an empty batch reads nothing', async () => {
    const repository = repositories.get('P99001')! as ClinicalRepository & Partial<PostgresRepository>;
    const before = repository.database?.queryCount ?? 0;
    const patient = embeddedPractice('P99001', today).dataset.patients[0].patient;
    expect(await repository.loadRecords([], queryFor('P99001', 'whole record', patient))).toEqual([]);
    expect(repository.database?.queryCount ?? 0).toBe(before);
  });
});

it('loadRecords over a store without the batched reads gives the same records, one patient at a time', async () => {
  const { dataset } = embeddedPractice('P99001', today);
  // A vendor's source that implements only the required reads.
  const plain: RecordSource = Object.assign(Object.create(new MemorySource(dataset)) as MemorySource, {
    loadCandidatesBatch: undefined,
    loadItemsBatch: undefined,
  });
  const repository = new SourcedRepository(plain);
  const patients = dataset.patients.map((p) => p.patient);
  const query = queryFor('P99001', 'whole record', patients[0]);
  const records = await repository.loadRecords(patients, query);
  const memory = new MemoryRepository(dataset);
  for (const [i, patient] of patients.entries()) {
    expect(records[i]).toEqual(await memory.loadRecord(patient, query));
  }
});
