/**
 * The connection pool and the one place every SQL statement goes through: it counts queries (so a
 * test can prove a request costs a fixed number of them) and turns a database that is down or slow
 * into 503 SERVICE_UNAVAILABLE with Retry-After, never a hang and never SQL in a response.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Pool, type PoolConfig, type QueryResultRow } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { GpcError } from '../../fhir/gpc-error';

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize: number;
  /** Server-side limit on one statement, and the client's wait for a connection. */
  readonly statementTimeoutMs: number;
  /** Seconds a client is told to wait when the database is unavailable. */
  readonly retryAfterSeconds: number;
}

/**
 * Streams `data` (COPY text format, one row per line) into a `COPY … FROM STDIN` statement; resolves
 * when the server has taken every row.
 */
export type CopyIn = (statement: string, data: Iterable<string>) => Promise<void>;

export class Database {
  private readonly pool: Pool;
  private queries = 0;

  constructor(private readonly options: DatabaseOptions) {
    const config: PoolConfig = {
      connectionString: options.url,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      query_timeout: options.statementTimeoutMs + 1000,
      connectionTimeoutMillis: options.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      // Idle connections never keep a finished process (a CLI, a test worker) alive.
      allowExitOnIdle: true,
    };
    this.pool = new Pool(config);
    // An idle client losing its connection (the server restarted) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Statements run so far (for the fixed-query-count test and the benchmark). */
  get queryCount(): number {
    return this.queries;
  }

  async query<R extends QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    this.queries += 1;
    try {
      const result = await this.pool.query<R>(text, values as unknown[]);
      return result.rows;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Runs `work` in one transaction on one connection (migrations, seeding, bulk loads with COPY). */
  async transaction<T>(
    work: (
      query: (text: string, values?: readonly unknown[]) => Promise<QueryResultRow[]>,
      copyIn: CopyIn,
    ) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(
        async (text, values = []) => (await client.query<QueryResultRow>(text, values as unknown[])).rows,
        (statement, data) => pipeline(Readable.from(data), client.query(copyFrom(statement))),
      );
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private unavailable(error: unknown): GpcError {
    return new GpcError(
      'SERVICE_UNAVAILABLE',
      'The clinical record store is unavailable; please retry shortly',
      { 'Retry-After': String(this.options.retryAfterSeconds) },
    ).withCause(error);
  }
}
