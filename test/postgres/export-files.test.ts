/**
 * Export files in PostgreSQL (EXPORT_STORAGE=database, docs/decisions.md D-ES1 to D-ES4): a file spans
 * many chunks and downloads whole, plain and gzip; expiry, cancel and a failed job delete the rows; a
 * job run again starts from nothing; a file that loses a chunk mid-download breaks the transfer rather
 * than ending it short.
 */
import { once } from 'node:events';
import { get, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

import { Client } from 'pg';

import { type Clock, londonDate } from '../../src/clock';
import type { StructuredQuery } from '../../src/contract/structured-query';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { Patient } from '../../src/record/model/people';
import { PostgresExportFiles } from '../../src/record/postgres/postgres-export-files';
import { PostgresExportJobs } from '../../src/record/postgres/postgres-export-jobs';
import type { PostgresRepository } from '../../src/record/postgres/postgres-repository';
import type { ClinicalRepository, PatientRecord } from '../../src/record/repository';
import { spineHeaders, TEST_NOW, type TestApp, testApp, type TestAppOptions } from '../support/app';
import {
  deleteUrl,
  EXPORT_INTERACTION,
  exportAll,
  getUrl,
  kickOff,
  type Manifest,
  pathOf,
} from '../support/bulk-export';
import { expectError } from '../support/fhir';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

/** Small enough that the test practice's larger files span many chunks. */
const CHUNK = 16 * 1024;

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

interface Raw {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Whether the response ended properly (false: the connection was cut mid-way). */
  readonly complete: boolean;
}

/** A download with a plain client (supertest would inflate gzip and hide a cut connection). */
async function rawGet(t: TestApp, url: string, headers: Record<string, string> = {}): Promise<Raw> {
  const server: Server = t.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const all = spineHeaders(t, EXPORT_INTERACTION, 'patient/*.read', { headers });
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: pathOf(url), headers: all }, resolve).on('error', reject),
    );
    const chunks: Buffer[] = [];
    let complete = true;
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch {
      complete = false;
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('export files in PostgreSQL', () => {
  let postgres: PostgresRepository;
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    ({ repository: postgres, database } = await postgresRepositoryFor(
      testPractice(londonDate(new Date(TEST_NOW))),
    ));
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await postgres.close();
    await database.drop();
  });

  function app(options: TestAppOptions = {}): TestApp {
    return testApp({
      repository: postgres,
      exportJobs: new PostgresExportJobs(postgres.database),
      exportFiles: new PostgresExportFiles(postgres.database, CHUNK),
      ...options,
    });
  }

  /** What the database holds of a job: its file rows and its chunks. */
  async function stored(jobId: string): Promise<{ files: number; chunks: number; owners: string[] }> {
    const { rows } = await client.query<{ files: number; chunks: number; owners: string[] | null }>(
      `SELECT (SELECT count(*)::int FROM export_file WHERE job_id = $1) AS files,
              (SELECT count(*)::int FROM export_file_chunk WHERE job_id = $1) AS chunks,
              (SELECT array_agg(DISTINCT owner) FROM export_file_chunk WHERE job_id = $1) AS owners`,
      [jobId],
    );
    return { files: rows[0].files, chunks: rows[0].chunks, owners: rows[0].owners ?? [] };
  }

  const idOf = (status: string) => pathOf(status).split('/').pop()!;

  it('a file of many chunks downloads whole, plain and gzip, its length announced', async () => {
    const t = app();
    const { status, manifest } = await exportAll(t);
    const id = idOf(status);
    const { rows } = await client.query<{ name: string; bytes: string; chunks: number; counted: number }>(
      `SELECT f.name, f.bytes, f.chunks,
              (SELECT count(*)::int FROM export_file_chunk c WHERE c.job_id = f.job_id AND c.name = f.name) AS counted
         FROM export_file f WHERE f.job_id = $1`,
      [id],
    );
    expect(rows.map((r) => r.name).sort()).toEqual(
      manifest.output.map((o) => o.url.slice(o.url.lastIndexOf('/') + 1)).sort(),
    );
    for (const row of rows) {
      expect(row.counted).toBe(row.chunks);
      expect(row.chunks).toBe(Math.ceil(Number(row.bytes) / CHUNK));
    }
    const biggest = rows.reduce((a, b) => (Number(b.bytes) > Number(a.bytes) ? b : a));
    // Several chunks, so the download really is put together from the database chunk by chunk.
    expect(biggest.chunks).toBeGreaterThanOrEqual(4);
    for (const output of manifest.output) {
      const row = rows.find((r) => output.url.endsWith(`/${r.name}`))!;
      const plain = await rawGet(t, output.url);
      expect(plain.status).toBe(200);
      expect(plain.complete).toBe(true);
      expect(plain.headers['content-length']).toBe(row.bytes);
      expect(plain.body.length).toBe(Number(row.bytes));
      const lines = plain.body.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(output.count);
      for (const line of lines) expect(JSON.parse(line)).toHaveProperty('resourceType', output.type);
      if (row.name === biggest.name) {
        const zipped = await rawGet(t, output.url, { 'Accept-Encoding': 'gzip' });
        expect(zipped.headers['content-encoding']).toBe('gzip');
        expect(zipped.headers['content-length']).toBeUndefined();
        expect(zipped.complete).toBe(true);
        expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
      }
    }
    // Nothing under EXPORT_DIR: the database holds the files.
    expect(await t.bulkExport.files.has(id)).toBe(true);
  });

  it('expiry deletes the rows; so does cancelling a finished job', async () => {
    const clock = movableClock(TEST_NOW);
    const t = app({ clock, env: { EXPORT_EXPIRY_MINUTES: '1' } });
    const first = await exportAll(t);
    expect((await stored(idOf(first.status))).chunks).toBeGreaterThan(0);
    clock.advance(61_000);
    expectError(await getUrl(t, first.manifest.output[0].url), 404, 'NO_RECORD_FOUND');
    t.bulkExport.runner.kick();
    await t.bulkExport.runner.idle();
    expect(await stored(idOf(first.status))).toEqual({ files: 0, chunks: 0, owners: [] });

    const second = await exportAll(t);
    expect((await stored(idOf(second.status))).files).toBe(second.manifest.output.length);
    expect((await deleteUrl(t, second.status)).status).toBe(202);
    expect(await stored(idOf(second.status))).toEqual({ files: 0, chunks: 0, owners: [] });
    expectError(await getUrl(t, second.manifest.output[0].url), 404, 'NO_RECORD_FOUND');
  });

  it('a job that fails part-way leaves no chunks behind', async () => {
    let loaded = 0;
    // The record store breaks (not an outage: a defect) after some patients have been written.
    const broken: ClinicalRepository = Object.assign(Object.create(postgres) as PostgresRepository, {
      // The export reads a batch's records together (D-EB1).
      loadRecords: async (patients: readonly Patient[], query: StructuredQuery): Promise<PatientRecord[]> => {
        loaded += patients.length;
        if (loaded > 12) throw new Error('simulated defect');
        return postgres.loadRecords(patients, query);
      },
    });
    let during = 0;
    const held = app({
      repository: broken,
      env: { EXPORT_BATCH_SIZE: '4' },
      afterExportBatch: async (job) => {
        during = Math.max(during, (await stored(job.id)).chunks);
      },
    });
    const status = String((await kickOff(held)).headers['content-location']);
    await held.bulkExport.runner.idle();
    expect(during).toBeGreaterThan(0);
    expectError(await getUrl(held, status), 500, 'INTERNAL_SERVER_ERROR', 'failed');
    expect(await stored(idOf(status))).toEqual({ files: 0, chunks: 0, owners: [] });
  });

  it('a job taken over after a crash starts from nothing: only the new run’s chunks remain', async () => {
    const clock = movableClock(TEST_NOW);
    let crashed = false;
    const first: TestApp = app({
      clock,
      env: { EXPORT_BATCH_SIZE: '5', EXPORT_STALE_SECONDS: '30' },
      afterExportBatch: () => {
        if (!crashed) void first.bulkExport.runner.stop('abandon');
        crashed = true;
      },
    });
    const status = String((await kickOff(first)).headers['content-location']);
    await first.bulkExport.runner.idle();
    const id = idOf(status);
    expect((await stored(id)).owners).toEqual([first.bulkExport.runner.owner]);
    clock.advance(31_000);
    const second = app({ clock, env: { EXPORT_STALE_SECONDS: '30' } });
    second.bulkExport.runner.kick();
    await second.bulkExport.runner.idle();
    const done = await getUrl(second, status);
    expect(done.status).toBe(200);
    const manifest = JSON.parse(done.text) as Manifest;
    const after = await stored(id);
    expect(after.owners).toEqual([second.bulkExport.runner.owner]);
    expect(after.files).toBe(manifest.output.length);
    for (const output of manifest.output) {
      const res = await rawGet(second, output.url);
      expect(res.body.toString('utf8').split('\n').length - 1).toBe(output.count);
    }
  });

  it('a job given up after repeated crashes keeps no chunks of its last run', async () => {
    const clock = movableClock(TEST_NOW);
    const jobs = new PostgresExportJobs(postgres.database);
    let status = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const crashing: TestApp = app({
        clock,
        exportJobs: jobs,
        env: { EXPORT_BATCH_SIZE: '5', EXPORT_STALE_SECONDS: '30' },
        afterExportBatch: () => void crashing.bulkExport.runner.stop('abandon'),
      });
      if (attempt === 0) status = String((await kickOff(crashing)).headers['content-location']);
      else crashing.bulkExport.runner.kick();
      await crashing.bulkExport.runner.idle();
      clock.advance(31_000);
    }
    const id = idOf(status);
    expect((await stored(id)).chunks).toBeGreaterThan(0);
    // The next process fails the job (started too often) and sweeps what the crashed run left.
    const last = app({ clock, exportJobs: jobs, env: { EXPORT_STALE_SECONDS: '30' } });
    last.bulkExport.runner.kick();
    await last.bulkExport.runner.idle();
    expectError(await getUrl(last, status), 500, 'INTERNAL_SERVER_ERROR', 'stopped repeatedly');
    last.bulkExport.runner.kick();
    await last.bulkExport.runner.idle();
    expect(await stored(id)).toEqual({ files: 0, chunks: 0, owners: [] });
  });

  it('a file that loses a chunk mid-download is cut off, never ended short (plain and gzip)', async () => {
    const t = app();
    const { status, manifest } = await exportAll(t);
    const id = idOf(status);
    const { rows } = await client.query<{ name: string; bytes: string }>(
      'SELECT name, bytes FROM export_file WHERE job_id = $1 AND chunks >= 3 ORDER BY name LIMIT 1',
      [id],
    );
    const output = manifest.output.find((o) => o.url.endsWith(`/${rows[0].name}`))!;
    // As if another instance deleted the job while the download was under way.
    await client.query('DELETE FROM export_file_chunk WHERE job_id = $1 AND name = $2 AND seq = 2', [
      id,
      rows[0].name,
    ]);
    const plain = await rawGet(t, output.url);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-length']).toBe(rows[0].bytes);
    expect(plain.complete).toBe(false);
    expect(plain.body.length).toBeLessThan(Number(rows[0].bytes));
    const zipped = await rawGet(t, output.url, { 'Accept-Encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.complete).toBe(false);
  });
});
