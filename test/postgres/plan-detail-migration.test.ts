/**
 * Migrations 009 (each plan's issues into its detail) and 010 (item detail as json) on a database
 * loaded before them: every patient's record is then answered exactly as the in-memory store answers
 * it, issues included, and a practice exported from it is the practice exported from a fresh load.
 */
import { fixedClock } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { Database } from '../../src/record/postgres/database';
import { exportPractice } from '../../src/record/postgres/export';
import { migrate } from '../../src/record/postgres/migrate';
import { MIGRATIONS } from '../../src/record/postgres/migrations';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { seedDataset } from '../../src/record/postgres/seed';
import { postRecord, rel, TEST_NOW, testApp } from '../support/app';
import { allAreas, parameters, predefinedSearch2 } from '../support/parameters';
import {
  createTestDatabase,
  postgresRepositoryFor,
  TEST_DB_OPTIONS,
  type TestDatabase,
} from '../support/postgres';

const clock = fixedClock(TEST_NOW);
const dataset = testPractice(clock.today());
const ODS = dataset.practice.odsCode;

/** The schema and rows as the release before 009 left them: plans without their issues, jsonb detail. */
async function loadedBefore009(url: string): Promise<void> {
  const db = new Database({ url, ...TEST_DB_OPTIONS });
  try {
    await db.transaction(async (query) => {
      await query('CREATE TABLE schema_migrations (version text PRIMARY KEY)');
      for (const migration of MIGRATIONS.slice(
        0,
        MIGRATIONS.findIndex((m) => m.version.startsWith('009')),
      )) {
        await query(migration.sql);
        await migration.after?.(query);
        await query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      }
    });
    await seedDataset(db, dataset);
    await db.query(`UPDATE medication_plans SET detail = detail - 'issues'`);
  } finally {
    await db.close();
  }
}

async function lines(db: Database): Promise<string[]> {
  const out: string[] = [];
  for await (const line of exportPractice(db, ODS)) out.push(line);
  return out;
}

describe('migrations 009 and 010 over a database loaded before them', () => {
  let database: TestDatabase;
  let migrated: PostgresRepository;
  let fresh: { repository: PostgresRepository; database: TestDatabase };

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadedBefore009(database.url);
    migrated = new PostgresRepository({ url: database.url, ...TEST_DB_OPTIONS }, ODS);
    expect(await migrate(migrated.database)).toEqual([
      '009_plan_issues_in_detail',
      '010_item_detail_json',
      '011_practice_version',
    ]);
    fresh = await postgresRepositoryFor(dataset);
  }, 120_000);
  afterAll(async () => {
    await migrated.close();
    await database.drop();
    await fresh.repository.close();
    await fresh.database.drop();
  });

  it('answers every patient as the in-memory store does, medication issues included', async () => {
    const memoryApp = testApp({ clock });
    const postgresApp = testApp({ clock, repository: migrated });
    let issues = 0;
    for (const { patient } of dataset.patients) {
      for (const body of [
        parameters(...allAreas(patient.nhsNumber)),
        parameters(...predefinedSearch2(patient.nhsNumber, rel(-365))),
      ]) {
        const [fromMemory, fromPostgres] = [
          await postRecord(memoryApp, body),
          await postRecord(postgresApp, body),
        ];
        expect(fromPostgres.status).toBe(fromMemory.status);
        expect(fromPostgres.text).toBe(fromMemory.text);
        issues += (fromPostgres.text.match(/"intent":"order"/g) ?? []).length;
      }
    }
    // The comparison covered issues (MedicationRequest orders), which 009 moved into the plans.
    expect(issues).toBeGreaterThan(0);
  });

  it('exports the practice a fresh load exports', async () => {
    const [after, loaded] = [await lines(migrated.database), await lines(fresh.repository.database)];
    expect(after.map((l) => JSON.parse(l) as unknown)).toEqual(loaded.map((l) => JSON.parse(l) as unknown));
  });
});
