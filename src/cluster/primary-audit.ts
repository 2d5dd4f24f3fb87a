/**
 * The primary's side of the cluster audit trail (D-70): the one AuditLog (same group commit,
 * fdatasync and hash chain as a single process) writes every worker's records; each is acknowledged
 * only once durable, with its seq, time and hash, or refused when the trail cannot be written. A
 * worker sends the records of one event-loop turn in one message and gets one message of acks back
 * (D-AB1). Every worker is told the trail's health at start and whenever it changes, so each
 * worker's readiness and refusals follow the one trail.
 */
import type { AuditTrail } from '../ops/audit-trail';
import { type AuditAck, type AuditAsk, isOurs, type PrimaryMessage, type WorkerMessage } from './messages';

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
      case 'audit.records':
        if (Array.isArray(message.records)) this.recordAll(worker, message.records, false);
        return true;
      case 'audit.record':
        this.recordAll(worker, [{ id: message.id, event: message.event }], true);
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

  /**
   * Queues every record of one message at once, so they leave in the same group commit, and answers
   * them together once all are settled: one message of acks (D-AB1), and one of nacks per cause.
   * `single` answers in the one-record shapes (`audit.ack`, `audit.nack`) of the one-record message.
   */
  private recordAll(worker: WorkerPort, asked: readonly unknown[], single: boolean): void {
    const outcomes = asked.filter(isAsk).map(({ id, event }) =>
      this.log.record(event).then(
        (record): AuditAck | Refused => {
          const { seq, time, hash } = record;
          if (typeof seq !== 'number' || typeof time !== 'string' || typeof hash !== 'string') {
            return { id, cause: 'the record came back incomplete' };
          }
          return { id, seq, time, hash };
        },
        (error: unknown): Refused => {
          const cause = error instanceof Error ? (error.cause ?? error) : error;
          return { id, cause: cause instanceof Error ? cause.message : String(cause) };
        },
      ),
    );
    void Promise.all(outcomes).then((answers) => {
      const acks = answers.filter((a): a is AuditAck => !('cause' in a));
      const refused = new Map<string, number[]>();
      for (const answer of answers) {
        if (!('cause' in answer)) continue;
        const ids = refused.get(answer.cause) ?? [];
        ids.push(answer.id);
        refused.set(answer.cause, ids);
      }
      if (single) {
        for (const ack of acks) reply(worker, { gpc: 'audit.ack', ...ack });
        for (const [cause, ids] of refused) {
          for (const id of ids) reply(worker, { gpc: 'audit.nack', id, cause });
        }
      } else {
        if (acks.length > 0) reply(worker, { gpc: 'audit.acks', acks });
        for (const [cause, ids] of refused) reply(worker, { gpc: 'audit.nacks', ids, cause });
      }
      if (refused.size > 0) this.broadcastIfChanged();
    });
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

/** A record that could not be written: its id and why. */
interface Refused {
  readonly id: number;
  readonly cause: string;
}

/** A well-formed record of a worker's message (anything else has no id to answer and is skipped). */
function isAsk(value: unknown): value is AuditAsk {
  if (typeof value !== 'object' || value === null) return false;
  const { id, event } = value as { id?: unknown; event?: unknown };
  return (
    typeof id === 'number' &&
    typeof event === 'object' &&
    event !== null &&
    typeof (event as { type?: unknown }).type === 'string'
  );
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
