/** Per-test-file PostgreSQL databases on the server the global setup provides. */
import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import type { PracticeDataset } from '../../src/record/dataset';
import type { DetailCache } from '../../src/record/postgres/detail-cache';
import { migrate } from '../../src/record/postgres/migrate';
import { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { seedDataset } from '../../src/record/postgres/seed';

export function adminUrl(): string {
  const url = process.env.GPC_TEST_ADMIN_URL;
  if (!url)
    throw new Error('No PostgreSQL for tests: the Jest global setup did not run (see jest.config.ts)');
  return url;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `gpc_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(adminUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export const TEST_DB_OPTIONS = { poolSize: 4, statementTimeoutMs: 5000, retryAfterSeconds: 5 } as const;

/** A fresh database holding `dataset`, and the repository over it. */
export async function postgresRepositoryFor(
  dataset: PracticeDataset,
  details?: DetailCache,
): Promise<{ repository: PostgresRepository; database: TestDatabase }> {
  const database = await createTestDatabase();
  const repository = new PostgresRepository(
    { url: database.url, ...TEST_DB_OPTIONS },
    dataset.practice.odsCode,
    details,
  );
  await migrate(repository.database);
  await seedDataset(repository.database, dataset);
  return { repository, database };
}
