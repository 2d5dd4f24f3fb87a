/**
 * A cluster worker's audit trail (D-70): every record goes to the primary, the single writer of
 * AUDIT_LOG, and record() resolves only when the primary acknowledges it as durable (seq, time,
 * hash). The primary refusing (its disk is full) or the channel failing (the primary is gone) both
 * reject, so the release gate answers 503: an answer never leaves unaudited. Health follows what
 * the primary says about its trail, so the worker's readiness and refusals match the primary's.
 */
import { AuditError, type AuditEvent, type AuditJson, type AuditRecord } from '../ops/audit';
import type { AuditTrail } from '../ops/audit-trail';
import { type AuditAck, type AuditAsk, isOurs, type PrimaryMessage, type WorkerMessage } from './messages';

/** The part of `process` (a cluster worker's) the trail uses; tests pass a fake channel. */
export interface PrimaryChannel {
  send(message: WorkerMessage, callback: (error: Error | null) => void): void;
  readonly connected: boolean;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'disconnect', listener: () => void): void;
}

interface Waiting {
  readonly body: Record<string, AuditJson>;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (error: Error) => void;
}

const UNREACHABLE = 'the primary process, which writes the audit trail, cannot be reached';

export class WorkerAuditTrail implements AuditTrail {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  /** Records asked for this turn, not yet sent. */
  private queued: AuditAsk[] = [];
  private health: { healthy: boolean; failureCause: string | undefined } | undefined;
  private tried: () => void = () => undefined;
  private readonly firstHealth = new Promise<void>((resolve) => (this.tried = resolve));
  private idle: (() => void)[] = [];

  /** `worker` is this worker's id: every record says which worker served the request. */
  constructor(
    private readonly channel: PrimaryChannel,
    private readonly worker: number,
  ) {
    channel.on('message', (message) => {
      if (isOurs<PrimaryMessage>(message)) this.receive(message);
    });
    channel.on('disconnect', () => this.lost(new Error(UNREACHABLE)));
    this.send({ gpc: 'audit.ask' }, (error) => this.lost(error));
  }

  get healthy(): boolean {
    return this.channel.connected && this.health?.healthy === true;
  }

  get failureCause(): string | undefined {
    if (!this.channel.connected) return UNREACHABLE;
    return this.health?.failureCause;
  }

  whenTried(): Promise<void> {
    return this.firstHealth;
  }

  record(event: AuditEvent): Promise<AuditRecord> {
    const body: Record<string, AuditJson> = { ...event, worker: this.worker };
    return new Promise<AuditRecord>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { body, resolve, reject });
      this.queued.push({ id, event: body as AuditEvent });
      if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  note(event: AuditEvent): void {
    // Best effort on this side: once the primary has it, its trail keeps and retries it.
    this.send({ gpc: 'audit.note', event: { ...event, worker: this.worker } }, () => undefined);
  }

  /** Resolves once every record sent has been answered (or the channel is gone). */
  close(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Sends this turn's records in one message; a failed send refuses all of them. */
  private flush(): void {
    // Records a lost channel has already refused are not sent.
    const records = this.queued.filter((r) => this.waiting.has(r.id));
    this.queued = [];
    if (records.length === 0) return;
    this.send({ gpc: 'audit.records', records }, (error) => {
      for (const { id } of records) this.settle(id, () => Promise.reject(new AuditError(error)));
    });
  }

  private send(message: WorkerMessage, onError: (error: Error) => void): void {
    if (!this.channel.connected) {
      onError(new Error(UNREACHABLE));
      return;
    }
    try {
      this.channel.send(message, (error) => {
        if (error) onError(error);
      });
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private receive(message: PrimaryMessage): void {
    switch (message.gpc) {
      case 'audit.health':
        this.health = { healthy: message.healthy, failureCause: message.failureCause ?? undefined };
        this.tried();
        return;
      case 'audit.acks': {
        // A message of another shape (not a list, or entries not objects) answers nothing.
        const acks: unknown = message.acks;
        if (!Array.isArray(acks)) return;
        for (const ack of acks as unknown[]) {
          if (typeof ack === 'object' && ack !== null) this.acked(ack as AuditAck);
        }
        return;
      }
      case 'audit.ack':
        this.acked(message);
        return;
      case 'audit.nacks':
        if (Array.isArray(message.ids)) this.refused(message.ids, message.cause);
        return;
      case 'audit.nack':
        this.refused([message.id], message.cause);
        return;
      default:
        return;
    }
  }

  private acked({ id, seq, time, hash }: AuditAck): void {
    this.settle(id, (w) => Promise.resolve({ seq, time, ...w.body, hash }));
  }

  private refused(ids: readonly number[], cause: string): void {
    // Not ready from now on, without waiting for the primary's health message that follows.
    this.health = { healthy: false, failureCause: cause };
    for (const id of ids) this.settle(id, () => Promise.reject(new AuditError(new Error(cause))));
  }

  private settle(id: number, outcome: (waiting: Waiting) => Promise<AuditRecord>): void {
    const waiting = this.waiting.get(id);
    if (waiting === undefined) return;
    this.waiting.delete(id);
    outcome(waiting).then(waiting.resolve, waiting.reject);
    if (this.waiting.size === 0) for (const wake of this.idle.splice(0)) wake();
  }

  private lost(error: Error): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, () => Promise.reject(new AuditError(error)));
    this.tried();
  }
}
