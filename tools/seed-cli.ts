/**
 * `npm run db:seed [-- --synthetic N]`: migrate the database named by DATABASE_URL and load the
 * embedded test practice into it (replacing its content), plus N synthetic patients for volume tests.
 */
import { parseArgs } from 'node:util';
import { syntheticPatients } from './synthetic-practice';
import { testPractice } from '../src/record/memory/embedded-practice';
import { systemClock } from '../src/clock';
import { Database } from '../src/record/postgres/database';
import { migrate } from '../src/record/postgres/migrate';
import { seedDataset } from '../src/record/postgres/seed';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { synthetic: { type: 'string', default: '0' } } });
  const synthetic = Number(values.synthetic);
  if (!Number.isInteger(synthetic) || synthetic < 0) throw new Error('--synthetic must be a whole number of patients');
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: name the database to seed, e.g. postgres://user@localhost/gpconnect');
  const db = new Database({ url, poolSize: 2, statementTimeoutMs: 600_000, retryAfterSeconds: 5 });
  try {
    const applied = await migrate(db);
    process.stdout.write(`migrations applied: ${applied.length > 0 ? applied.join(', ') : 'none (up to date)'}\n`);
    const today = systemClock.today();
    const started = Date.now();
    const patients = await seedDataset(db, testPractice(today), synthetic > 0 ? syntheticPatients(synthetic, today) : []);
    process.stdout.write(`loaded ${patients} patients (${synthetic} synthetic) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
