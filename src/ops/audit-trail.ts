/**
 * What the rest of the service needs of an audit trail: the public surface of AuditLog (a file or
 * stream, audit.ts) that a PostgreSQL table (postgres-audit.ts) also provides, so the request path,
 * health and shutdown work the same whichever AUDIT_SINK writes the records.
 */
import type { AuditEvent, AuditRecord } from './audit';

export interface AuditTrail {
  /** Resolves once the record is durable; rejects (AuditError) when it cannot be written. */
  record(event: AuditEvent): Promise<AuditRecord>;
  /** A service event: kept and retried until written, never refused. */
  note(event: AuditEvent): void;
  /** True once a record has been written, and while records can be written. */
  readonly healthy: boolean;
  /** Why the trail cannot be written, while it cannot. */
  readonly failureCause: string | undefined;
  /** Resolves once the first write has been tried. */
  whenTried(): Promise<void>;
  /** Writes every record queued, then releases the trail's resources. */
  close(): Promise<void>;
}
