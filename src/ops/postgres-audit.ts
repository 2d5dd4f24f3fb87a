/**
 * AUDIT_SINK=postgres: the audit trail as rows of one PostgreSQL table (migration 004_audit_trail),
 * so every instance of the service, on any host, appends to one durable, verifiable chain
 * (docs/decisions.md D-S1).
 *
 * One chain across instances: each append transaction locks the chain head row (FOR UPDATE), numbers
 * its records from the head's seq, hashes them from the head's hash (the same rule as the file trail,
 * audit.ts), inserts them and moves the head. Instances therefore take turns, and the table is one
 * chain in seq order. Durable means committed with synchronous_commit on (set on every connection).
 *
 * Group commit, failing closed and recovery are the file trail's, from one place (group-commit.ts):
 * records of one instance that arrive while a transaction runs leave together in the next.
 */
import { hostname } from 'node:os';

import { Pool, type PoolClient } from 'pg';

import { type AuditJson, type AuditRecord, chainRecords } from './audit';
import { type ChainSink, GroupCommitTrail, type TrailOptions } from './group-commit';

export interface PostgresAuditOptions extends TrailOptions {
  readonly url: string;
  /** Bounds a connection attempt and each statement (the chain head lock wait included), in ms. */
  readonly timeoutMs: number;
  /** Names this process in its records (default host:pid). */
  readonly instance?: string;
}

const INSERT = `WITH rows AS (
  INSERT INTO audit_trail (seq, instance, line, hash)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]))
UPDATE audit_chain_head SET seq = $5, hash = $6 WHERE one`;

/** The PostgreSQL sink: the chain's seq and last hash live in the head row, not in this process. */
class PostgresChainSink implements ChainSink {
  private readonly pool: Pool;

  constructor(
    options: PostgresAuditOptions,
    private readonly instance: string,
  ) {
    this.pool = new Pool({
      connectionString: options.url,
      // One transaction at a time per instance (group commit); a second connection for a verifier.
      max: 2,
      connectionTimeoutMillis: options.timeoutMs,
      statement_timeout: options.timeoutMs,
      query_timeout: options.timeoutMs + 1000,
      // Durable = committed and flushed, whatever the database's default; a transaction left open
      // by a lost client must not hold the chain head from every other instance.
      options: `-c synchronous_commit=on -c idle_in_transaction_session_timeout=${options.timeoutMs * 5}`,
      allowExitOnIdle: true,
    });
    this.pool.on('error', () => undefined);
  }

  /** One transaction: lock the head, chain the records from it, insert them, move the head. */
  async append(bodies: readonly Record<string, AuditJson>[]): Promise<AuditRecord[]> {
    const client: PoolClient = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const head = await client.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit_chain_head WHERE one FOR UPDATE',
      );
      if (head.rows.length !== 1) throw new Error('the audit_chain_head row is missing');
      const { records, seq, hash } = chainRecords(bodies, Number(head.rows[0].seq), head.rows[0].hash);
      await client.query(INSERT, [
        records.map((r) => r.seq),
        records.map(() => this.instance),
        records.map((r) => JSON.stringify(r)),
        records.map((r) => r.hash),
        seq,
        hash,
      ]);
      await client.query('COMMIT');
      return records;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection whose state is unknown is closed rather than reused.
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** The audit trail in PostgreSQL, group-committed by GroupCommitTrail (one transaction a batch). */
export class PostgresAuditTrail extends GroupCommitTrail {
  constructor(options: PostgresAuditOptions) {
    const instance = options.instance ?? `${hostname()}:${process.pid}`;
    super(new PostgresChainSink(options, instance), { ...options, fields: { instance } });
  }
}
