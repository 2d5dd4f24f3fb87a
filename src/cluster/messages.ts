/**
 * What the primary and its workers say to each other over cluster IPC (WORKERS > 1, D-70). Every
 * message carries `gpc`, so prom-client's own messages (metrics aggregation) pass by untouched.
 */
import type { AuditEvent } from '../ops/audit';
import type { ReadinessChecks } from '../ops/health';

export type WorkerMessage =
  /** Write this record; answer with an ack (seq, time, hash) once it is durable, or a nack. */
  | { readonly gpc: 'audit.record'; readonly id: number; readonly event: AuditEvent }
  /** A service event: kept and retried by the primary's trail until written. */
  | { readonly gpc: 'audit.note'; readonly event: AuditEvent }
  /** How is the trail? (asked once at start: the primary then also says whenever it changes) */
  | { readonly gpc: 'audit.ask' }
  | { readonly gpc: 'ready.answer'; readonly id: number; readonly checks: ReadinessChecks }
  /** The worker cannot start (bad store, bad TLS files): said once by the primary, which then exits. */
  | { readonly gpc: 'fatal'; readonly message: string };

export type PrimaryMessage =
  | {
      readonly gpc: 'audit.ack';
      readonly id: number;
      readonly seq: number;
      readonly time: string;
      readonly hash: string;
    }
  | { readonly gpc: 'audit.nack'; readonly id: number; readonly cause: string }
  | { readonly gpc: 'audit.health'; readonly healthy: boolean; readonly failureCause: string | null }
  | { readonly gpc: 'ready.ask'; readonly id: number }
  | { readonly gpc: 'shutdown'; readonly signal: string }
  | { readonly gpc: 'tls.reload' };

/** A message of ours (not prom-client's, not anything else on the channel). */
export function isOurs<T extends { readonly gpc: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' && message !== null && typeof (message as { gpc?: unknown }).gpc === 'string'
  );
}
