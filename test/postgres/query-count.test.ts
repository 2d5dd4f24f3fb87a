/** A request costs a small, fixed number of SQL statements, however large the record. */
import type { Bundle, Practitioner, Resource } from 'fhir/r3';

import { fixedClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { PostgresPracticeStore } from '../../src/record/postgres/postgres-practices';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { NHS, postRecord, TEST_NOW, type TestApp, testApp } from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { allAreas, parameters } from '../support/parameters';
import { postgresRepositoryFor, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';
import { P99002_ASID, postgresEmbeddedStore } from '../support/store';

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

  /** `on`: an app of its own (a repository with no actors kept yet) over the same pool. */
  async function statementsFor(
    nhs: string,
    on: TestApp = app,
  ): Promise<{ statements: number; entries: number; bundle: Bundle }> {
    const before = postgres.database.queryCount;
    const bundle = expectBundle(await postRecord(on, parameters(...allAreas(nhs))));
    return { statements: postgres.database.queryCount - before, entries: bundle.entry?.length ?? 0, bundle };
  }
  const freshApp = () => testApp({ clock, repository: new PostgresRepository(postgres.database, 'P99001') });

  it('is the same for the rich small record (patient2) and the large record (large1), and small', async () => {
    const small = await statementsFor(NHS.patient2, freshApp());
    const large = await statementsFor(NHS.large1, freshApp());
    expect(large.entries).toBeGreaterThan(5 * small.entries);
    expect(large.statements).toBe(small.statements);
    // The patient with item round 1 and the practice (D-PI3), one link round (the second finds
    // nothing left to read for these two), the actors.
    expect(small.statements).toBe(3);
  });

  it('reads the patient with the first round: one statement for a patient who is refused', async () => {
    for (const [nhs, status, code] of [
      ['9100000000', 404, 'PATIENT_NOT_FOUND'],
      [NHS.patient15, 403, 'NO_PATIENT_CONSENT'],
    ] as const) {
      const before = postgres.database.queryCount;
      expectOperationOutcome(await postRecord(app, parameters(...allAreas(nhs))), status, code);
      expect(postgres.database.queryCount - before).toBe(1);
    }
  });

  it('reads the actors once per practice version: a later request naming none new reads none (D-PI4)', async () => {
    const on = freshApp();
    const first = await statementsFor(NHS.patient2, on);
    const again = await statementsFor(NHS.patient2, on);
    expect([first.statements, again.statements]).toEqual([3, 2]);
    expect(entriesOf(again.bundle, 'Practitioner')).toEqual(entriesOf(first.bundle, 'Practitioner'));
    expect(entriesOf(again.bundle, 'Organization')).toEqual(entriesOf(first.bundle, 'Organization'));
    expect(entriesOf(again.bundle, 'Practitioner').length).toBeGreaterThan(0);
  });

  it('reads them again once an actor is changed, by hand or by a settings change, and shows the change', async () => {
    const on = freshApp();
    const named = entriesOf((await statementsFor(NHS.patient2, on)).bundle, 'Practitioner') as Practitioner[];
    const id = named[0].id ?? '';
    await postgres.database.query(
      `UPDATE practitioners SET detail = jsonb_set(detail, '{name,family}', '"Renamed"')
        WHERE practice_ods = 'P99001' AND id = $1`,
      [id],
    );
    const after = await statementsFor(NHS.patient2, on);
    expect(after.statements).toBe(3);
    const renamed = (entriesOf(after.bundle, 'Practitioner') as Practitioner[]).find((p) => p.id === id);
    expect(renamed?.name?.[0]?.family).toBe('Renamed');
    expect((await statementsFor(NHS.patient2, on)).statements).toBe(2);
    // Any change to the practice's row moves its version too (its settings, its own details).
    await postgres.database.query(`UPDATE practice SET gpc_enabled = gpc_enabled WHERE ods_code = 'P99001'`);
    expect((await statementsFor(NHS.patient2, on)).statements).toBe(3);
  });
});

/** The resources of one type in a Bundle, in order. */
function entriesOf(bundle: Bundle, type: string): Resource[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource?.resourceType === type ? [e.resource] : []));
}

describe('SQL statements per request through the practice store', () => {
  let store: PostgresPracticeStore;
  let app: TestApp;

  beforeAll(async () => {
    store = await postgresEmbeddedStore(clock.today(), 60_000);
    app = testApp({ clock, practices: store });
  });
  afterAll(() => store.close());

  async function statementsFor(nhs: string, ods = 'P99001', asid?: string): Promise<number> {
    const before = store.database.queryCount;
    expectBundle(
      await postRecord(app, parameters(...allAreas(nhs)), { ods, headers: asid ? { 'Ssp-To': asid } : {} }),
    );
    return store.database.queryCount - before;
  }

  it('reads a practice settings once per PRACTICE_CACHE_MS, then the same fixed count as before', async () => {
    const first = await statementsFor(NHS.patient2);
    const warm = await statementsFor(NHS.patient2);
    const third = await statementsFor(NHS.patient2);
    // The first also reads the settings and the actors (kept under the practice's version, D-PI4).
    expect([first, third]).toEqual([warm + 2, warm]);
    expect(warm).toBe(2);
    await statementsFor(NHS.large1);
    expect(await statementsFor(NHS.large1)).toBe(warm);
    // Another practice: its own settings and actors read once, then neither.
    const other = await statementsFor('9690941003', 'P99002', P99002_ASID);
    expect(await statementsFor('9690941003', 'P99002', P99002_ASID)).toBe(other - 2);
  });
});

describe('prepared statements, planned once (D-S2)', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(testPractice(clock.today())));
    await postgres.close();
    // One connection, so the statements prepared by requests are visible to the next query.
    postgres = new PostgresRepository({ url: database.url, ...TEST_DB_OPTIONS, poolSize: 1 }, 'P99001');
    app = testApp({ clock, repository: postgres });
  });
  afterAll(async () => {
    await postgres.close();
    await database.drop();
  });

  it('every read of a request is a named prepared statement, run with a generic plan, never a custom one', async () => {
    for (const nhs of [NHS.patient2, NHS.large1, NHS.patient2]) {
      expectBundle(await postRecord(app, parameters(...allAreas(nhs))));
    }
    const statements = await postgres.database.query<{ name: string; generic: number; custom: number }>(
      `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
       WHERE NOT from_sql`,
    );
    const perRequest = postgres.database.queryCount / 3;
    expect(statements.length).toBeGreaterThanOrEqual(perRequest - 1);
    for (const s of statements) {
      expect(s.name).toMatch(/^gpc_[0-9a-f]{24}$/);
      expect(s.custom).toBe(0);
      expect(s.generic).toBeGreaterThan(0);
    }
    // The same statements for the small and the large record: the plans were made once.
    expect(statements.reduce((n, s) => n + s.generic, 0)).toBe(postgres.database.queryCount - 1);
  });
});
