/**
 * A cluster worker's export job store (REPOSITORY=memory with WORKERS > 1, D-B4): every call goes to
 * the primary, which holds the one MemoryExportJobs, and resolves with its answer. No answer within
 * the timeout, a channel that fails or a primary that is gone reject with SERVICE_UNAVAILABLE, so the
 * endpoints answer 503 (as for a PostgreSQL store that is down) and the runner tries again later.
 */
import { GpcError } from '../fhir/gpc-error';
import type {
  ClaimTimes,
  CreateOutcome,
  ExportFile,
  ExportJob,
  ExportJobStore,
  ExportLimits,
  JobProgress,
  NewExportJob,
} from '../record/export-jobs';
import { isOurs, type JobCall, type PrimaryMessage } from './messages';
import type { PrimaryChannel } from './worker-audit';

/** The primary answers from memory at once; this long without an answer means it cannot. */
export const JOB_CALL_TIMEOUT_MS = 5000;
const RETRY_AFTER_SECONDS = '1';

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class WorkerExportJobs implements ExportJobStore {
  /** Lost when the primary stops, as in one process (D-B4). */
  readonly durable = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly channel: PrimaryChannel,
    private readonly timeoutMs = JOB_CALL_TIMEOUT_MS,
  ) {
    channel.on('message', (message) => {
      if (isOurs<PrimaryMessage>(message)) this.receive(message);
    });
    channel.on('disconnect', () => {
      for (const id of [...this.waiting.keys()]) this.fail(id, 'the primary process has gone');
    });
  }

  async create(job: NewExportJob, limits: ExportLimits): Promise<CreateOutcome> {
    return (await this.call({ op: 'create', job, limits })) as CreateOutcome;
  }

  async find(id: string): Promise<ExportJob | undefined> {
    return (await this.call({ op: 'find', jobId: id })) as ExportJob | undefined;
  }

  async claim(owner: string, when: ClaimTimes): Promise<ExportJob | undefined> {
    const call: JobCall = {
      op: 'claim',
      owner,
      now: when.now.toISOString(),
      staleBefore: when.staleBefore.toISOString(),
      maxAttempts: when.maxAttempts,
      expiresAt: when.expiresAt.toISOString(),
    };
    return (await this.call(call)) as ExportJob | undefined;
  }

  async progress(id: string, owner: string, progress: JobProgress, now: Date): Promise<boolean> {
    return (await this.call({ op: 'progress', jobId: id, owner, progress, now: now.toISOString() })) === true;
  }

  async finish(
    id: string,
    owner: string,
    outcome: { state: 'completed' | 'failed'; files: readonly ExportFile[]; error?: string; expiresAt: Date },
  ): Promise<boolean> {
    const call: JobCall = {
      op: 'finish',
      jobId: id,
      owner,
      state: outcome.state,
      files: outcome.files,
      ...(outcome.error !== undefined && { error: outcome.error }),
      expiresAt: outcome.expiresAt.toISOString(),
    };
    return (await this.call(call)) === true;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.call({ op: 'release', jobId: id, owner });
  }

  async remove(id: string): Promise<boolean> {
    return (await this.call({ op: 'remove', jobId: id })) === true;
  }

  async expired(now: Date): Promise<string[]> {
    return (await this.call({ op: 'expired', now: now.toISOString() })) as string[];
  }

  private call(call: JobCall): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(id, `the primary process did not answer within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      timer.unref();
      this.waiting.set(id, { resolve, reject, timer });
      if (!this.channel.connected) {
        this.fail(id, 'the primary process has gone');
        return;
      }
      try {
        this.channel.send({ gpc: 'jobs.call', id, call }, (error) => {
          if (error) this.fail(id, error.message);
        });
      } catch (error) {
        this.fail(id, error instanceof Error ? error.message : String(error));
      }
    });
  }

  private receive(message: PrimaryMessage): void {
    if (message.gpc === 'jobs.answer') this.settle(message.id)?.resolve(message.value);
    else if (message.gpc === 'jobs.failed') this.fail(message.id, message.cause);
  }

  private fail(id: number, cause: string): void {
    this.settle(id)?.reject(
      new GpcError(
        'SERVICE_UNAVAILABLE',
        `The export job store is unavailable (${cause}); please retry shortly`,
        { 'Retry-After': RETRY_AFTER_SECONDS },
      ),
    );
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    if (waiting === undefined) return undefined;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    return waiting;
  }
}
