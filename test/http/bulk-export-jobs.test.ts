/**
 * Bulk export, the jobs (docs/decisions.md D-B3, D-B4, D-B6, D-B9): bad kick-offs named, progress while
 * running, cancel, expiry, another consumer refused, the limits, `_since`, and a job interrupted by a
 * restart completed by the next process.
 */
import type { Resource } from 'fhir/r3';

import { type Clock, londonDate } from '../../src/clock';
import type { PracticeDataset } from '../../src/record/dataset';
import type { ExportJob } from '../../src/record/export-jobs';
import { MemoryExportJobs } from '../../src/record/memory/memory-export-jobs';
import { testPractice } from '../../src/record/memory/memory-practices';
import { CONSUMER_ASID, TEST_NOW, type TestApp, testApp } from '../support/app';
import {
  deleteUrl,
  download,
  exportAll,
  getUrl,
  kickOff,
  type Manifest,
  pathOf,
} from '../support/bulk-export';
import { expectError } from '../support/fhir';
import { embeddedExportJobs, repositoryFor } from '../support/store';

/** A clock a test moves on. */
function movableClock(start: string | number): Clock & { advance(ms: number): void } {
  let at = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => new Date(at),
    today: () => londonDate(new Date(at)),
    advance: (ms) => {
      at += ms;
    },
  };
}

/** A hook that holds each job after its first batch until released. */
function gate(): {
  hook: (job: ExportJob, done: number) => Promise<void>;
  release: () => void;
  reached: Promise<void>;
} {
  let release!: () => void;
  let reached!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const first = new Promise<void>((r) => (reached = r));
  return {
    hook: async () => {
      reached();
      await held;
    },
    release: () => release(),
    reached: first,
  };
}

const OTHER_ASID = '200000000999';

describe('kick-off parameters', () => {
  const t = testApp();
  afterAll(() => t.bulkExport.runner.idle());

  it('requires Prefer: respond-async', async () => {
    expectError(await kickOff(t, '', { headers: { Prefer: undefined } }), 400, 'BAD_REQUEST', 'Prefer');
    expectError(
      await kickOff(t, '', { headers: { Prefer: 'return=minimal' } }),
      400,
      'BAD_REQUEST',
      'Prefer',
    );
  });

  it.each([
    ['?_outputFormat=text/csv', '_outputFormat'],
    ['?_type=Patient,Banana', '_type "Banana"'],
    ['?_type=', '_type'],
    ['?_since=yesterday', '_since "yesterday"'],
    ['?_since=2026-02-30T00:00:00Z', '_since'],
    ['?_since=2026-11-21', '_since'],
    ['?_since=2099-01-01T00:00:00Z', '_since 2099-01-01T00:00:00Z is in the future'],
  ])('%s is 422 INVALID_PARAMETER naming %s', async (query, mention) => {
    expectError(await kickOff(t, query), 422, 'INVALID_PARAMETER', mention);
  });

  it.each([
    ['?patient=Patient/1', '"patient"'],
    ['?_typeFilter=Condition%3Fcode%3D1', '"_typeFilter"'],
    ['?_since=2020-01-01T00:00:00Z&_since=2021-01-01T00:00:00Z', '_since may appear only once'],
  ])('%s is 400 BAD_REQUEST naming %s', async (query, mention) => {
    expectError(await kickOff(t, query), 400, 'BAD_REQUEST', mention);
  });

  it.each(['application/fhir+ndjson', 'application/ndjson', 'ndjson'])(
    'accepts _outputFormat=%s',
    async (f) => {
      const res = await kickOff(t, `?_outputFormat=${encodeURIComponent(f)}`);
      expect(res.status).toBe(202);
      await t.bulkExport.runner.idle();
    },
  );

  it('needs the export interaction id and patient/*.read', async () => {
    const wrong = await kickOff(t, '', {
      headers: {
        'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
      },
    });
    expect(wrong.status).toBe(400);
  });
});

describe('a running job', () => {
  it('answers 202 with X-Progress and Retry-After, then 200 with the manifest', async () => {
    const held = gate();
    const t = testApp({ env: { EXPORT_BATCH_SIZE: '5' }, afterExportBatch: held.hook });
    const kicked = await kickOff(t);
    const status = String(kicked.headers['content-location']);
    await held.reached;
    const running = await getUrl(t, status);
    expect(running.status).toBe(202);
    expect(running.headers['x-progress']).toMatch(/^5\/[0-9]+ patients$/);
    expect(running.headers['retry-after']).toBe('5');
    held.release();
    await t.bulkExport.runner.idle();
    const done = await getUrl(t, status);
    expect(done.status).toBe(200);
    expect(done.headers['content-type']).toMatch(/^application\/json/);
    const manifest = JSON.parse(done.text) as Manifest;
    expect(manifest.transactionTime).toBe(new Date(TEST_NOW).toISOString());
    expect(Object.keys(manifest).sort()).toEqual([
      'error',
      'output',
      'request',
      'requiresAccessToken',
      'transactionTime',
    ]);
  });

  it('DELETE cancels it: 202, then 404, and its files are gone', async () => {
    const held = gate();
    const t = testApp({ env: { EXPORT_BATCH_SIZE: '5' }, afterExportBatch: held.hook });
    const status = String((await kickOff(t)).headers['content-location']);
    await held.reached;
    const id = pathOf(status).split('/').pop()!;
    expect(await t.bulkExport.files.has(id)).toBe(true);
    expect((await deleteUrl(t, status)).status).toBe(202);
    held.release();
    await t.bulkExport.runner.idle();
    expectError(await getUrl(t, status), 404, 'NO_RECORD_FOUND', id);
    expect(await t.bulkExport.files.has(id)).toBe(false);
    expectError(await deleteUrl(t, status), 404, 'NO_RECORD_FOUND');
  });
});

describe('a finished job', () => {
  it('is seen, fetched and cancelled only by the consumer that started it (404 to another ASID)', async () => {
    const t = testApp();
    const { status, manifest } = await exportAll(t);
    const other = { headers: { 'Ssp-From': OTHER_ASID } };
    expectError(await getUrl(t, status, other), 404, 'NO_RECORD_FOUND');
    expectError(await getUrl(t, manifest.output[0].url, other), 404, 'NO_RECORD_FOUND');
    expectError(await deleteUrl(t, status, other), 404, 'NO_RECORD_FOUND');
    // Still there for its owner.
    expect((await getUrl(t, status)).status).toBe(200);
    expectError(
      await getUrl(t, status.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000')),
      404,
      'NO_RECORD_FOUND',
    );
  });

  it('expires after EXPORT_EXPIRY_MINUTES: 404, and its files are deleted', async () => {
    const clock = movableClock(TEST_NOW);
    const t = testApp({ clock, env: { EXPORT_EXPIRY_MINUTES: '1' } });
    const { status, manifest } = await exportAll(t);
    const done = await getUrl(t, status);
    expect(new Date(String(done.headers.expires)).getTime()).toBe(Date.parse(TEST_NOW) + 60_000);
    expect((await download(t, manifest.output[0].url)).length).toBe(manifest.output[0].count);
    clock.advance(61_000);
    expectError(await getUrl(t, status), 404, 'NO_RECORD_FOUND');
    expectError(await getUrl(t, manifest.output[0].url), 404, 'NO_RECORD_FOUND');
    const id = pathOf(status).split('/').pop()!;
    expect(await t.bulkExport.files.has(id)).toBe(true);
    t.bulkExport.runner.kick();
    await t.bulkExport.runner.idle();
    expect(await t.bulkExport.files.has(id)).toBe(false);
    expect(await t.bulkExport.jobs.find(id)).toBeUndefined();
  });

  it('serves only the files of its manifest', async () => {
    const t = testApp();
    const { status } = await exportAll(t, '?_type=Patient');
    const id = pathOf(status).split('/').pop()!;
    const base = pathOf(status).replace(/\/\$export-status\/.*$/, '');
    const res = await getUrl(t, `http://x${base}/$export-file/${id}/Condition-1.ndjson`);
    expectError(res, 404, 'NO_RECORD_FOUND', 'Condition-1.ndjson');
    expect((await getUrl(t, `http://x${base}/$export-file/${id}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
  });
});

describe('limits', () => {
  it('EXPORT_MAX_PER_CONSUMER: 429 with Retry-After; EXPORT_MAX_TOTAL: 503 with Retry-After', async () => {
    const held = gate();
    const t = testApp({
      env: { EXPORT_MAX_PER_CONSUMER: '1', EXPORT_MAX_TOTAL: '1', EXPORT_BATCH_SIZE: '5' },
      afterExportBatch: held.hook,
      exportJobs: new MemoryExportJobs(),
    });
    const first = await kickOff(t);
    expect(first.status).toBe(202);
    const mine = await kickOff(t);
    expectError(mine, 429, 'TOO_MANY_REQUESTS', `Ssp-From ${CONSUMER_ASID}`, 'EXPORT_MAX_PER_CONSUMER');
    expect(mine.headers['retry-after']).toBe('5');
    const theirs = await kickOff(t, '', { headers: { 'Ssp-From': OTHER_ASID } });
    expectError(theirs, 503, 'SERVICE_UNAVAILABLE', 'EXPORT_MAX_TOTAL');
    expect(theirs.headers['retry-after']).toBe('5');
    held.release();
    await t.bulkExport.runner.idle();
    // A finished job no longer counts.
    expect((await kickOff(t)).status).toBe(202);
    await t.bulkExport.runner.idle();
  });
});

describe('_since', () => {
  // Items without their own lastUpdated count as changed when the practice was loaded (now); the
  // clock runs a day ahead so that _since can lie between the load and the changes.
  const loaded = Date.now();
  const since = new Date(loaded + 30 * 60_000).toISOString();
  const changed = new Date(loaded + 60 * 60_000).toISOString();
  const clock = movableClock(loaded + 24 * 3600_000);
  const dataset = changedPractice(testPractice(clock.today()), changed);
  const t = testApp({ clock, repository: repositoryFor(dataset) });

  async function patientsOf(manifest: Manifest): Promise<string[]> {
    const ids: string[] = [];
    for (const o of manifest.output.filter((x) => x.type === 'Patient'))
      ids.push(...((await download(t, o.url)) as Resource[]).map((r) => r.id ?? ''));
    return ids.sort();
  }

  it('exports only patients whose demographics or a shareable item changed since then', async () => {
    const { manifest } = await exportAll(t, `?_since=${encodeURIComponent(since)}`);
    // patient16's only change is a confidential allergy: withheld items never count.
    expect(await patientsOf(manifest)).toEqual(['patient2', 'patient3']);
    // The whole record of a changed patient, not only what changed (D-B6).
    const allergies = manifest.output.filter((o) => o.type === 'AllergyIntolerance');
    expect(allergies.reduce((n, o) => n + o.count, 0)).toBeGreaterThan(1);
  });

  it('an instant before the load exports every shareable patient', async () => {
    const { manifest: all } = await exportAll(t);
    const { manifest: before } = await exportAll(
      t,
      `?_since=${encodeURIComponent(new Date(loaded - 60_000).toISOString())}`,
    );
    expect(await patientsOf(before)).toEqual(await patientsOf(all));
  });
});

/** The test practice with patient2's demographics, a patient3 allergy and a confidential patient16 allergy changed. */
function changedPractice(dataset: PracticeDataset, at: string): PracticeDataset {
  type Editable = Record<string, unknown> & { id: string };
  const copy = JSON.parse(JSON.stringify(dataset)) as {
    patients: { patient: Editable; record: { allergies?: Editable[] } }[];
  };
  for (const p of copy.patients) {
    if (p.patient.id === 'patient2') p.patient.lastUpdated = at;
    if (p.patient.id === 'patient3') p.record.allergies![0].lastUpdated = at;
    if (p.patient.id === 'patient16') {
      p.record.allergies!.find((a) => a.id === 'p16-allergy-codeine')!.lastUpdated = at;
    }
  }
  return copy as unknown as PracticeDataset;
}

describe('a restart mid-export', () => {
  /** Two "processes" over one job store: the worker's database under PostgreSQL, one shared object in memory. */
  function twoProcesses(clock: Clock): { first: TestApp; second: TestApp } {
    const shared = embeddedExportJobs(clock.today()) ? undefined : new MemoryExportJobs();
    const jobs = () => shared ?? embeddedExportJobs(clock.today());
    let stopped = false;
    const first: TestApp = testApp({
      clock,
      env: { EXPORT_BATCH_SIZE: '5', EXPORT_STALE_SECONDS: '30' },
      exportJobs: jobs(),
      // The "crash": the first process stops after its first batch, leaving the job running.
      afterExportBatch: () => {
        if (!stopped) void first.bulkExport.runner.stop('abandon');
        stopped = true;
      },
    });
    const second = testApp({ clock, env: { EXPORT_STALE_SECONDS: '30' }, exportJobs: jobs() });
    return { first, second };
  }

  it('leaves the job running until its heartbeat is stale; the next process then completes it', async () => {
    const clock = movableClock(TEST_NOW);
    const { first, second } = twoProcesses(clock);
    const status = String((await kickOff(first)).headers['content-location']);
    await first.bulkExport.runner.idle();
    const interrupted = await getUrl(second, status);
    expect(interrupted.status).toBe(202);
    expect(interrupted.headers['x-progress']).toMatch(/^5\/[0-9]+ patients$/);
    // Not stale yet: the second process leaves it alone.
    second.bulkExport.runner.kick();
    await second.bulkExport.runner.idle();
    expect((await getUrl(second, status)).status).toBe(202);
    clock.advance(31_000);
    second.bulkExport.runner.kick();
    await second.bulkExport.runner.idle();
    const done = await getUrl(second, status);
    expect(done.status).toBe(200);
    const manifest = JSON.parse(done.text) as Manifest;
    const { manifest: fresh } = await exportAll(second);
    const counts = (m: Manifest) =>
      Object.fromEntries(m.output.map((o) => [o.type + o.url.slice(o.url.lastIndexOf('/')), o.count]));
    expect(counts(manifest)).toEqual(counts(fresh));
  });

  it('a job interrupted again and again fails cleanly (500 OperationOutcome), never hangs', async () => {
    const clock = movableClock(TEST_NOW);
    const jobs = embeddedExportJobs(clock.today()) ?? new MemoryExportJobs();
    let status = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      const app: TestApp = testApp({
        clock,
        env: { EXPORT_BATCH_SIZE: '5', EXPORT_STALE_SECONDS: '30' },
        exportJobs: jobs,
        afterExportBatch: () => void app.bulkExport.runner.stop('abandon'),
      });
      if (attempt === 0) status = String((await kickOff(app)).headers['content-location']);
      else app.bulkExport.runner.kick();
      await app.bulkExport.runner.idle();
      clock.advance(31_000);
    }
    const last = testApp({ clock, exportJobs: jobs });
    expectError(await getUrl(last, status), 500, 'INTERNAL_SERVER_ERROR', 'stopped repeatedly');
  });
});
