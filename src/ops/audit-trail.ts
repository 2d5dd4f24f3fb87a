/**
 * What the app needs of an audit trail, whoever writes it: the file writer in this process
 * (AuditLog), a cluster worker's client of the primary's writer (cluster/worker-audit.ts), or a
 * trail that writes to a database. The app (observer, release gate, readiness, shutdown) sees only
 * this.
 */
export type AuditJson =
  null | boolean | number | string | readonly AuditJson[] | { readonly [key: string]: AuditJson };

export type AuditEventType =
  | 'service.start'
  | 'service.stop'
  | 'config.change'
  | 'request'
  | 'request.aborted'
  | 'request.rejected'
  | 'audit.repaired'
  | 'audit.recovered'
  // WORKERS > 1: a worker's start and stop, and a worker that ended unasked (cluster/primary.ts).
  | 'worker.start'
  | 'worker.stop'
  | 'worker.exit';

/** A record before sequencing: `type` says what happened; the rest depends on the type. */
export interface AuditEvent {
  readonly type: AuditEventType;
  readonly [field: string]: AuditJson;
}

export type AuditRecord = Readonly<Record<string, AuditJson>>;

export interface AuditTrail {
  /**
   * Resolves with the record as written (seq, time, hash) once it is durable; rejects with an
   * AuditError when it could not be written (the answer is then refused, D-40). Never throws.
   */
  record(event: AuditEvent): Promise<AuditRecord>;
  /** A service event (start, stop, a toggle): kept and retried until written, never refused. */
  note(event: AuditEvent): void;
  /** True once a record has been written and while records can be written (readiness). */
  readonly healthy: boolean;
  /** Why the trail cannot be written, while it cannot. */
  readonly failureCause: string | undefined;
  /** Resolves once the trail's first write has been tried, so readiness is known. */
  whenTried(): Promise<void>;
  /** Writes (or hands over) every record queued, then lets go of the trail. */
  close(): Promise<void>;
}
