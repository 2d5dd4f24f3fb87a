/**
 * The database of the export files stops (EXPORT_STORAGE=database, docs/decisions.md D-ES3): a job
 * writing chunks pauses as it does for any store outage (no hang, nothing half-kept) and completes once
 * the database is back; a download asked for while it is down is a clear 503 OperationOutcome. The jobs
 * and files live in a PostgreSQL of this file's own, so stopping it disturbs no other test; the record is
 * read from the shared test server, so what fails is the writing of the files.
 */

import { type Clock, londonDate } from '../../src/clock';
import { testPractice } from '../../src/record/memory/memory-practices';
import { Database } from '../../src/record/postgres/database';
import { migrate } from '../../src/record/postgres/migrate';
import { PostgresExportFiles } from '../../src/record/postgres/postgres-export-files';
import { PostgresExportJobs } from '../../src/record/postgres/postgres-export-jobs';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/throwaway-postgres';
import { TEST_NOW, type TestApp, testApp } from '../support/app';
import { download, getUrl, kickOff, type Manifest } from '../support/bulk-export';
import { capturingLogger } from '../support/capturing-logger';
import { expectError } from '../support/fhir';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

function movableClock(start: string): Clock & { advance(ms: number): void } {
  let at = Date.parse(start);
  return {
    now: () => new Date(at),
    today: () => londonDate(new Date(at)),
    advance: (ms) => {
      at += ms;
    },
  };
}

describe('the export files’ database stops', () => {
  let server: ThrowawayPostgres;
  let files: Database;
  let record: PostgresRepository;
  let recordDatabase: TestDatabase;

  beforeAll(async () => {
    ({ repository: record, database: recordDatabase } = await postgresRepositoryFor(
      testPractice(londonDate(new Date(TEST_NOW))),
    ));
    server = await startThrowawayPostgres();
    files = new Database({ url: server.url, poolSize: 2, statementTimeoutMs: 2000, retryAfterSeconds: 7 });
    await migrate(files);
  }, 60_000);
  afterAll(async () => {
    await files.close();
    await record.close();
    await recordDatabase.drop();
    server.destroy();
  });

  it('a job writing chunks pauses, never hangs, and completes from nothing once it is back', async () => {
    const clock = movableClock(TEST_NOW);
    const lines: Record<string, unknown>[] = [];
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = new Promise<void>((r) => (reached = r));
    const options = {
      clock,
      repository: record,
      exportJobs: new PostgresExportJobs(files),
      exportFiles: new PostgresExportFiles(files, 4096),
      env: { EXPORT_BATCH_SIZE: '5', EXPORT_STALE_SECONDS: '30' },
    };
    const a: TestApp = testApp({
      ...options,
      logger: capturingLogger(lines),
      afterExportBatch: async () => {
        reached();
        await held;
      },
    });
    const status = String((await kickOff(a)).headers['content-location']);
    await first;
    server.stop();
    release();
    const started = Date.now();
    await a.bulkExport.runner.idle();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines.map((l) => l.message)).toContain('bulk export paused: the store is unavailable');
    expect(lines.map((l) => l.message)).not.toContain('bulk export completed');
    await a.bulkExport.runner.stop();

    server.start();
    // The pause could not be recorded either (the database was down): the job is taken over once its
    // heartbeat is stale, and run again from nothing.
    clock.advance(31_000);
    const b = testApp(options);
    b.bulkExport.runner.kick();
    await b.bulkExport.runner.idle();
    const done = await getUrl(b, status);
    expect(done.status).toBe(200);
    const manifest = JSON.parse(done.text) as Manifest;
    for (const output of manifest.output) {
      expect(await download(b, output.url)).toHaveLength(output.count);
    }

    // Down again: a download is a clear 503 with Retry-After, no SQL, no hang.
    server.stop();
    try {
      const res = await getUrl(b, manifest.output[0].url);
      const outcome = expectError(res, 503, 'SERVICE_UNAVAILABLE', 'unavailable');
      expect(res.headers['retry-after']).toBe('7');
      expect(outcome.issue[0].diagnostics).not.toMatch(/ECONNREFUSED|SELECT|postgres/i);
    } finally {
      server.start();
    }
    expect(await download(b, manifest.output[0].url)).toHaveLength(manifest.output[0].count);
  }, 90_000);
});
