/**
 * Jest global setup/teardown: PostgreSQL for the tests that need it. With DATABASE_URL set, tests use
 * that server (each test file makes and drops its own database); otherwise a throwaway cluster is
 * started from Debian's server binaries and deleted afterwards.
 */
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/record/postgres/throwaway-server';

declare global {
  // eslint-disable-next-line no-var
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
  globalThis.gpcThrowawayPostgres?.destroy();
}
