/**
 * Where a bulk export's NDJSON files are kept (EXPORT_STORAGE, docs/decisions.md D-ES1): a directory
 * (EXPORT_DIR, one sub-directory per job) or the PostgreSQL database that holds the jobs (chunks in
 * `export_file_chunk`), so that any instance over the database can serve any job's files. Either way a
 * file is written and read as a stream: never whole in memory.
 */
import type { Readable } from 'node:stream';

/** One run of a job: a job is run again from nothing by a new owner after a crash or a stop. */
export interface ExportRun {
  readonly jobId: string;
  /** The runner's name on the job (its `owner` in the job store). */
  readonly owner: string;
}

export interface ExportFileWriter {
  /** Appends bytes; resolves once the store has taken them (back-pressure); rejects when it cannot. */
  write(bytes: Buffer): Promise<void>;
  /** Stores what remains and marks the file complete; rejects when the file could not be written whole. */
  close(): Promise<void>;
  /** Gives the file up without waiting for success (the run is being abandoned). */
  abort(): Promise<void>;
}

/** A complete file, ready to stream: its length is known before the first byte is sent. */
export interface StoredFile {
  readonly bytes: number;
  /** Ends with an error (never early and quietly) when the store fails or loses the file mid-way. */
  readonly stream: Readable;
}

/**
 * The run no longer owns its job (it was cancelled, expired or taken over by another process): what it
 * writes would be refused, so it stops.
 */
export class ExportRunLost extends Error {
  constructor(run: ExportRun) {
    super(`export job ${run.jobId} is no longer run by ${run.owner}`);
  }
}

export interface ExportFileStore {
  /** EXPORT_STORAGE: the README and the startup line say which. */
  readonly kind: 'directory' | 'database';
  /** Clears whatever an earlier run of the job wrote, so this run starts from nothing. */
  begin(run: ExportRun): Promise<void>;
  /** A new file of the run (names are unique within a job). */
  create(run: ExportRun, name: string): ExportFileWriter;
  /**
   * A complete file of the job; undefined when there is none (never written, or deleted). Rejects with
   * a 503 GpcError when the store is unavailable, before anything has been sent.
   */
  open(jobId: string, name: string): Promise<StoredFile | undefined>;
  /** Deletes what this run wrote (it failed, was cancelled, or lost its job); another run's files stay. */
  discard(run: ExportRun): Promise<void>;
  /** Deletes every file of the job (expiry, cancel); nothing to delete is no error. */
  remove(jobId: string): Promise<void>;
  /**
   * Deletes files no job can serve: those a crashed run left behind under a job that has since failed
   * (it was started too often). The directory storage leaves them to the job's expiry.
   */
  sweep(): Promise<void>;
  /** Whether anything of the job is stored (diagnosis and tests). */
  has(jobId: string): Promise<boolean>;
}
