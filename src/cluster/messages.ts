/**
 * What the primary and its workers say to each other over cluster IPC (WORKERS > 1, D-70). Every
 * message carries `gpc`, so prom-client's own messages (metrics aggregation) pass by untouched.
 */
import type { AuditEvent } from '../ops/audit';
import type { ReadinessChecks } from '../ops/health';
import type { ExportFile, ExportLimits, JobProgress, NewExportJob } from '../record/export-jobs';

/**
 * One call on the primary's export job store (REPOSITORY=memory, D-B4): the `ExportJobStore` methods,
 * tagged by name, with every Date as an ISO 8601 string (IPC carries JSON).
 */
export type JobCall =
  | { readonly op: 'create'; readonly job: NewExportJob; readonly limits: ExportLimits }
  | { readonly op: 'find'; readonly jobId: string }
  | {
      readonly op: 'claim';
      readonly owner: string;
      readonly now: string;
      readonly staleBefore: string;
      readonly maxAttempts: number;
      readonly expiresAt: string;
    }
  | {
      readonly op: 'progress';
      readonly jobId: string;
      readonly owner: string;
      readonly progress: JobProgress;
      readonly now: string;
    }
  | {
      readonly op: 'finish';
      readonly jobId: string;
      readonly owner: string;
      readonly state: 'completed' | 'failed';
      readonly files: readonly ExportFile[];
      readonly error?: string;
      readonly expiresAt: string;
    }
  | { readonly op: 'release'; readonly jobId: string; readonly owner: string }
  | { readonly op: 'remove'; readonly jobId: string }
  | { readonly op: 'expired'; readonly now: string };

/** One record a worker asks the primary to write; its answer names the same id. */
export interface AuditAsk {
  readonly id: number;
  readonly event: AuditEvent;
}

/** A record written and durable: what the worker's record() resolves with besides its own event. */
export interface AuditAck {
  readonly id: number;
  readonly seq: number;
  readonly time: string;
  readonly hash: string;
}

export type WorkerMessage =
  /**
   * Write these records (those a worker was asked for within one turn of its event loop, D-AB1);
   * answered by `audit.acks` once they are durable, or `audit.nacks`.
   */
  | { readonly gpc: 'audit.records'; readonly records: readonly AuditAsk[] }
  /** One record (the message before batches, still understood): answered by `audit.ack` or `audit.nack`. */
  | { readonly gpc: 'audit.record'; readonly id: number; readonly event: AuditEvent }
  /** A service event: kept and retried by the primary's trail until written. */
  | { readonly gpc: 'audit.note'; readonly event: AuditEvent }
  /** How is the trail? (asked once at start: the primary then also says whenever it changes) */
  | { readonly gpc: 'audit.ask' }
  | { readonly gpc: 'ready.answer'; readonly id: number; readonly checks: ReadinessChecks }
  /** A call on the export job store the primary holds; answered by `jobs.answer` with the same id. */
  | { readonly gpc: 'jobs.call'; readonly id: number; readonly call: JobCall }
  /** The worker cannot start (bad store, bad TLS files): said once by the primary, which then exits. */
  | { readonly gpc: 'fatal'; readonly message: string }
  /** This worker had live requests in flight lately (D-EB5): passed on to the other workers. */
  | { readonly gpc: 'live' };

export type PrimaryMessage =
  /** Records of one `audit.records` message, durable (D-AB1). */
  | { readonly gpc: 'audit.acks'; readonly acks: readonly AuditAck[] }
  /** Records of one `audit.records` message that could not be written, and why. */
  | { readonly gpc: 'audit.nacks'; readonly ids: readonly number[]; readonly cause: string }
  | ({ readonly gpc: 'audit.ack' } & AuditAck)
  | { readonly gpc: 'audit.nack'; readonly id: number; readonly cause: string }
  | { readonly gpc: 'audit.health'; readonly healthy: boolean; readonly failureCause: string | null }
  | { readonly gpc: 'ready.ask'; readonly id: number }
  /** The store's answer (`value` is the method's result as JSON; absent for undefined/void). */
  | { readonly gpc: 'jobs.answer'; readonly id: number; readonly value?: unknown }
  /** The store threw: its message. */
  | { readonly gpc: 'jobs.failed'; readonly id: number; readonly cause: string }
  | { readonly gpc: 'shutdown'; readonly signal: string }
  /** Another worker had live requests in flight lately (D-EB5): this one's export gives way. */
  | { readonly gpc: 'live' }
  | { readonly gpc: 'tls.reload' };

/** A message of ours (not prom-client's, not anything else on the channel). */
export function isOurs<T extends { readonly gpc: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' && message !== null && typeof (message as { gpc?: unknown }).gpc === 'string'
  );
}
