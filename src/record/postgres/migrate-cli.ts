/** `npm run db:migrate`: apply the schema migrations to DATABASE_URL (safe to re-run). */
import { Database } from './database';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const db = new Database({ url, poolSize: 1, statementTimeoutMs: 600_000, retryAfterSeconds: 5 });
  try {
    const applied = await migrate(db);
    process.stdout.write(`migrations applied: ${applied.length > 0 ? applied.join(', ') : 'none (up to date)'}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
