/**
 * DATABASE_READ_URLS (D-S3): clinical reads go to the replicas in turn; a replica that is down is
 * skipped and the primary answers, quickly and with the same record; writes stay on the primary.
 * A real replica is not needed to prove the routing: the "replicas" here are second pools on the
 * test database (or a port nothing listens on, for one that is down).
 */
import { fixedClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { freePort } from '../../tools/throwaway-postgres';
import { NHS, postRecord, TEST_NOW, testApp } from '../support/app';
import { expectBundle } from '../support/fhir';
import { allAreas, parameters } from '../support/parameters';
import { postgresRepositoryFor, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);
const body = parameters(...allAreas(NHS.patient2));

describe('read replicas', () => {
  let database: TestDatabase;
  let primaryOnly: PostgresRepository;
  const opened: PostgresRepository[] = [];

  beforeAll(async () => {
    ({ repository: primaryOnly, database } = await postgresRepositoryFor(testPractice(clock.today())));
  });
  afterAll(async () => {
    await Promise.all([primaryOnly, ...opened].map((r) => r.close()));
    await database.drop();
  });

  const over = (readUrls: string[]) => {
    const repository = new PostgresRepository({ url: database.url, readUrls, ...TEST_DB_OPTIONS }, 'P99001');
    opened.push(repository);
    return repository;
  };

  it('every clinical read of a request goes to the replica, none to the primary, with the same answer', async () => {
    const expected = expectBundle(await postRecord(testApp({ clock, repository: primaryOnly }), body));
    const repository = over([database.url]);
    const bundle = expectBundle(await postRecord(testApp({ clock, repository }), body));
    expect(bundle.entry).toEqual(expected.entry);
    const { primary, replicas } = repository.database.readCounts;
    expect(primary).toBe(0);
    expect(replicas).toEqual([repository.database.queryCount]);
    expect(repository.database.queryCount).toBeGreaterThan(0);
  });

  it('two replicas take the reads in turn', async () => {
    const repository = over([database.url, database.url]);
    const app = testApp({ clock, repository });
    for (let i = 0; i < 3; i++) expectBundle(await postRecord(app, body));
    const { primary, replicas } = repository.database.readCounts;
    expect(primary).toBe(0);
    expect(Math.abs(replicas[0] - replicas[1])).toBeLessThanOrEqual(1);
    expect(replicas[0] + replicas[1]).toBe(repository.database.queryCount);
  });

  it('a replica that is down is skipped: the primary answers at once, and the replica is left to rest', async () => {
    const down = `postgres://gpc@127.0.0.1:${await freePort()}/gone`;
    const repository = over([down]);
    const app = testApp({ clock, repository });
    const started = Date.now();
    const bundle = expectBundle(await postRecord(app, body));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(bundle.entry?.length).toBeGreaterThan(5);
    const first = repository.database.readCounts;
    expect(first).toMatchObject({ replicas: [0], replicaFailures: [1] });
    expect(first.primary).toBe(repository.database.queryCount);
    // Resting: the next request does not try the replica at all, so every read is the primary's.
    expectBundle(await postRecord(app, body));
    expect(repository.database.readCounts).toMatchObject({ replicaFailures: [1] });
    expect(repository.database.readCounts.primary).toBe(repository.database.queryCount);
  });
});
