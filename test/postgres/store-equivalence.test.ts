/**
 * The two stores answer byte for byte alike: for every patient of the embedded practice and every
 * clinical area (and the whole record, and both predefined searches), the PostgreSQL Bundle equals
 * the in-memory one (trace ids are the same by construction, so nothing is ignored). PostgreSQL is
 * asked both ways: parsing every row afresh, and sharing documents across requests (DetailCache,
 * D-PI1) so that its answers come through the resource memo, asked twice (mapped, then remembered).
 */
import { fixedClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { DetailCache } from '../../src/record/postgres/detail-cache';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { postRecord, rel, TEST_NOW, type TestApp, testApp } from '../support/app';
import {
  allAreas,
  area,
  bool,
  nhsNumber,
  type Parameter,
  parameters,
  predefinedSearch1,
  predefinedSearch2,
} from '../support/parameters';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);
const dataset = testPractice(clock.today());

const REQUESTS: Record<string, (nhs: string) => Parameter[]> = {
  allergies: (nhs) => [nhsNumber(nhs), area('includeAllergies', bool('includeResolvedAllergies', true))],
  medication: (nhs) => [nhsNumber(nhs), area('includeMedication')],
  consultations: (nhs) => [nhsNumber(nhs), area('includeConsultations')],
  problems: (nhs) => [nhsNumber(nhs), area('includeProblems')],
  immunisations: (nhs) => [nhsNumber(nhs), area('includeImmunisations', bool('includeNotGiven', true))],
  uncategorised: (nhs) => [nhsNumber(nhs), area('includeUncategorisedData')],
  investigations: (nhs) => [nhsNumber(nhs), area('includeInvestigations')],
  referrals: (nhs) => [nhsNumber(nhs), area('includeReferrals')],
  diary: (nhs) => [nhsNumber(nhs), area('includeDiaryEntries')],
  'whole record': allAreas,
  'predefined search 1': (nhs) => predefinedSearch1(nhs, rel(-365)),
  'predefined search 2': (nhs) => predefinedSearch2(nhs, rel(-365)),
};

describe('PostgreSQL and in-memory stores give identical Bundles', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;
  let shared: { repository: PostgresRepository; database: TestDatabase };
  let memoryApp: TestApp;
  let postgresApp: TestApp;
  let sharedApp: TestApp;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(dataset));
    shared = await postgresRepositoryFor(dataset, new DetailCache(64 * 1024 * 1024));
    memoryApp = testApp({ clock });
    postgresApp = testApp({ clock, repository: postgres });
    sharedApp = testApp({ clock, repository: shared.repository });
  });
  afterAll(async () => {
    await postgres.close();
    await database.drop();
    await shared.repository.close();
    await shared.database.drop();
  });

  const patients = dataset.patients.map((p) => [p.patient.id, p.patient.nhsNumber] as const);
  describe.each(patients)('%s', (_id, nhs) => {
    it.each(Object.keys(REQUESTS))('%s', async (name) => {
      const body = parameters(...REQUESTS[name](nhs));
      const [fromMemory, fromPostgres] = [
        await postRecord(memoryApp, body),
        await postRecord(postgresApp, body),
      ];
      expect(fromPostgres.status).toBe(fromMemory.status);
      expect(fromPostgres.text).toBe(fromMemory.text);
      for (const pass of ['mapped', 'remembered']) {
        const fromShared = await postRecord(sharedApp, body);
        expect({ pass, status: fromShared.status }).toEqual({ pass, status: fromMemory.status });
        expect(fromShared.text).toBe(fromMemory.text);
      }
    });
  });
});
