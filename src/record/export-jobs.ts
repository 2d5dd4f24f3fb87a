/**
 * Bulk export jobs (docs/decisions.md D-B4): what a job is, and the store that holds them. The memory
 * store keeps jobs in the process (the primary's with WORKERS>1; lost on restart); the PostgreSQL store
 * keeps them in `export_job`, so any process of any instance over the same database can answer for a
 * job. Either way a job whose process died is taken over by another (heartbeat) and run from the start.
 */

export type ExportJobState = 'queued' | 'running' | 'completed' | 'failed';

/** One NDJSON file of a job: its resource type, its name in the job's directory and its line count. */
export interface ExportFile {
  readonly type: string;
  readonly name: string;
  readonly count: number;
}

/** What the kick-off asked for. */
export interface ExportRequest {
  /** The kick-off URL as the consumer sent it (the manifest's `request`). */
  readonly url: string;
  /** Resource types to write; undefined: every type. */
  readonly types?: readonly string[];
  /** Only patients changed after this instant (ISO 8601). */
  readonly since?: string;
}

export interface NewExportJob {
  readonly id: string;
  readonly odsCode: string;
  /** The Ssp-From of the kick-off: the only consumer that may see, fetch or cancel the job. */
  readonly consumerAsid: string;
  readonly request: ExportRequest;
  /** The manifest's transactionTime: when the kick-off was accepted. */
  readonly transactionTime: string;
}

export interface ExportJob extends NewExportJob {
  readonly state: ExportJobState;
  /** Patients of the practice (all of them, shared or not); undefined until the job has started. */
  readonly total?: number;
  /** Patients looked at so far. */
  readonly done: number;
  readonly files: readonly ExportFile[];
  /** Why a failed job failed (for its OperationOutcome). */
  readonly error?: string;
  /** When a finished job's files go (ISO 8601). */
  readonly expiresAt?: string;
  /** How many times a process has started the job. */
  readonly attempts: number;
}

export interface ExportLimits {
  readonly perConsumer: number;
  readonly total: number;
}

/** Created, or refused for one of the two limits on unfinished jobs. */
export type CreateOutcome = 'created' | 'consumer-limit' | 'total-limit';

export interface ClaimTimes {
  readonly now: Date;
  readonly staleBefore: Date;
  readonly maxAttempts: number;
  readonly expiresAt: Date;
}

export interface JobProgress {
  readonly total: number;
  readonly done: number;
  readonly files: readonly ExportFile[];
}

export interface ExportJobStore {
  /** Whether jobs outlive the process (README, CapabilityStatement). */
  readonly durable: boolean;
  /** Creates a queued job unless the consumer or everyone together has too many unfinished ones. */
  create(job: NewExportJob, limits: ExportLimits): Promise<CreateOutcome>;
  find(id: string): Promise<ExportJob | undefined>;
  /**
   * Takes the oldest queued job, or a running one whose owner has not reported since `staleBefore`,
   * for `owner`; a job already started `maxAttempts` times is marked failed instead (kept until
   * `expiresAt`, so its consumer learns why).
   */
  claim(owner: string, when: ClaimTimes): Promise<ExportJob | undefined>;
  /** Records progress (and that `owner` is alive); false when the job is no longer the owner's (cancelled). */
  progress(id: string, owner: string, progress: JobProgress, now: Date): Promise<boolean>;
  /** Ends a job the owner runs; false when it was cancelled meanwhile. */
  finish(
    id: string,
    owner: string,
    outcome: { state: 'completed' | 'failed'; files: readonly ExportFile[]; error?: string; expiresAt: Date },
  ): Promise<boolean>;
  /** Puts a job the owner runs back in the queue (a graceful stop), so the next process starts it at once. */
  release(id: string, owner: string): Promise<void>;
  /** Forgets a job (cancel, expiry); true when there was one. */
  remove(id: string): Promise<boolean>;
  /** Finished jobs whose files expired at `now`. */
  expired(now: Date): Promise<string[]>;
}
