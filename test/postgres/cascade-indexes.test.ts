/**
 * Replacing a practice (D-CL1): `DELETE FROM practice` cascades through every table, and each row
 * deleted checks the foreign keys that reference it. A key with no index led by its columns makes
 * each of those checks scan the practice (a 2,000-patient re-import took 3 times a first import), so
 * after the migrations every foreign key must have one. Read from the catalog, so a table or key added
 * by a later migration without its index fails here.
 */
import type { CalendarDate } from '../../src/fhir/dates';
import { testPractice } from '../../src/record/memory/memory-practices';
import { Database } from '../../src/record/postgres/database';
import { migrate } from '../../src/record/postgres/migrate';
import { seedDataset } from '../../src/record/postgres/seed';
import { TODAY } from '../support/app';
import { createTestDatabase, TEST_DB_OPTIONS, type TestDatabase } from '../support/postgres';

/** Foreign keys of the schema with no index whose leading columns are exactly the key's columns. */
const UNINDEXED_FOREIGN_KEYS = `
SELECT c.conrelid::regclass::text AS "table", c.confrelid::regclass::text AS "references",
  (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS "columns"
FROM pg_constraint c
WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
        AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
ORDER BY 1, 3`;

/** Rows of the practice's tables that the cascade goes through, table by table. */
const COUNTS = `
SELECT (SELECT count(*) FROM patients WHERE practice_ods = $1) AS patients,
       (SELECT count(*) FROM consultations WHERE practice_ods = $1) AS consultations,
       (SELECT count(*) FROM problems WHERE practice_ods = $1) AS problems,
       (SELECT count(*) FROM topic_problem_links WHERE practice_ods = $1) AS links,
       (SELECT count(*) FROM practitioners WHERE practice_ods = $1) AS practitioners`;

describe('migration 006_cascade_indexes', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Database({ url: database.url, ...TEST_DB_OPTIONS });
    await migrate(db);
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('leaves no foreign key without an index led by its columns', async () => {
    expect(await db.query(UNINDEXED_FOREIGN_KEYS)).toEqual([]);
  });

  it('a practice loaded twice holds its rows once, links included (the cascade removed the first load)', async () => {
    const practice = testPractice(TODAY as CalendarDate);
    await seedDataset(db, practice);
    const first = await db.query<Record<string, string>>(COUNTS, ['P99001']);
    expect(Number(first[0]?.links)).toBeGreaterThan(0);
    await seedDataset(db, practice);
    expect(await db.query(COUNTS, ['P99001'])).toEqual(first);
  }, 60_000);
});
