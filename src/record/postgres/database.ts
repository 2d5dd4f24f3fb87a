/**
 * The connection pools and the one place every SQL statement goes through: it counts queries (so a
 * test can prove a request costs a fixed number of them) and turns a database that is down or slow
 * into 503 SERVICE_UNAVAILABLE with Retry-After, never a hang and never SQL in a response.
 *
 * Clinical reads (`read`) are named prepared statements, planned once per connection with a generic
 * plan (plan_cache_mode=force_generic_plan): no request pays for planning, and no plan depends on one
 * patient's data volume (docs/decisions.md D-S2). With DATABASE_READ_URLS they go to the replicas in
 * turn; a replica that fails is skipped for REPLICA_REST_MS and the read is answered by the primary
 * (D-S3). Writes and everything else (`query`, `transaction`) go to DATABASE_URL.
 */
import { hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Pool, type PoolConfig, type QueryConfig, type QueryResultRow } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { GpcError } from '../../fhir/gpc-error';

export interface DatabaseOptions {
  readonly url: string;
  /** Read replicas (DATABASE_READ_URLS): each gets a pool of poolSize. */
  readonly readUrls?: readonly string[];
  readonly poolSize: number;
  /** Server-side limit on one statement, and the client's wait for a connection. */
  readonly statementTimeoutMs: number;
  /** Seconds a client is told to wait when the database is unavailable. */
  readonly retryAfterSeconds: number;
}

/** How long a replica that failed is left out before it is tried again. */
export const REPLICA_REST_MS = 5000;

interface Replica {
  readonly pool: Pool;
  /** Not tried before this time (ms since the epoch) after a failure. */
  restUntil: number;
  reads: number;
  failures: number;
}

/** Statement text → its prepared statement's name (the same text always gets the same name). */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `gpc_${hash('sha1', text, 'hex').slice(0, 24)}`;
    // Bounded: the statement shapes are a small fixed set, but nothing here may grow without end.
    if (statementNames.size >= 10_000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Streams `data` (COPY text format, one row per line) into a `COPY … FROM STDIN` statement; resolves
 * when the server has taken every row.
 */
export type CopyIn = (statement: string, data: Iterable<string>) => Promise<void>;

export class Database {
  private readonly pool: Pool;
  private readonly replicas: Replica[];
  private next = 0;
  private queries = 0;
  private primaryReads = 0;

  constructor(
    private readonly options: DatabaseOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.pool = Database.pool(options.url, options);
    this.replicas = (options.readUrls ?? []).map((url) => ({
      pool: Database.pool(url, options),
      restUntil: 0,
      reads: 0,
      failures: 0,
    }));
  }

  private static pool(url: string, options: DatabaseOptions): Pool {
    const config: PoolConfig = {
      connectionString: url,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      query_timeout: options.statementTimeoutMs + 1000,
      connectionTimeoutMillis: options.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      // Prepared statements keep one generic plan per connection (D-S2).
      options: '-c plan_cache_mode=force_generic_plan',
      // Idle connections never keep a finished process (a CLI, a test worker) alive.
      allowExitOnIdle: true,
    };
    const pool = new Pool(config);
    // An idle client losing its connection (the server restarted) must not crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  /** Statements run so far (for the fixed-query-count test and the benchmark). */
  get queryCount(): number {
    return this.queries;
  }

  /** Reads answered by each pool, and reads each replica failed (routing tests, diagnosis). */
  get readCounts(): {
    readonly primary: number;
    readonly replicas: readonly number[];
    readonly replicaFailures: readonly number[];
  } {
    return {
      primary: this.primaryReads,
      replicas: this.replicas.map((r) => r.reads),
      replicaFailures: this.replicas.map((r) => r.failures),
    };
  }

  /**
   * A clinical read as a named prepared statement: from a replica in turn when there are any (one
   * that fails is rested and the primary answers instead), else from the primary.
   */
  async read<R extends QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    this.queries += 1;
    const statement = { name: statementName(text), text, values: values as unknown[] };
    const replica = this.pickReplica();
    if (replica) {
      try {
        const result = await replica.pool.query<R>(statement);
        replica.reads += 1;
        return result.rows;
      } catch {
        replica.failures += 1;
        replica.restUntil = this.now() + REPLICA_REST_MS;
      }
    }
    try {
      const result = await this.pool.query<R>(statement);
      this.primaryReads += 1;
      return result.rows;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  private pickReplica(): Replica | undefined {
    const n = this.replicas.length;
    const at = this.now();
    for (let i = 0; i < n; i += 1) {
      const replica = this.replicas[(this.next + i) % n];
      if (replica.restUntil <= at) {
        this.next = (this.next + i + 1) % n;
        return replica;
      }
    }
    return undefined;
  }

  /**
   * A statement on the primary. `binary`: results in PostgreSQL's binary format, so a bytea column
   * arrives as its bytes rather than as hex text twice their size (the export files' chunks).
   */
  async query<R extends QueryResultRow>(
    text: string,
    values: readonly unknown[] = [],
    options: { readonly binary?: boolean } = {},
  ): Promise<R[]> {
    this.queries += 1;
    try {
      // `binary` is pg's own Query option, missing from its type definitions.
      const config: QueryConfig & { readonly binary?: boolean } = {
        text,
        values: values as unknown[],
        binary: options.binary === true,
      };
      const result = await this.pool.query<R>(config);
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
    await Promise.all([this.pool.end(), ...this.replicas.map((r) => r.pool.end())]);
  }

  private unavailable(error: unknown): GpcError {
    return new GpcError(
      'SERVICE_UNAVAILABLE',
      'The clinical record store is unavailable; please retry shortly',
      { 'Retry-After': String(this.options.retryAfterSeconds) },
    ).withCause(error);
  }
}
