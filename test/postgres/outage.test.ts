/**
 * The database stops in the middle of a run: requests get 503 OperationOutcomes with Retry-After,
 * never a hang or a crash, and 200s again once it is back, without restarting the server.
 * This file starts its own PostgreSQL so that stopping it disturbs no other test.
 */
import { fixedClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { migrate } from '../../src/record/postgres/migrate';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { seedDataset } from '../../src/record/postgres/seed';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/throwaway-postgres';
import { NHS, postRecord, TEST_NOW, type TestApp, testApp } from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { area, bool, nhsNumber, parameters } from '../support/parameters';
import { FOUNDATIONS, getFhir, searchPatients } from '../support/patient-search';

const clock = fixedClock(TEST_NOW);
const body = parameters(
  nhsNumber(NHS.patient2),
  area('includeAllergies', bool('includeResolvedAllergies', false)),
);

describe('database outage during a run', () => {
  let server: ThrowawayPostgres;
  let repository: PostgresRepository;
  let app: TestApp;

  beforeAll(async () => {
    server = await startThrowawayPostgres();
    repository = new PostgresRepository(
      { url: server.url, poolSize: 4, statementTimeoutMs: 2000, retryAfterSeconds: 7 },
      'P99001',
    );
    await migrate(repository.database);
    await seedDataset(repository.database, testPractice(clock.today()));
    app = testApp({ clock, repository });
  }, 60_000);
  afterAll(async () => {
    await repository.close();
    server.destroy();
  });

  it('answers 200, then 503 with Retry-After while the database is down, then 200 again', async () => {
    expectBundle(await postRecord(app, body));
    expect(await repository.isReady()).toBe(true);

    server.stop();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await postRecord(app, body);
      const outcome = expectOperationOutcome(res, 503, 'SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('7');
      expect(outcome.issue[0].diagnostics).not.toMatch(/ECONNREFUSED|SELECT|postgres/i);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect(await repository.isReady()).toBe(false);

    server.start();
    expectBundle(await postRecord(app, body));
    expect(await repository.isReady()).toBe(true);
  }, 60_000);

  it('a patient search or read gets 503 with Retry-After while the database is down', async () => {
    // A fresh app: its first search must find the practice through the database.
    const fresh = testApp({ clock, repository });
    const search = () => searchPatients(fresh, 'family=hughes&birthdate=1948-09-30');
    server.stop();
    try {
      const read = await getFhir(fresh, '/Patient/patient2', FOUNDATIONS.readPatient, 'patient/*.read');
      for (const res of [await search(), read]) {
        const outcome = expectOperationOutcome(res, 503, 'SERVICE_UNAVAILABLE');
        expect(res.headers['retry-after']).toBe('7');
        expect(outcome.issue[0].diagnostics).not.toMatch(/ECONNREFUSED|SELECT|postgres/i);
      }
    } finally {
      server.start();
    }
    const res = await search();
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['patient2']);
  }, 60_000);
});
