/**
 * The primary's side of the shared export job store (REPOSITORY=memory with WORKERS > 1, D-B4): one
 * MemoryExportJobs held here, so a status, download or cancel request finds its job whichever worker
 * it reaches. Every worker's call is run on it and answered with the same id; claim is one synchronous
 * step of the one store, so a job is run by one worker only.
 */
import type { ExportJobStore } from '../record/export-jobs';
import { MemoryExportJobs } from '../record/memory/memory-export-jobs';
import { isOurs, type JobCall, type PrimaryMessage, type WorkerMessage } from './messages';
import type { WorkerPort } from './primary-audit';

export class PrimaryExportJobsService {
  constructor(private readonly store: ExportJobStore = new MemoryExportJobs()) {}

  /** Handles one worker's message; false when it is not a job store call. */
  handle(worker: WorkerPort, message: unknown): boolean {
    if (!isOurs<WorkerMessage>(message) || message.gpc !== 'jobs.call') return false;
    const { id } = message;
    run(this.store, message.call).then(
      (value) =>
        reply(worker, value === undefined ? { gpc: 'jobs.answer', id } : { gpc: 'jobs.answer', id, value }),
      (error: unknown) =>
        reply(worker, {
          gpc: 'jobs.failed',
          id,
          cause: error instanceof Error ? error.message : String(error),
        }),
    );
    return true;
  }
}

function run(store: ExportJobStore, call: JobCall): Promise<unknown> {
  switch (call.op) {
    case 'create':
      return store.create(call.job, call.limits);
    case 'find':
      return store.find(call.jobId);
    case 'claim':
      return store.claim(call.owner, {
        now: new Date(call.now),
        staleBefore: new Date(call.staleBefore),
        maxAttempts: call.maxAttempts,
        expiresAt: new Date(call.expiresAt),
      });
    case 'progress':
      return store.progress(call.jobId, call.owner, call.progress, new Date(call.now));
    case 'finish':
      return store.finish(call.jobId, call.owner, {
        state: call.state,
        files: call.files,
        ...(call.error !== undefined && { error: call.error }),
        expiresAt: new Date(call.expiresAt),
      });
    case 'release':
      return store.release(call.jobId, call.owner);
    case 'remove':
      return store.remove(call.jobId);
    case 'expired':
      return store.expired(new Date(call.now));
  }
}

/** A worker that has gone cannot be answered; its waiting calls died with it. */
function reply(worker: WorkerPort, message: PrimaryMessage): void {
  if (!worker.isConnected()) return;
  try {
    worker.send(message, () => undefined);
  } catch {
    // The channel closed between the check and the send: same as above.
  }
}
