/**
 * The audit trail's durability rules, written once for every place it is kept (a file, audit.ts;
 * PostgreSQL, postgres-audit.ts): docs/decisions.md D-40 and D-S1.
 *
 * - Audit before release: record() resolves only once the sink says the record is durable.
 * - Group commit: one write at a time; records that arrive meanwhile leave together in the next,
 *   at most MAX_BATCH per write (bounds one write's size and the wait of the records behind it).
 * - Fail closed: a failed write rejects the answers of its batch with an AuditError (the release
 *   gate turns it into a 503), keeps the service's own events for later, and reports the failure once.
 * - Recovery without restart: the next answer and a timer try again; the first write that works
 *   carries `audit.recovered` first (since when, why, how many answers were refused).
 * - close() writes everything still queued before the sink lets go. A record asked for after that
 *   is refused (AuditError) and a service event reported, never left waiting for a write that will
 *   not come (graceful shutdown closes the trail only once every handler has settled, D-SD1).
 *
 * A sink only stores: it numbers and chains the records it is given after what it already holds,
 * and resolves with them as written.
 */
import type { AuditEvent, AuditJson, AuditRecord, AuditTrail } from './audit-trail';

/** Most records one write carries; more wait for the next. */
export const MAX_BATCH = 1000;

/** Where a trail's records are kept. */
export interface ChainSink {
  /**
   * Numbers and chains `bodies` after the sink's last record and makes them durable. Resolves with
   * every record written, in order; the sink may put records of its own first (a repaired file).
   */
  append(bodies: readonly Record<string, AuditJson>[]): Promise<AuditRecord[]>;
  /** After a failed append: let go of whatever the failure may have left broken (a file handle). */
  failed?(): void;
  close(): Promise<void>;
}

export interface GroupCommitOptions {
  readonly now: () => Date;
  /** Fields every record carries after `time` (PostgreSQL: the instance that wrote it). */
  readonly fields?: Readonly<Record<string, AuditJson>>;
  /** How often a failed trail retries by itself, in ms (requests also retry it). */
  readonly retryMs?: number;
  /** Told when the trail cannot be written, and when it can again. */
  readonly onFailure?: (error: Error) => void;
  readonly onRecovery?: (failedSince: Date, refused: number) => void;
  /** Told of a service event given to the trail after it closed, which cannot be written. */
  readonly onClosedNote?: (event: AuditEvent) => void;
  /**
   * A write that starts from idle waits for the end of the event-loop turn (setImmediate), so every
   * record queued in that turn shares its write and fdatasync: the cluster primary, whose records
   * arrive in several workers' messages read in one turn (D-AB2). Otherwise a write starts as soon as
   * a record arrives and none is under way.
   */
  readonly gatherTurn?: boolean;
}

/** What a trail's owner sets, whatever its sink. */
export type TrailOptions = Omit<GroupCommitOptions, 'fields'>;

const CLOSED = 'the audit trail has been closed';

export class AuditError extends Error {
  constructor(override readonly cause: Error) {
    super(`the audit trail cannot be written: ${cause.message}`);
  }
}

interface Pending {
  readonly body: Record<string, AuditJson>;
  /** Undefined for the service's own events, which are kept and retried rather than lost. */
  readonly settle?: { resolve: (record: AuditRecord) => void; reject: (error: Error) => void };
}

export class GroupCommitTrail implements AuditTrail {
  private pending: Pending[] = [];
  private flushing = false;
  private probe = false;
  private written = false;
  private closed = false;
  private failure: { error: Error; since: Date; refused: number } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private gathering: NodeJS.Immediate | undefined;
  private settleFirst: (() => void) | undefined;
  private readonly firstTried: Promise<void>;

  constructor(
    private readonly sink: ChainSink,
    private readonly options: GroupCommitOptions,
  ) {
    this.firstTried = new Promise<void>((resolve) => (this.settleFirst = resolve));
  }

  /** Resolves once the first write has been tried (main.ts listens after it, so readiness is known). */
  whenTried(): Promise<void> {
    return this.firstTried;
  }

  /**
   * False until a first record is written, and while records cannot be written: /health/ready says
   * not ready (and answers are refused) until the trail is known to work.
   */
  get healthy(): boolean {
    return this.written && this.failure === undefined;
  }

  /** Why the trail cannot be written, while it cannot. */
  get failureCause(): string | undefined {
    return this.failure?.error.message;
  }

  /**
   * Queues one record; resolves with it as written (seq, time, hash) once it is durable, rejects
   * with an AuditError when it could not be written. Never throws synchronously.
   */
  record(event: AuditEvent): Promise<AuditRecord> {
    if (this.closed) return Promise.reject(new AuditError(new Error(CLOSED)));
    const body = this.bodyOf(event);
    return new Promise<AuditRecord>((resolve, reject) => {
      this.pending.push({ body, settle: { resolve, reject } });
      this.kick();
    });
  }

  /** A service event (start, stop, a toggle): kept in memory and retried until written, never refused. */
  note(event: AuditEvent): void {
    if (this.closed) {
      this.options.onClosedNote?.(event);
      return;
    }
    this.pending.push({ body: this.bodyOf(event) });
    this.kick();
  }

  /** Tries the trail again without waiting for a request (the retry timer calls it). */
  retry(): Promise<void> {
    if (this.failure === undefined) return Promise.resolve();
    // With nothing else waiting, an empty batch writes just the recovery record.
    this.probe = true;
    return this.drain();
  }

  /** Writes every record queued, then closes the sink. */
  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    clearImmediate(this.gathering);
    this.gathering = undefined;
    while (this.flushing) await new Promise((resolve) => setImmediate(resolve));
    if (this.pending.length > 0) await this.drain();
    this.closed = true;
    await this.sink.close();
  }

  private bodyOf(event: AuditEvent): Record<string, AuditJson> {
    return { time: this.options.now().toISOString(), ...this.options.fields, ...event };
  }

  /** Starts a write now, or at the end of this turn (gatherTurn) when none is under way. */
  private kick(): void {
    if (!this.options.gatherTurn || this.flushing) {
      void this.drain();
      return;
    }
    this.gathering ??= setImmediate(() => {
      this.gathering = undefined;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while ((this.pending.length > 0 || this.probe) && !this.closed) {
        this.probe = false;
        await this.writeBatch(this.pending.splice(0, MAX_BATCH));
        // After a failure, answers that queued meanwhile get their own attempt; service events alone
        // wait for the next answer or the retry timer (never a tight loop).
        if (this.failure && !this.pending.some((p) => p.settle !== undefined)) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const bodies = batch.map((p) => p.body);
    if (this.failure) {
      const { since, refused, error } = this.failure;
      bodies.unshift(
        this.bodyOf({
          type: 'audit.recovered',
          failedSince: since.toISOString(),
          cause: error.message,
          refusedResponses: refused,
        }),
      );
    }
    let written: AuditRecord[];
    try {
      written = await this.sink.append(bodies);
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

  private fail(error: Error, batch: Pending[]): void {
    const first = this.failure === undefined;
    const refused = batch.filter((p) => p.settle !== undefined);
    this.failure = {
      error,
      since: this.failure?.since ?? this.options.now(),
      refused: (this.failure?.refused ?? 0) + refused.length,
    };
    this.sink.failed?.();
    // The service's own events wait for the sink to come back; responses do not.
    this.pending.unshift(...batch.filter((p) => p.settle === undefined));
    for (const entry of refused) entry.settle?.reject(new AuditError(error));
    if (first) this.options.onFailure?.(error);
    if (this.retryTimer === undefined && !this.closed) {
      this.retryTimer = setInterval(() => void this.retry(), this.options.retryMs ?? 1000);
      this.retryTimer.unref();
    }
  }
}
