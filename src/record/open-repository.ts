/**
 * Picks and opens the store named by configuration. A PostgreSQL store that cannot be reached, is
 * not migrated, or holds no practice stops the process at start with one clear line (main.ts), rather
 * than failing every request later.
 */
import type { CalendarDate } from '../fhir/dates';
import { MemoryRepository } from './memory/memory-repository';
import type { PracticeDataset } from './dataset';
import { PostgresRepository } from './postgres/postgres-repository';
import type { ClinicalRepository } from './repository';

export type RepositoryConfig =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly poolSize: number;
      readonly statementTimeoutMs: number;
      readonly retryAfterSeconds: number;
    };

export class RepositoryStartError extends Error {}

/** Loads the practice a memory store serves; called only when the memory store is chosen. */
export type EmbeddedPractice = () => Promise<(today: CalendarDate) => PracticeDataset>;

/** The store, ready to answer; `embedded` supplies the test practice for the memory store. */
export async function openRepository(
  config: RepositoryConfig,
  embedded: EmbeddedPractice,
  today: CalendarDate,
): Promise<ClinicalRepository> {
  if (config.kind === 'memory') return new MemoryRepository((await embedded())(today));
  const repository = new PostgresRepository(config);
  const where = describeUrl(config.url);
  try {
    if (!(await repository.database.isReachable())) {
      throw new RepositoryStartError(`PostgreSQL at ${where} cannot be reached (within DB_STATEMENT_TIMEOUT_MS=${config.statementTimeoutMs})`);
    }
    const migrated = await repository.database
      .query<{ present: boolean }>("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present")
      .then((rows) => rows[0]?.present === true);
    if (!migrated) throw new RepositoryStartError(`PostgreSQL at ${where} has no schema: run \`npm run db:migrate\` or \`npm run db:seed\``);
    await repository.practice().catch(() => {
      throw new RepositoryStartError(`PostgreSQL at ${where} holds no practice: run \`npm run db:seed\` or load your own`);
    });
    return repository;
  } catch (error) {
    await repository.close().catch(() => undefined);
    throw error instanceof RepositoryStartError ? error : new RepositoryStartError(`PostgreSQL at ${where}: ${String(error)}`);
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
