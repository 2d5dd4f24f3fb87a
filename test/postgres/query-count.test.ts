/** A request costs a small, fixed number of SQL statements, however large the record. */
import { testPractice } from '../../src/record/memory/embedded-practice';
import { fixedClock } from '../../src/clock';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { NHS, postRecord, TEST_NOW, testApp, type TestApp } from '../support/app';
import { expectBundle } from '../support/fhir';
import { allAreas, parameters } from '../support/parameters';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);

describe('SQL statements per request', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(testPractice(clock.today())));
    app = testApp({ clock, repository: postgres });
  });
  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  async function statementsFor(nhs: string): Promise<{ statements: number; entries: number }> {
    const before = postgres.database.queryCount;
    const bundle = expectBundle(await postRecord(app, parameters(...allAreas(nhs))));
    return { statements: postgres.database.queryCount - before, entries: bundle.entry?.length ?? 0 };
  }

  it('is the same for the rich small record (patient2) and the large record (large1), and small', async () => {
    const small = await statementsFor(NHS.patient2);
    const large = await statementsFor(NHS.large1);
    expect(large.entries).toBeGreaterThan(5 * small.entries);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(8);
  });
});
