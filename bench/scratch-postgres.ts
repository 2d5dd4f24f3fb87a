/**
 * A scratch PostgreSQL database for a benchmark, made and removed in one place:
 *
 *   const scratch = await scratchPostgres();   // log with scratch.description
 *   try { ... use scratch.url ... } finally { await scratch.drop(); }
 *
 * With DATABASE_URL set, a fresh database is created beside the one it names (the role must be allowed
 * to CREATE DATABASE) and dropped by drop(); the named database itself is never touched. Without it, a
 * throwaway cluster is started from Debian's server binaries (tools/throwaway-postgres.ts) and deleted
 * by drop(). Each call makes its own database, so several benchmarks (or one benchmark twice) can run
 * side by side. Not migrated: the caller runs `migrate` (in-process or `gpc-admin migrate`).
 */
import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { startThrowawayPostgres } from '../tools/throwaway-postgres';

export interface ScratchPostgres {
  /** Connection string of the fresh, empty database. */
  readonly url: string;
  /** One line for the benchmark's log: where the database lives and its server version. */
  readonly description: string;
  /** Drop the database (and stop and delete the throwaway cluster, if one was started). Idempotent. */
  drop(): Promise<void>;
}

async function adminQuery(url: string, sql: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, string>>(sql);
    const row = result.rows[0];
    return row === undefined ? undefined : Object.values(row)[0];
  } finally {
    await client.end();
  }
}

/** A fresh database; `adminUrl` (default: DATABASE_URL) names the server, else a throwaway cluster. */
export async function scratchPostgres(adminUrl = process.env.DATABASE_URL): Promise<ScratchPostgres> {
  const started = Date.now();
  const server = adminUrl ? undefined : await startThrowawayPostgres();
  const admin = adminUrl ?? server?.url ?? '';
  const name = `gpc_bench_${randomBytes(5).toString('hex')}`;
  try {
    await adminQuery(admin, `CREATE DATABASE ${name}`);
  } catch (error) {
    server?.destroy();
    throw error;
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const version = await adminQuery(url.toString(), 'SHOW server_version');
  const where = server
    ? `a throwaway cluster on 127.0.0.1:${server.port}`
    : `DATABASE_URL's server (${url.host})`;
  let dropped = false;
  return {
    url: url.toString(),
    description:
      `PostgreSQL ${version ?? '?'}: database ${name} on ${where} ` +
      `(ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      try {
        if (!server) await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        server?.destroy();
      }
    },
  };
}
