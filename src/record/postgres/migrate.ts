/** Applies the schema migrations once each, in order, under an advisory lock: safe to re-run. */
import type { Database } from './database';
import { MIGRATIONS } from './migrations';

/** Any constant shared by every instance, so two processes migrating at once take turns. */
const MIGRATION_LOCK = 741_802_119;

export async function migrate(db: Database): Promise<string[]> {
  return db.transaction(async (query) => {
    await query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await query('SELECT version FROM schema_migrations')).map((r) => String(r.version)),
    );
    const applied: string[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await query(migration.sql);
      await migration.after?.(query);
      await query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      applied.push(migration.version);
    }
    return applied;
  });
}
