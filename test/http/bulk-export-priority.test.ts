/**
 * Bulk export beside live requests (docs/decisions.md D-B8, D-EB2, D-EB3), with an injected live-load
 * signal: no patient starts while live requests are in flight (up to the pacing's wait), the export
 * still completes under permanent live load, and a job slowed that way keeps its heartbeat, so another
 * process never takes it over as stale.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Clock, fixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ExportRunner } from '../../src/operations/bulk-export/export-runner';
import type { LiveLoad, PacingOptions } from '../../src/operations/bulk-export/pacing';
import { DirectoryExportFiles } from '../../src/record/directory-export-files';
import type { ExportJob, ExportJobStore } from '../../src/record/export-jobs';
import { MemoryExportJobs } from '../../src/record/memory/memory-export-jobs';
import { TEST_NOW } from '../support/app';
import { embeddedExportJobs, embeddedPractices } from '../support/store';

const today = fixedClock(TEST_NOW).today();
/** Real time (heartbeats and staleness are judged by it), the test practice's date. */
const clock: Clock = { now: () => new Date(), today: () => today };
const { predefinedMedicationDays } = loadConfig({});
const logger = createLogger('silent');
let counter = 0;

function runner(
  jobs: ExportJobStore,
  env: Record<string, string>,
  live?: LiveLoad,
  pacing?: Partial<PacingOptions>,
  afterBatch?: (job: ExportJob, done: number) => void,
): ExportRunner {
  const config = loadConfig({ EXPORT_DIR: join(tmpdir(), `gpc-test-exports-${process.pid}`), ...env });
  return new ExportRunner({
    jobs,
    files: new DirectoryExportFiles(config.bulkExport.dir),
    practices: embeddedPractices(today),
    config: config.bulkExport,
    clock,
    logger,
    predefinedMedicationDays,
    pollMs: 100,
    ...(live && { live }),
    ...(pacing && { pacing }),
    ...(afterBatch && { afterBatch }),
  });
}

/** A queued export of P99001 (as a kick-off makes it). */
async function queueJob(jobs: ExportJobStore): Promise<string> {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(Date.now() % 1e8).padStart(8, '0')}${String(counter).padStart(4, '0')}`;
  const outcome = await jobs.create(
    {
      id,
      odsCode: 'P99001',
      consumerAsid: `20000000${String(counter).padStart(4, '0')}`,
      request: { url: 'https://example.org/P99001/STU3/1/gpconnect/structured/Patient/$export' },
      transactionTime: new Date().toISOString(),
    },
    { perConsumer: 10, total: 100 },
  );
  expect(outcome).toBe('created');
  return id;
}

const jobStore = (): ExportJobStore => embeddedExportJobs(today) ?? new MemoryExportJobs();
const ALWAYS_BUSY: LiveLoad = { busy: () => true, idleMs: () => 0 };

describe('the export beside live requests', () => {
  it('starts no patient while live requests are in flight, and goes on once they are answered', async () => {
    const jobs = jobStore();
    let inFlight = true;
    let answeredAt = -Infinity;
    const live: LiveLoad = {
      busy: () => inFlight,
      idleMs: () => (inFlight ? 0 : performance.now() - answeredAt),
    };
    // One patient per batch, so the job's progress shows every patient written.
    const run = runner(jobs, { EXPORT_BATCH_SIZE: '1' }, live, { gapWaitMs: 60_000, recentMs: 50 });
    const id = await queueJob(jobs);
    run.kick();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await jobs.find(id))?.done).toBe(0);
    inFlight = false;
    answeredAt = performance.now();
    await run.idle();
    const job = await jobs.find(id);
    expect(job?.state).toBe('completed');
    expect(job?.done).toBe(job?.total);
  });

  it('completes under permanent live load, patient after patient, paced', async () => {
    const jobs = jobStore();
    const gapWaitMs = 20;
    const run = runner(jobs, { EXPORT_BATCH_SIZE: '100' }, ALWAYS_BUSY, { gapWaitMs });
    const id = await queueJob(jobs);
    const started = performance.now();
    run.kick();
    await run.idle();
    const job = await jobs.find(id);
    expect(job?.state).toBe('completed');
    expect(job?.done).toBe(job?.total);
    expect(job?.files.find((f) => f.type === 'Patient')?.count).toBeGreaterThan(10);
    // Before every patient (and the batch reads) it waited for live load, never past the gap wait.
    expect(performance.now() - started).toBeGreaterThanOrEqual((job?.total ?? 0) * gapWaitMs);
  });

  it('a job slowed by live load keeps its heartbeat: another process does not take it over as stale', async () => {
    const jobs = jobStore();
    // EXPORT_STALE_SECONDS=1 and one batch for the whole practice that takes well over a second.
    const env = { EXPORT_BATCH_SIZE: '100', EXPORT_STALE_SECONDS: '1' };
    const slowed = runner(jobs, env, ALWAYS_BUSY, { gapWaitMs: 120 });
    const other = runner(jobs, env);
    const id = await queueJob(jobs);
    const started = performance.now();
    slowed.kick();
    const watching = setInterval(() => other.kick(), 100);
    try {
      await slowed.idle();
    } finally {
      clearInterval(watching);
      await other.idle();
    }
    expect(performance.now() - started).toBeGreaterThan(2000);
    const job = await jobs.find(id);
    expect(job?.state).toBe('completed');
    expect(job?.attempts).toBe(1);
    expect(job?.done).toBe(job?.total);
  });
});
