/**
 * Picks and opens the store named by configuration. A PostgreSQL store that cannot be reached, is
 * not migrated, or holds no practice stops the process at start with one clear line (main.ts), rather
 * than failing every request later.
 */
import type { CalendarDate } from '../fhir/dates';
import { embeddedPracticeFiles, MemoryPracticeStore } from './memory/memory-practices';
import { PostgresPracticeStore } from './postgres/postgres-practices';
import type { PracticeStore } from './practices';

export type RepositoryConfig =
  | {
      readonly kind: 'memory';
      /** Practice files to serve; empty: the embedded practices (data/practices). */
      readonly practiceFiles: readonly string[];
    }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** Read replicas (DATABASE_READ_URLS): clinical reads go to them, round-robin; may be empty. */
      readonly readUrls?: readonly string[];
      readonly poolSize: number;
      readonly statementTimeoutMs: number;
      readonly retryAfterSeconds: number;
      /** How long a practice's settings are reused before they are read again (run-time changes). */
      readonly practiceCacheMs: number;
      /** Stored documents shared across requests (ITEM_CACHE_MB in bytes; 0: none; D-PI1). */
      readonly itemCacheBytes?: number;
    };

export class RepositoryStartError extends Error {}

/** The store, ready to answer. */
export async function openPractices(config: RepositoryConfig, today: CalendarDate): Promise<PracticeStore> {
  if (config.kind === 'memory') {
    const files = config.practiceFiles.length > 0 ? config.practiceFiles : embeddedPracticeFiles();
    try {
      return MemoryPracticeStore.fromFiles(files, today);
    } catch (error) {
      throw new RepositoryStartError(
        `Cannot load the practice files: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const store = new PostgresPracticeStore(config);
  const where = describeUrl(config.url);
  try {
    if (!(await store.database.isReachable())) {
      throw new RepositoryStartError(
        `PostgreSQL at ${where} cannot be reached (within DB_STATEMENT_TIMEOUT_MS=${config.statementTimeoutMs})`,
      );
    }
    const migrated = await store.database
      .query<{ present: boolean }>("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present")
      .then((rows) => rows[0]?.present === true);
    if (!migrated)
      throw new RepositoryStartError(`PostgreSQL at ${where} has no schema: run \`gpc-admin migrate\``);
    const practices = await store.list().catch((error: unknown) => {
      throw new RepositoryStartError(
        `PostgreSQL at ${where} is not migrated to this version (${String(error)}): run \`gpc-admin migrate\``,
      );
    });
    if (practices.length === 0) {
      throw new RepositoryStartError(
        `PostgreSQL at ${where} holds no practice: run \`gpc-admin import FILE\` or \`gpc-admin seed\``,
      );
    }
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error instanceof RepositoryStartError
      ? error
      : new RepositoryStartError(`PostgreSQL at ${where}: ${String(error)}`);
  }
}

/** host:port/database of a connection string, never its password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
