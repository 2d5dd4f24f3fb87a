/**
 * The primary's side of the cluster audit trail (D-70): the one AuditLog (same group commit,
 * fdatasync and hash chain as a single process) writes every worker's records; each is acknowledged
 * only once durable, with its seq, time and hash, or refused when the trail cannot be written. Every
 * worker is told the trail's health at start and whenever it changes, so each worker's readiness and
 * refusals follow the one trail.
 */
import type { AuditTrail } from '../ops/audit-trail';
import { isOurs, type PrimaryMessage, type WorkerMessage } from './messages';

/** The part of a cluster Worker this needs; tests pass fakes. */
export interface WorkerPort {
  send(message: PrimaryMessage, callback?: (error: Error | null) => void): boolean;
  isConnected(): boolean;
}

/** How often the trail's health is compared with what the workers were last told, in ms. */
const HEALTH_CHECK_MS = 100;

export class PrimaryAuditService {
  private told: { healthy: boolean; failureCause: string | null } | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: AuditTrail,
    private readonly workers: () => Iterable<WorkerPort>,
  ) {
    this.timer = setInterval(() => this.broadcastIfChanged(), HEALTH_CHECK_MS);
    this.timer.unref();
  }

  /** Handles one worker's message; false when it is not the trail's. */
  handle(worker: WorkerPort, message: unknown): boolean {
    if (!isOurs<WorkerMessage>(message)) return false;
    switch (message.gpc) {
      case 'audit.record':
        this.log.record(message.event).then(
          (record) => {
            const { seq, time, hash } = record;
            if (typeof seq !== 'number' || typeof time !== 'string' || typeof hash !== 'string') {
              reply(worker, { gpc: 'audit.nack', id: message.id, cause: 'the record came back incomplete' });
              return;
            }
            reply(worker, { gpc: 'audit.ack', id: message.id, seq, time, hash });
          },
          (error: unknown) => {
            const cause = error instanceof Error ? (error.cause ?? error) : error;
            const text = cause instanceof Error ? cause.message : String(cause);
            reply(worker, { gpc: 'audit.nack', id: message.id, cause: text });
            this.broadcastIfChanged();
          },
        );
        return true;
      case 'audit.note':
        this.log.note(message.event);
        return true;
      case 'audit.ask':
        reply(worker, this.healthMessage());
        return true;
      default:
        return false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private healthMessage(): PrimaryMessage {
    return { gpc: 'audit.health', healthy: this.log.healthy, failureCause: this.log.failureCause ?? null };
  }

  private broadcastIfChanged(): void {
    const now = { healthy: this.log.healthy, failureCause: this.log.failureCause ?? null };
    if (this.told?.healthy === now.healthy && this.told.failureCause === now.failureCause) return;
    this.told = now;
    const message = this.healthMessage();
    for (const worker of this.workers()) reply(worker, message);
  }
}

/** A worker that has gone cannot be told; its requests died with it. */
function reply(worker: WorkerPort, message: PrimaryMessage): void {
  if (!worker.isConnected()) return;
  try {
    worker.send(message, () => undefined);
  } catch {
    // The channel closed between the check and the send: same as above.
  }
}
