/**
 * Runs bulk export jobs in the background of a serving process (docs/decisions.md D-B4 to D-B8,
 * D-EB1 to D-EB3): claims a job from the job store, reads the practice's patients and their records in
 * batches (a fixed number of statements each), writes each shareable patient's whole structured record
 * as NDJSON, and reports progress after every batch and every quarter of EXPORT_STALE_SECONDS (the
 * heartbeat that lets another process take over a job whose process died). One job at a time per
 * process; the export gives way to live requests patient by patient (pacing.ts). A job interrupted by
 * a crash or a stop is run again from the start.
 */
import { hash, randomUUID } from 'node:crypto';

import type { Clock } from '../../clock';
import type { BulkExportConfig } from '../../config';
import { GpcError } from '../../fhir/gpc-error';
import type { Logger } from '../../logger';
import { type TimeSlice, timeSlice } from '../../ops/time-slice';
import { type ExportFileStore, type ExportRun, ExportRunLost } from '../../record/export-files';
import type { ExportJob, ExportJobStore } from '../../record/export-jobs';
import type { PracticeStore } from '../../record/practices';
import type { MedicationDateTolerance } from '../structured-record/predefined-searches';
import { writeDeleted } from './deleted-files';
import { NdjsonFiles } from './ndjson-files';
import { DEFAULT_PACING, type LiveLoad, Pacer, type PacingOptions } from './pacing';
import {
  loadBatch,
  type LoadedPatient,
  patientResources,
  type PatientResourcesDeps,
} from './patient-resources';

/** A job started this many times (each start after a crash or stop) is failed rather than run again. */
export const MAX_ATTEMPTS = 3;

/**
 * Resources shared by many patients' records: each distinct one is written once per job (D-B5). Two
 * patients' copies of one are byte-identical (the same mapper over the same actor), so the first is kept.
 */
export const SHARED_TYPES: ReadonlySet<string> = new Set([
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Location',
  'Medication',
  'Device',
  'HealthcareService',
]);

export interface ExportRunnerDeps {
  readonly jobs: ExportJobStore;
  /** Where the files go (EXPORT_STORAGE, D-ES1). */
  readonly files: ExportFileStore;
  readonly practices: PracticeStore;
  readonly config: BulkExportConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly predefinedMedicationDays: MedicationDateTolerance;
  /** Live requests on this process: the export gives way to them (D-B8, D-EB2). */
  readonly live?: LiveLoad;
  /** The pacing's settings (tests shorten them). */
  readonly pacing?: Partial<PacingOptions>;
  /** How often to look for work without a kick-off in this process (ms). */
  readonly pollMs?: number;
  /** Called after each batch has been recorded (tests stop a job mid-way with it). */
  readonly afterBatch?: (job: ExportJob, done: number) => void | Promise<void>;
}

export class ExportRunner {
  /** This process's name on the jobs it runs. */
  readonly owner = randomUUID();
  private loop: Promise<void> | undefined;
  private again = false;
  private stopping: 'release' | 'abandon' | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ExportRunnerDeps) {}

  /** Looks for work now and every pollMs (jobs queued by other processes, jobs to take over, expiry). */
  start(): void {
    this.timer ??= setInterval(() => this.kick(), this.deps.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  /** Looks for work now (after a kick-off). */
  kick(): void {
    if (this.stopping) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    this.loop = this.work().finally(() => {
      this.loop = undefined;
      if (this.again && !this.stopping) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves once no work is in progress (tests). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /**
   * Stops after the current patient: the job goes back to the queue, for the next process to start at
   * once. `abandon` leaves it as a crash would: running, until its heartbeat is stale.
   */
  async stop(how: 'release' | 'abandon' = 'release'): Promise<void> {
    this.stopping = how;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private async work(): Promise<void> {
    const { jobs, clock, config, logger } = this.deps;
    try {
      await this.sweep();
      for (;;) {
        if (this.stopping) return;
        const now = clock.now();
        const staleBefore = new Date(now.getTime() - config.staleSeconds * 1000);
        const expiresAt = new Date(now.getTime() + config.expiryMinutes * 60_000);
        const job = await jobs.claim(this.owner, { now, staleBefore, maxAttempts: MAX_ATTEMPTS, expiresAt });
        if (!job) return;
        await this.run(job);
      }
    } catch (error) {
      // The job store is unavailable: the next poll tries again; a job left running is taken over.
      logger.warn('bulk export: cannot reach the job store', { cause: String(error) });
    }
  }

  /** Deletes the files and records of jobs that expired, and files no job can serve (D-ES3). */
  private async sweep(): Promise<void> {
    await this.deps.files.sweep();
    for (const id of await this.deps.jobs.expired(this.deps.clock.now())) {
      await this.deps.files.remove(id);
      await this.deps.jobs.remove(id);
    }
  }

  private async run(job: ExportJob): Promise<void> {
    const { jobs, clock, config, logger } = this.deps;
    const run: ExportRun = { jobId: job.id, owner: this.owner };
    const store = this.deps.files;
    const files = new NdjsonFiles(store, run, config.fileMaxBytes);
    logger.info('bulk export started', { job: job.id, practice: job.odsCode, attempt: job.attempts });
    try {
      // A job run again starts from nothing: what an interrupted run wrote is not trusted.
      await store.begin(run);
      const outcome = await this.write(job, files);
      if (outcome === 'stopped' || outcome === 'cancelled') {
        await files.abort();
        if (outcome === 'cancelled') await store.discard(run);
        else if (this.stopping === 'release') await jobs.release(job.id, this.owner);
        return;
      }
      const written = await files.close();
      const expiresAt = new Date(clock.now().getTime() + config.expiryMinutes * 60_000);
      if (!(await jobs.finish(job.id, this.owner, { state: 'completed', files: written, expiresAt }))) {
        await store.discard(run);
      }
      logger.info('bulk export completed', { job: job.id, files: written.length });
    } catch (error) {
      await files.abort();
      await store.discard(run).catch(() => undefined);
      if (error instanceof ExportRunLost) {
        // Cancelled, expired or taken over while a file was being stored: nothing more to do here.
        logger.info("bulk export stopped: the job is no longer this process's", { job: job.id });
        return;
      }
      if (error instanceof GpcError && error.spineCode === 'SERVICE_UNAVAILABLE') {
        // The store is down: the job waits in the queue (or, if even that fails, is taken over later).
        logger.warn('bulk export paused: the store is unavailable', { job: job.id });
        await jobs.release(job.id, this.owner).catch(() => undefined);
        return;
      }
      const disk = error instanceof Error && 'code' in error && typeof error.code === 'string';
      logger.error('bulk export failed', { job: job.id, cause: String(error) });
      const expiresAt = new Date(clock.now().getTime() + config.expiryMinutes * 60_000);
      await jobs
        .finish(job.id, this.owner, {
          state: 'failed',
          files: [],
          error: disk
            ? 'The export files could not be written; start a new export later'
            : 'The export failed; start a new export',
          expiresAt,
        })
        .catch(() => undefined);
    }
  }

  /** Writes every patient's resources; says whether it finished, was stopped or was cancelled. */
  private async write(job: ExportJob, files: NdjsonFiles): Promise<'done' | 'stopped' | 'cancelled'> {
    const { jobs, clock, config } = this.deps;
    const practice = await this.deps.practices.find(job.odsCode);
    if (!practice) throw new Error(`practice ${job.odsCode} is no longer served`);
    const { repository, settings } = practice;
    const total = await repository.patientCount();
    const importedAt = await repository.importedAt();
    const types = job.request.types && new Set(job.request.types);
    const since = job.request.since === undefined ? undefined : new Date(job.request.since);
    const seen = new Set<string>();
    const resourceDeps = {
      repository,
      today: clock.today(),
      // As the structured record writes its date: to the second.
      date: job.transactionTime.replace(/\.\d{3}Z$/, 'Z'),
      traceId: job.id,
      newId: randomUUID,
      predefinedMedicationDays: this.deps.predefinedMedicationDays,
      disabledAreas: new Set(settings.disabledAreas),
      documentsDisabled: settings.documentsDisabled,
      importedAt,
      ...(since && { since }),
    };
    let after = -1;
    let done = 0;
    // The heartbeat goes with each batch and, for a batch slowed by live load, every quarter of
    // EXPORT_STALE_SECONDS, so a healthy job is never taken for a dead one (D-EB3); no rest is longer.
    const heartbeatMs = (config.staleSeconds * 1000) / 4;
    let beatAt = performance.now();
    const beat = async (): Promise<boolean> => {
      beatAt = performance.now();
      const progress = { total: Math.max(total, done), done, files: files.files() };
      return jobs.progress(job.id, this.owner, progress, clock.now());
    };
    const pacer = new Pacer(this.deps.live, {
      maxRestMs: Math.min(DEFAULT_PACING.maxRestMs, heartbeatMs),
      ...this.deps.pacing,
    });
    const stopping = () => this.stopping !== undefined;
    // One slice for the job: a run of small patients still gives the loop back every few ms, so a
    // request arriving when the pacer saw no live load waits for little.
    const slice = timeSlice();
    for (;;) {
      await pacer.beforePatient(stopping);
      if (this.stopping) return 'stopped';
      const batch = await repository.patientsAfter(after, config.batchSize);
      if (batch.length === 0) {
        // After the patients: what was removed since `_since` (D-SD3), in the same files' writer,
        // each page of it a heartbeat.
        if (since && !(await writeDeleted(repository, files, since, job.request.types, beat)))
          return 'cancelled';
        return 'done';
      }
      // The whole batch's records in a fixed number of statements (D-EB1).
      const reading = performance.now();
      const loaded = await loadBatch(
        batch.map((b) => b.patient),
        resourceDeps,
      );
      pacer.spent(performance.now() - reading);
      for (const { seq, patient } of batch) {
        // Live requests go first; the export takes a bounded share of the process beside them (D-EB2).
        await pacer.beforePatient(stopping);
        if (this.stopping) return 'stopped';
        if (performance.now() - beatAt >= heartbeatMs && !(await beat())) return 'cancelled';
        const started = performance.now();
        const record = loaded.get(patient.id);
        if (record) await this.writePatient(record, resourceDeps, { files, types, seen, slice });
        pacer.spent(performance.now() - started);
        await slice.pause();
        done += 1;
        after = seq;
      }
      if (!(await beat())) return 'cancelled';
      await this.deps.afterBatch?.(job, done);
    }
  }

  /** One patient's lines; the loop gives the event loop back every few milliseconds. */
  private async writePatient(
    loaded: LoadedPatient,
    deps: PatientResourcesDeps,
    out: {
      readonly files: NdjsonFiles;
      readonly types: ReadonlySet<string> | undefined;
      readonly seen: Set<string>;
      readonly slice: TimeSlice;
    },
  ): Promise<void> {
    const { files, types, seen, slice } = out;
    for (const resource of patientResources(loaded, deps)) {
      const type = resource.resourceType;
      if (types && !types.has(type)) continue;
      const json = JSON.stringify(resource);
      if (SHARED_TYPES.has(type)) {
        const key = hash('sha1', json, 'base64');
        if (seen.has(key)) continue;
        seen.add(key);
      }
      await files.write(type, json);
      await slice.pause();
    }
  }
}
