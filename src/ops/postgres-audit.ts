/**
 * AUDIT_SINK=postgres: the audit trail as rows of one PostgreSQL table (migration 004_audit_trail),
 * so every instance of the service, on any host, appends to one durable, verifiable chain
 * (docs/decisions.md D-S1).
 *
 * One chain across instances: each append transaction locks the chain head row (FOR UPDATE), numbers
 * its records from the head's seq, hashes them from the head's hash (the same rule as the file trail,
 * audit.ts), inserts them and moves the head. Instances therefore take turns, and the table is one
 * chain in seq order. Records of one instance are group-committed: while a transaction runs, new
 * records queue and the next transaction carries them all. Durable means committed with
 * synchronous_commit on (set on every connection).
 *
 * Failing closed as the file trail does (D-40): a transaction that fails rejects its batch (those
 * responses are refused with 503), service events are kept and retried, a timer retries by itself,
 * and the first transaction that succeeds again writes `audit.recovered` first.
 */
import { hostname } from 'node:os';

import { Pool, type PoolClient } from 'pg';

import {
  AuditError,
  type AuditEvent,
  type AuditJson,
  type AuditRecord,
  canonicalJson,
  chainHash,
} from './audit';
import type { AuditTrail } from './audit-trail';

export interface PostgresAuditOptions {
  readonly url: string;
  readonly now: () => Date;
  /** Bounds a connection attempt and each statement (the chain head lock wait included), in ms. */
  readonly timeoutMs: number;
  /** Names this process in its records (default host:pid). */
  readonly instance?: string;
  /** How often a failed trail retries by itself, in ms (requests also retry it). */
  readonly retryMs?: number;
  readonly onFailure?: (error: Error) => void;
  readonly onRecovery?: (failedSince: Date, refused: number) => void;
}

interface Pending {
  readonly body: Record<string, AuditJson>;
  /** Undefined for the service's own events, which are kept and retried rather than lost. */
  readonly settle?: { resolve: (record: AuditRecord) => void; reject: (error: Error) => void };
}

/** Most records one transaction carries; more wait for the next (bounds one statement's size). */
const MAX_BATCH = 1000;

const INSERT = `WITH rows AS (
  INSERT INTO audit_trail (seq, instance, line, hash)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]))
UPDATE audit_chain_head SET seq = $5, hash = $6 WHERE one`;

export class PostgresAuditTrail implements AuditTrail {
  private readonly pool: Pool;
  private readonly instance: string;
  private pending: Pending[] = [];
  private flushing = false;
  private probe = false;
  private written = false;
  private closed = false;
  private failure: { error: Error; since: Date; refused: number } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private settleFirst: (() => void) | undefined;
  private readonly firstTried: Promise<void>;

  constructor(private readonly options: PostgresAuditOptions) {
    this.instance = options.instance ?? `${hostname()}:${process.pid}`;
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
    this.firstTried = new Promise<void>((resolve) => (this.settleFirst = resolve));
  }

  whenTried(): Promise<void> {
    return this.firstTried;
  }

  get healthy(): boolean {
    return this.written && this.failure === undefined;
  }

  get failureCause(): string | undefined {
    return this.failure?.error.message;
  }

  record(event: AuditEvent): Promise<AuditRecord> {
    const body = this.bodyOf(event);
    return new Promise<AuditRecord>((resolve, reject) => {
      this.pending.push({ body, settle: { resolve, reject } });
      void this.drain();
    });
  }

  note(event: AuditEvent): void {
    this.pending.push({ body: this.bodyOf(event) });
    void this.drain();
  }

  private bodyOf(event: AuditEvent): Record<string, AuditJson> {
    return { time: this.options.now().toISOString(), instance: this.instance, ...event };
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while ((this.pending.length > 0 || this.probe) && !this.closed) {
        this.probe = false;
        const batch = this.pending.splice(0, MAX_BATCH);
        await this.writeBatch(batch);
        // After a failure only answers waiting get an attempt of their own (never a tight loop).
        if (this.failure && !this.pending.some((p) => p.settle !== undefined)) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const entries = [...batch];
    if (this.failure) {
      const { since, refused, error } = this.failure;
      entries.unshift({
        body: this.bodyOf({
          type: 'audit.recovered',
          failedSince: since.toISOString(),
          cause: error.message,
          refusedResponses: refused,
        }),
      });
    }
    let written: AuditRecord[];
    try {
      written = await this.append(entries.map((e) => e.body));
    } catch (caught) {
      this.fail(caught instanceof Error ? caught : new Error(String(caught)), batch);
      this.settleFirst?.();
      return;
    }
    this.settleFirst?.();
    this.written = true;
    if (this.failure) {
      const { since, refused } = this.failure;
      this.failure = undefined;
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
      this.options.onRecovery?.(since, refused);
    }
    const offset = written.length - batch.length;
    batch.forEach((entry, i) => entry.settle?.resolve(written[offset + i]));
  }

  /** One transaction: lock the head, chain the records from it, insert them, move the head. */
  private async append(bodies: readonly Record<string, AuditJson>[]): Promise<AuditRecord[]> {
    const client: PoolClient = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const head = await client.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit_chain_head WHERE one FOR UPDATE',
      );
      if (head.rows.length !== 1) throw new Error('the audit_chain_head row is missing');
      let seq = Number(head.rows[0].seq);
      let previous = head.rows[0].hash;
      const records = bodies.map((body) => {
        const numbered = { seq: ++seq, ...body };
        previous = chainHash(previous, canonicalJson(numbered));
        return { ...numbered, hash: previous };
      });
      await client.query(INSERT, [
        records.map((r) => r.seq),
        records.map(() => this.instance),
        records.map((r) => JSON.stringify(r)),
        records.map((r) => r.hash),
        seq,
        previous,
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

  private fail(error: Error, batch: Pending[]): void {
    const first = this.failure === undefined;
    const refused = batch.filter((p) => p.settle !== undefined);
    this.failure = {
      error,
      since: this.failure?.since ?? this.options.now(),
      refused: (this.failure?.refused ?? 0) + refused.length,
    };
    this.pending.unshift(...batch.filter((p) => p.settle === undefined));
    for (const entry of refused) entry.settle?.reject(new AuditError(error));
    if (first) this.options.onFailure?.(error);
    if (this.retryTimer === undefined && !this.closed) {
      this.retryTimer = setInterval(() => void this.retry(), this.options.retryMs ?? 1000);
      this.retryTimer.unref();
    }
  }

  /** Tries the trail again without waiting for a request (the retry timer calls it). */
  retry(): Promise<void> {
    if (this.failure === undefined) return Promise.resolve();
    this.probe = true;
    return this.drain();
  }

  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    while (this.flushing) await new Promise((resolve) => setImmediate(resolve));
    if (this.pending.length > 0) await this.drain();
    this.closed = true;
    await this.pool.end();
  }
}
