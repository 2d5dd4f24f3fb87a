/**
 * Issue 12 item 6: a request that is a client error on one store is the same client error on the
 * other. The seeded hostile requests (test/support/hostile.ts) go to an app over the in-memory store
 * and to one over PostgreSQL; each pair of answers has the same status and Spine code, and neither
 * is a 5xx (2147483648 consultations used to be a 503 on PostgreSQL and a 200 in memory).
 */
import { fixedClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { TEST_NOW, testApp } from '../support/app';
import { hostileRequests, sendHostile, serve, spineCodeOf } from '../support/hostile';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const clock = fixedClock(TEST_NOW);

describe('hostile requests: the same answer from both stores', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(testPractice(clock.today())));
  });
  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  it('status and Spine code match for every hostile request, and none is a 5xx', async () => {
    const memoryApp = testApp({ clock });
    const postgresApp = testApp({ clock, repository: postgres });
    const memory = await serve(memoryApp);
    const pg = await serve(postgresApp);
    try {
      const differences: string[] = [];
      for (const r of hostileRequests()) {
        const a = await sendHostile(memoryApp, memory.port, memory.agent, r);
        const b = await sendHostile(postgresApp, pg.port, pg.agent, r);
        const left = `${a.status} ${spineCodeOf(a)}`;
        const right = `${b.status} ${spineCodeOf(b)}`;
        if (left !== right || a.status >= 500)
          differences.push(`${r.name}: memory ${left}, postgres ${right}`);
      }
      expect(differences).toEqual([]);
    } finally {
      memory.close();
      pg.close();
    }
  }, 180_000);
});
