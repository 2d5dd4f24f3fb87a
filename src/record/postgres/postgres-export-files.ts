/**
 * Export files in PostgreSQL (EXPORT_STORAGE=database, migration 007_export_files; docs/decisions.md
 * D-ES1 to D-ES4): each file is a run of fixed-size chunks in `export_file_chunk`, written as the runner
 * goes, and an `export_file` row written last that says the file is complete and how long it is. Every
 * instance over the database serves every job's files, so instances keep nothing on their own disk.
 *
 * Memory is bounded by one chunk per open file while writing and about one chunk per download while
 * reading (a chunk is fetched only when the response has taken the previous one).
 */
import { Readable } from 'node:stream';

import { GpcError } from '../../fhir/gpc-error';
import {
  type ExportFileStore,
  type ExportFileWriter,
  type ExportRun,
  ExportRunLost,
  type StoredFile,
} from '../export-files';
import type { Database } from './database';

/** The size of a stored chunk: few rows per file, little memory per open file or download. */
export const CHUNK_BYTES = 1024 * 1024;

/** Chunks deleted per statement: a few tens of MiB, well inside the statement timeout. */
const DELETE_BATCH = 32;

/**
 * A chunk or a file row is stored only while the run still owns a running job. FOR SHARE makes a
 * concurrent claim, cancel or expiry wait for the insert, or the insert see their outcome and store
 * nothing: a run that lost its job never leaves rows behind under the next run.
 */
const OWNED_JOB = `FROM export_job WHERE id = $1 AND owner = $2 AND state = 'running' FOR SHARE`;

class ChunkWriter implements ExportFileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private chunks = 0;
  private bytes = 0;

  constructor(
    private readonly database: Database | Promise<Database>,
    private readonly run: ExportRun,
    private readonly name: string,
    private readonly chunkBytes: number,
  ) {}

  async write(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= this.chunkBytes) await this.flush(this.chunkBytes);
  }

  async close(): Promise<void> {
    if (this.pendingBytes > 0) await this.flush(this.pendingBytes);
    const rows = await (
      await this.database
    ).query(
      `INSERT INTO export_file (job_id, name, owner, bytes, chunks)
       SELECT id, $3, owner, $4, $5 ${OWNED_JOB} RETURNING name`,
      [this.run.jobId, this.run.owner, this.name, this.bytes, this.chunks],
    );
    if (rows.length === 0) throw new ExportRunLost(this.run);
  }

  async abort(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Stores the first `size` pending bytes as the next chunk. */
  private async flush(size: number): Promise<void> {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const rest = all.subarray(size);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    const seq = this.chunks;
    const rows = await (
      await this.database
    ).query(
      `INSERT INTO export_file_chunk (job_id, name, seq, owner, data)
       SELECT id, $3, $4, owner, $5 ${OWNED_JOB} RETURNING seq`,
      [this.run.jobId, this.run.owner, this.name, seq, all.subarray(0, size)],
    );
    if (rows.length === 0) throw new ExportRunLost(this.run);
    this.chunks += 1;
    this.bytes += size;
  }
}

export class PostgresExportFiles implements ExportFileStore {
  readonly kind = 'database';

  constructor(
    private readonly database: Database | Promise<Database>,
    private readonly chunkBytes: number = CHUNK_BYTES,
  ) {}

  async begin(run: ExportRun): Promise<void> {
    await this.remove(run.jobId);
  }

  create(run: ExportRun, name: string): ExportFileWriter {
    return new ChunkWriter(this.database, run, name, this.chunkBytes);
  }

  async open(jobId: string, name: string): Promise<StoredFile | undefined> {
    const db = await this.database;
    const chunk = (seq: number) =>
      db.query<{ data: Buffer }>(
        'SELECT data FROM export_file_chunk WHERE job_id = $1 AND name = $2 AND seq = $3',
        [jobId, name, seq],
        { binary: true },
      );
    let first: Buffer | undefined;
    let file: { bytes: string; chunks: number } | undefined;
    try {
      [file] = await db.query<{ bytes: string; chunks: number }>(
        'SELECT bytes, chunks FROM export_file WHERE job_id = $1 AND name = $2',
        [jobId, name],
      );
      if (!file) return undefined;
      // The first chunk before any header: a database that is down now is a clean 503.
      if (file.chunks > 0) first = (await chunk(0))[0]?.data;
    } catch (error) {
      throw unavailable(error);
    }
    if (file.chunks > 0 && first === undefined) return undefined;
    const bytes = Number(file.bytes);
    const { chunks } = file;
    async function* read(): AsyncGenerator<Buffer> {
      let sent = 0;
      for (let seq = 0; seq < chunks; seq += 1) {
        const data = seq === 0 ? first : (await chunk(seq))[0]?.data;
        if (data === undefined) throw new Error(`export file ${jobId}/${name} lost chunk ${seq}`);
        sent += data.length;
        yield data;
      }
      if (sent !== bytes) throw new Error(`export file ${jobId}/${name} has ${sent} of ${bytes} bytes`);
    }
    // Not object mode: a 1 MiB chunk is past the buffer's mark, so the next is read only when needed.
    return { bytes, stream: Readable.from(read(), { objectMode: false }) };
  }

  async discard(run: ExportRun): Promise<void> {
    const db = await this.database;
    await db.query('DELETE FROM export_file WHERE job_id = $1 AND owner = $2', [run.jobId, run.owner]);
    await this.deleteChunks(db, 'job_id = $1 AND owner = $2', [run.jobId, run.owner]);
  }

  async remove(jobId: string): Promise<void> {
    const db = await this.database;
    // The file rows first: from then on no download starts, and one under way fails at its next chunk.
    await db.query('DELETE FROM export_file WHERE job_id = $1', [jobId]);
    await this.deleteChunks(db, 'job_id = $1', [jobId]);
  }

  async sweep(): Promise<void> {
    const db = await this.database;
    const failed = "job_id IN (SELECT id FROM export_job WHERE state = 'failed')";
    await db.query(`DELETE FROM export_file WHERE ${failed}`);
    await this.deleteChunks(db, failed, []);
  }

  async has(jobId: string): Promise<boolean> {
    const [row] = await (
      await this.database
    ).query<{ has: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM export_file_chunk WHERE job_id = $1)
           OR EXISTS (SELECT 1 FROM export_file WHERE job_id = $1) AS has`,
      [jobId],
    );
    return row?.has === true;
  }

  /** Deletes chunks a batch at a time, so a large job never needs one long statement. */
  private async deleteChunks(db: Database, where: string, values: readonly unknown[]): Promise<void> {
    const limit = `$${values.length + 1}`;
    for (;;) {
      const rows = await db.query(
        `DELETE FROM export_file_chunk WHERE (job_id, name, seq) IN
           (SELECT job_id, name, seq FROM export_file_chunk WHERE ${where} LIMIT ${limit})
         RETURNING seq`,
        [...values, DELETE_BATCH],
      );
      if (rows.length < DELETE_BATCH) return;
    }
  }
}

/** A database that is down answers the download with a clear 503 (it has not started). */
function unavailable(error: unknown): GpcError {
  const headers = error instanceof GpcError ? error.headers : {};
  return new GpcError(
    'SERVICE_UNAVAILABLE',
    'The export files cannot be read now: their database is unavailable; please retry shortly',
    headers,
  ).withCause(error);
}
