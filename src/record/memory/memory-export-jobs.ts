/**
 * Export jobs held in this process (REPOSITORY=memory): lost when it stops. With WORKERS>1 the primary
 * holds the one instance and the workers reach it over IPC (src/cluster/*-export-jobs.ts, D-B4).
 */
import type {
  ClaimTimes,
  CreateOutcome,
  ExportFile,
  ExportJob,
  ExportJobStore,
  ExportLimits,
  JobProgress,
  NewExportJob,
} from '../export-jobs';

interface Held {
  job: ExportJob;
  owner?: string;
  heartbeat: number;
}

const unfinished = (job: ExportJob) => job.state === 'queued' || job.state === 'running';

export class MemoryExportJobs implements ExportJobStore {
  readonly durable = false;
  private readonly jobs = new Map<string, Held>();

  async create(job: NewExportJob, limits: ExportLimits): Promise<CreateOutcome> {
    const open = [...this.jobs.values()].filter((h) => unfinished(h.job));
    if (open.filter((h) => h.job.consumerAsid === job.consumerAsid).length >= limits.perConsumer)
      return 'consumer-limit';
    if (open.length >= limits.total) return 'total-limit';
    this.jobs.set(job.id, {
      job: { ...job, state: 'queued', done: 0, files: [], attempts: 0 },
      heartbeat: 0,
    });
    return 'created';
  }

  async find(id: string): Promise<ExportJob | undefined> {
    return this.jobs.get(id)?.job;
  }

  async claim(owner: string, when: ClaimTimes): Promise<ExportJob | undefined> {
    const { now, staleBefore, maxAttempts } = when;
    for (const held of this.jobs.values()) {
      const { job } = held;
      const stale = job.state === 'running' && held.heartbeat < staleBefore.getTime();
      if (job.state !== 'queued' && !stale) continue;
      if (job.attempts >= maxAttempts) {
        held.job = {
          ...job,
          state: 'failed',
          error: 'The export stopped repeatedly and was given up',
          expiresAt: when.expiresAt.toISOString(),
        };
        held.owner = undefined;
        continue;
      }
      held.job = { ...job, state: 'running', attempts: job.attempts + 1, done: 0, files: [] };
      held.owner = owner;
      held.heartbeat = now.getTime();
      return held.job;
    }
    return undefined;
  }

  async progress(id: string, owner: string, progress: JobProgress, now: Date): Promise<boolean> {
    const held = this.owned(id, owner);
    if (!held) return false;
    held.job = { ...held.job, ...progress };
    held.heartbeat = now.getTime();
    return true;
  }

  async finish(
    id: string,
    owner: string,
    outcome: { state: 'completed' | 'failed'; files: readonly ExportFile[]; error?: string; expiresAt: Date },
  ): Promise<boolean> {
    const held = this.owned(id, owner);
    if (!held) return false;
    held.job = {
      ...held.job,
      state: outcome.state,
      files: outcome.files,
      ...(outcome.error !== undefined && { error: outcome.error }),
      expiresAt: outcome.expiresAt.toISOString(),
    };
    held.owner = undefined;
    return true;
  }

  async release(id: string, owner: string): Promise<void> {
    const held = this.owned(id, owner);
    if (held) {
      held.job = { ...held.job, state: 'queued', attempts: Math.max(0, held.job.attempts - 1) };
      held.owner = undefined;
    }
  }

  async remove(id: string): Promise<boolean> {
    return this.jobs.delete(id);
  }

  async expired(now: Date): Promise<string[]> {
    return [...this.jobs.values()]
      .filter((h) => h.job.expiresAt !== undefined && Date.parse(h.job.expiresAt) <= now.getTime())
      .map((h) => h.job.id);
  }

  private owned(id: string, owner: string): Held | undefined {
    const held = this.jobs.get(id);
    return held && held.owner === owner && held.job.state === 'running' ? held : undefined;
  }
}
