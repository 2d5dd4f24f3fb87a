/**
 * The shared export job store's two halves without processes (D-B4): a worker's calls reach the one
 * store the primary holds (dates as ISO strings), claim is atomic across workers, and a primary that
 * does not answer, has gone or cannot be sent to gives SERVICE_UNAVAILABLE (503 at the endpoints).
 */
import { PrimaryExportJobsService } from '../../src/cluster/primary-export-jobs';
import { WorkerExportJobs } from '../../src/cluster/worker-export-jobs';
import { GpcError } from '../../src/fhir/gpc-error';
import type { ExportJobStore } from '../../src/record/export-jobs';
import { MemoryExportJobs } from '../../src/record/memory/memory-export-jobs';
import { testApp } from '../support/app';
import { getUrl, kickOff } from '../support/bulk-export';
import { FakeIpc } from '../support/fake-ipc';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const LIMITS = { perConsumer: 2, total: 10 };
const times = (now: Date) => ({
  now,
  staleBefore: new Date(now.getTime() - 60_000),
  maxAttempts: 3,
  expiresAt: new Date(now.getTime() + 3_600_000),
});
const newJob = (id: string) => ({
  id,
  odsCode: 'P99001',
  consumerAsid: '200000000115',
  request: {
    url: 'https://example/P99001/Patient/$export',
    types: ['Patient'],
    since: '2026-01-01T00:00:00Z',
  },
  transactionTime: NOW.toISOString(),
});

function wired(timeoutMs = 200, store: ExportJobStore = new MemoryExportJobs()) {
  const primary = new PrimaryExportJobsService(store);
  const channels = [1, 2].map(() => new FakeIpc((port, message) => primary.handle(port, message)));
  const workers = channels.map((c) => new WorkerExportJobs(c.channel, timeoutMs));
  return { store, channels, workers };
}

async function unavailable(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GpcError);
  expect((error as GpcError).spineCode).toBe('SERVICE_UNAVAILABLE');
  return (error as GpcError).diagnostics;
}

describe('export jobs over cluster IPC', () => {
  it('a job created through one worker is found, run and finished through the other', async () => {
    const { store, workers } = wired();
    const [a, b] = workers;
    expect(await a.create(newJob('j1'), LIMITS)).toBe('created');
    expect(await b.find('j1')).toMatchObject({ state: 'queued', request: newJob('j1').request });
    expect(await b.find('nope')).toBeUndefined();

    const claimed = await b.claim('owner-b', times(NOW));
    expect(claimed).toMatchObject({ id: 'j1', state: 'running', attempts: 1 });
    expect(await a.claim('owner-a', times(NOW))).toBeUndefined();
    const files = [{ type: 'Patient', name: 'Patient-1.ndjson', count: 3 }];
    expect(await b.progress('j1', 'owner-b', { total: 5, done: 3, files }, NOW)).toBe(true);
    expect(await a.progress('j1', 'owner-a', { total: 5, done: 3, files }, NOW)).toBe(false);
    expect(await a.find('j1')).toMatchObject({ done: 3, total: 5 });

    const expiresAt = new Date(NOW.getTime() + 60_000);
    expect(await b.finish('j1', 'owner-b', { state: 'completed', files, expiresAt })).toBe(true);
    // The Date crossed as an ISO string and reached the store as the same instant.
    expect(await store.find('j1')).toMatchObject({
      state: 'completed',
      files,
      expiresAt: expiresAt.toISOString(),
    });
    expect(await a.expired(NOW)).toEqual([]);
    expect(await b.expired(expiresAt)).toEqual(['j1']);
    expect(await a.remove('j1')).toBe(true);
    // A second sweep of the same expired job (the other worker) finds nothing to do.
    expect(await b.remove('j1')).toBe(false);
    expect(await b.find('j1')).toBeUndefined();
  });

  it('claim is atomic: two workers asking at once get the queued job once', async () => {
    const { workers } = wired();
    await workers[0].create(newJob('only'), LIMITS);
    const claims = await Promise.all([
      workers[0].claim('a', times(NOW)),
      workers[1].claim('b', times(NOW)),
      workers[0].claim('a', times(NOW)),
      workers[1].claim('b', times(NOW)),
    ]);
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
  });

  it('limits hold across workers; release puts the job back for the other worker', async () => {
    const { workers } = wired();
    const [a, b] = workers;
    expect(await a.create(newJob('x1'), LIMITS)).toBe('created');
    expect(await b.create(newJob('x2'), LIMITS)).toBe('created');
    expect(await a.create(newJob('x3'), LIMITS)).toBe('consumer-limit');
    await a.claim('owner-a', times(NOW));
    await a.release('x1', 'owner-a');
    expect(await b.claim('owner-b', times(NOW))).toMatchObject({ id: 'x1', attempts: 1 });
  });

  it('no answer within the timeout: SERVICE_UNAVAILABLE saying so', async () => {
    const { channels, workers } = wired(50);
    channels[0].drop = true;
    expect(await unavailable(workers[0].find('j1'))).toMatch(/did not answer within 50 ms/);
    // The other worker is unaffected.
    expect(await workers[1].find('j1')).toBeUndefined();
  });

  it('the primary gone: waiting calls and later ones fail at once, not after the timeout', async () => {
    const { channels, workers } = wired(60_000);
    channels[0].drop = true;
    const waiting = workers[0].find('j1');
    channels[0].disconnect();
    const started = Date.now();
    expect(await unavailable(waiting)).toMatch(/primary process has gone/);
    expect(await unavailable(workers[0].claim('a', times(NOW)))).toMatch(/primary process has gone/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a send that fails, or a store that throws in the primary: SERVICE_UNAVAILABLE', async () => {
    const { channels, workers } = wired();
    channels[0].failSends = true;
    expect(await unavailable(workers[0].find('j1'))).toMatch(/channel closed/);

    const broken = new MemoryExportJobs();
    broken.find = () => Promise.reject(new Error('store broke'));
    const other = wired(200, broken);
    expect(await unavailable(other.workers[0].find('j1'))).toMatch(/store broke/);
  });

  it('the endpoints answer 503 with Retry-After when the primary does not answer, and recover', async () => {
    const { channels, workers } = wired(50);
    const t = testApp({ exportJobs: workers[0] });
    channels[0].drop = true;
    const refused = await kickOff(t);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.text).toContain('SERVICE_UNAVAILABLE');
    expect(refused.text).toContain('export job store is unavailable');
    const status = await getUrl(t, 'http://localhost/P99001/STU3/1/gpconnect/structured/$export-status/abc');
    expect(status.status).toBe(503);

    channels[0].drop = false;
    const kicked = await kickOff(t);
    expect(kicked.status).toBe(202);
    await t.bulkExport.runner.idle();
    expect((await getUrl(t, String(kicked.headers['content-location']))).status).toBe(200);
  });
});
