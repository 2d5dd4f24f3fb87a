/**
 * Jest global setup/teardown: PostgreSQL for the tests that need it. With DATABASE_URL set, tests use
 * that server (each test file makes and drops its own database); otherwise a throwaway cluster is
 * started from Debian's server binaries and deleted afterwards.
 */
import { Client } from 'pg';

import { startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/throwaway-postgres';

declare global {
  var gpcThrowawayPostgres: ThrowawayPostgres | undefined;
}

export async function setup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.GPC_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const server = await startThrowawayPostgres();
  globalThis.gpcThrowawayPostgres = server;
  process.env.GPC_TEST_ADMIN_URL = server.url;
}

export async function teardown(): Promise<void> {
  if (globalThis.gpcThrowawayPostgres) {
    globalThis.gpcThrowawayPostgres.destroy();
    return;
  }
  // A server of the developer's own (DATABASE_URL): drop the databases the tests made on it.
  const url = process.env.GPC_TEST_ADMIN_URL;
  if (!url) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'gpc\\_test\\_%'",
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
