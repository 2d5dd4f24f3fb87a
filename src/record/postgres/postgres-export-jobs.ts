/**
 * Export jobs in PostgreSQL (`export_job`, migration 005_bulk_export): every process of every instance
 * over the database sees the same jobs. A job is claimed with FOR UPDATE SKIP LOCKED, so two processes
 * never run the same one; its owner reports progress (the heartbeat) after every batch, and a running
 * job whose heartbeat is older than EXPORT_STALE_SECONDS is taken over (docs/decisions.md D-B4).
 */
import type {
  ClaimTimes,
  CreateOutcome,
  ExportFile,
  ExportJob,
  ExportJobStore,
  ExportLimits,
  ExportRequest,
  JobProgress,
  NewExportJob,
} from '../export-jobs';
import type { Database } from './database';

interface JobRow {
  id: string;
  practice_ods: string;
  consumer_asid: string;
  request: ExportRequest;
  transaction_time: Date;
  state: ExportJob['state'];
  attempts: number;
  total: number | null;
  done: number;
  files: ExportFile[];
  error: string | null;
  expires_at: Date | null;
}

const COLUMNS =
  'id, practice_ods, consumer_asid, request, transaction_time, state, attempts, total, done, files, error, expires_at';

/** One constant for every instance: creating jobs takes turns, so the limits hold across processes. */
const CREATE_LOCK = 741_802_120;

function jobOf(row: JobRow): ExportJob {
  return {
    id: row.id,
    odsCode: row.practice_ods,
    consumerAsid: row.consumer_asid,
    request: row.request,
    transactionTime: row.transaction_time.toISOString(),
    state: row.state,
    attempts: row.attempts,
    ...(row.total !== null && { total: row.total }),
    done: row.done,
    files: row.files,
    ...(row.error !== null && { error: row.error }),
    ...(row.expires_at !== null && { expiresAt: row.expires_at.toISOString() }),
  };
}

export class PostgresExportJobs implements ExportJobStore {
  readonly durable = true;

  /** The jobs' database (where EXPORT_STORAGE=database keeps their files). */
  constructor(readonly database: Database | Promise<Database>) {}

  async create(job: NewExportJob, limits: ExportLimits): Promise<CreateOutcome> {
    const db = await this.database;
    return db.transaction(async (query) => {
      await query('SELECT pg_advisory_xact_lock($1)', [CREATE_LOCK]);
      const [counts] = await query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE consumer_asid = $1)::int AS mine
           FROM export_job WHERE state IN ('queued', 'running')`,
        [job.consumerAsid],
      );
      if (Number(counts.mine) >= limits.perConsumer) return 'consumer-limit';
      if (Number(counts.total) >= limits.total) return 'total-limit';
      await query(
        `INSERT INTO export_job (id, practice_ods, consumer_asid, request, transaction_time, state)
         VALUES ($1, $2, $3, $4, $5, 'queued')`,
        [job.id, job.odsCode, job.consumerAsid, JSON.stringify(job.request), job.transactionTime],
      );
      return 'created' as const;
    });
  }

  async find(id: string): Promise<ExportJob | undefined> {
    const rows = await (
      await this.database
    ).query<JobRow>(`SELECT ${COLUMNS} FROM export_job WHERE id = $1`, [id]);
    return rows[0] && jobOf(rows[0]);
  }

  async claim(owner: string, when: ClaimTimes): Promise<ExportJob | undefined> {
    const { now, staleBefore, maxAttempts } = when;
    const db = await this.database;
    // Jobs started too often (a crash loop) fail rather than run again.
    await db.query(
      `UPDATE export_job SET state = 'failed', owner = NULL, expires_at = $3,
              error = 'The export stopped repeatedly and was given up'
        WHERE (state = 'queued' OR (state = 'running' AND heartbeat_at < $1)) AND attempts >= $2`,
      [staleBefore, maxAttempts, when.expiresAt],
    );
    const rows = await db.query<JobRow>(
      `UPDATE export_job SET state = 'running', owner = $1, heartbeat_at = $2, attempts = attempts + 1,
              done = 0, files = '[]'::jsonb
        WHERE id = (SELECT id FROM export_job
                     WHERE state = 'queued' OR (state = 'running' AND heartbeat_at < $3)
                     ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING ${COLUMNS}`,
      [owner, now, staleBefore],
    );
    return rows[0] && jobOf(rows[0]);
  }

  async progress(id: string, owner: string, progress: JobProgress, now: Date): Promise<boolean> {
    const rows = await (
      await this.database
    ).query(
      `UPDATE export_job SET total = $3, done = $4, files = $5, heartbeat_at = $6
        WHERE id = $1 AND owner = $2 AND state = 'running' RETURNING id`,
      [id, owner, progress.total, progress.done, JSON.stringify(progress.files), now],
    );
    return rows.length > 0;
  }

  async finish(
    id: string,
    owner: string,
    outcome: { state: 'completed' | 'failed'; files: readonly ExportFile[]; error?: string; expiresAt: Date },
  ): Promise<boolean> {
    const rows = await (
      await this.database
    ).query(
      `UPDATE export_job SET state = $3, files = $4, error = $5, expires_at = $6, owner = NULL
        WHERE id = $1 AND owner = $2 AND state = 'running' RETURNING id`,
      [id, owner, outcome.state, JSON.stringify(outcome.files), outcome.error ?? null, outcome.expiresAt],
    );
    return rows.length > 0;
  }

  async release(id: string, owner: string): Promise<void> {
    await (
      await this.database
    ).query(
      `UPDATE export_job SET state = 'queued', owner = NULL, attempts = GREATEST(attempts - 1, 0)
        WHERE id = $1 AND owner = $2 AND state = 'running'`,
      [id, owner],
    );
  }

  async remove(id: string): Promise<boolean> {
    const rows = await (await this.database).query('DELETE FROM export_job WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async expired(now: Date): Promise<string[]> {
    const rows = await (
      await this.database
    ).query<{ id: string }>('SELECT id FROM export_job WHERE expires_at IS NOT NULL AND expires_at <= $1', [
      now,
    ]);
    return rows.map((r) => r.id);
  }
}
