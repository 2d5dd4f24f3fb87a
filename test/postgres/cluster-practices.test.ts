/**
 * WORKERS=2 over PostgreSQL (issue 15, D-70): `gpc-admin practice disable` is seen by every worker
 * within PRACTICE_CACHE_MS, each reading the switches from the store, and enable brings them back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AdminIo, runAdmin } from '../../src/cli/admin';
import { systemClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { type AuditLine, postRecord, type RunningService, startService } from '../support/cluster';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

describe('WORKERS=2 over PostgreSQL: the practice switches', () => {
  let db: TestDatabase;
  let dir: string;
  let service: RunningService;

  beforeAll(async () => {
    const { repository, database } = await postgresRepositoryFor(testPractice(systemClock.today()));
    await repository.close();
    db = database;
    dir = mkdtempSync(join(tmpdir(), 'gpc-cluster-pg-'));
  });
  afterAll(async () => {
    service?.kill();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const workersOf = (ids: string[]) =>
    new Set(
      readFileSync(join(dir, 'audit.log'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as AuditLine)
        .filter((r) => r.type === 'request' && ids.includes(r.traceId as string))
        .map((r) => r.worker),
    );

  async function admin(...argv: string[]): Promise<void> {
    const out: string[] = [];
    const io: AdminIo = { env: { DATABASE_URL: db.url }, out: (l) => out.push(l), err: (l) => out.push(l) };
    expect(await runAdmin(argv, io)).toBe(0);
  }

  it('a practice disabled with gpc-admin is refused by every worker within PRACTICE_CACHE_MS', async () => {
    await admin('practice', 'enable', 'P99001');
    service = await startService({
      REPOSITORY: 'postgres',
      DATABASE_URL: db.url,
      PRACTICE_CACHE_MS: '500',
      AUDIT_LOG: join(dir, 'audit.log'),
      // About the switches, not shedding: a busy test machine must not turn a request into a 503.
      MAX_QUEUE_DELAY_MS: '0',
    });
    await service.waitFor(/"message":"listening".*"workers":2/);
    const before = Array.from({ length: 6 }, (_, i) => `on-${i}`);
    expect(
      (await Promise.all(before.map((id) => postRecord(service.port, id)))).map((a) => a.status),
    ).toEqual(before.map(() => 200));
    expect(workersOf(before).size).toBe(2);

    await admin('practice', 'disable', 'P99001');
    // PRACTICE_CACHE_MS is 500; a margin for a loaded machine.
    await new Promise((r) => setTimeout(r, 1500));
    const off = Array.from({ length: 6 }, (_, i) => `off-${i}`);
    const refused = await Promise.all(off.map((id) => postRecord(service.port, id)));
    expect(refused.map((a) => a.status)).toEqual(off.map(() => 403));
    expect(refused[0].body).toContain('ACCESS DENIED');
    expect(refused[0].body).toContain('disabled at this practice');
    expect(workersOf(off).size).toBe(2);

    await admin('practice', 'enable', 'P99001');
    await new Promise((r) => setTimeout(r, 1500));
    const back = Array.from({ length: 4 }, (_, i) => `back-${i}`);
    expect((await Promise.all(back.map((id) => postRecord(service.port, id)))).map((a) => a.status)).toEqual(
      back.map(() => 200),
    );
  }, 300_000);
});
