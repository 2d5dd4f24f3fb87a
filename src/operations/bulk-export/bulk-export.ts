/** The bulk export of one process: its job store and its runner (docs/decisions.md D-B4). */
import type { Clock } from '../../clock';
import type { AppConfig } from '../../config';
import type { Logger } from '../../logger';
import type { LoadShedder } from '../../ops/throttle';
import { DirectoryExportFiles } from '../../record/directory-export-files';
import type { ExportFileStore } from '../../record/export-files';
import type { ExportJob, ExportJobStore } from '../../record/export-jobs';
import { MemoryExportJobs } from '../../record/memory/memory-export-jobs';
import type { PracticeStore } from '../../record/practices';
import { ExportRunner } from './export-runner';
import type { LiveLoad, PacingOptions } from './pacing';

export interface BulkExport {
  readonly jobs: ExportJobStore;
  /** Where the files are kept (EXPORT_STORAGE, D-ES1). */
  readonly files: ExportFileStore;
  readonly runner: ExportRunner;
}

export interface BulkExportOptions {
  readonly config: AppConfig;
  readonly practices: PracticeStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Absent: jobs in this process's memory (REPOSITORY=memory). */
  readonly jobs?: ExportJobStore;
  /** Absent: files under EXPORT_DIR on this host (EXPORT_STORAGE=directory). */
  readonly files?: ExportFileStore;
  /** The admission's load shedder: it sees every request in flight, so the export gives way to them. */
  readonly shedder?: LoadShedder;
  /** Instead of the shedder's: the live load to give way to (a cluster worker's, its siblings' too). */
  readonly live?: LiveLoad;
  /** The pacing's settings (tests shorten them). */
  readonly pacing?: Partial<PacingOptions>;
  readonly afterBatch?: (job: ExportJob, done: number) => void | Promise<void>;
}

/** The live load one process's admission sees: its requests in flight, and when the last one ended. */
export function shedderLoad(shedder: LoadShedder): LiveLoad {
  return { busy: () => shedder.inFlight > 0, idleMs: () => shedder.idleMs };
}

export function createBulkExport(options: BulkExportOptions): BulkExport {
  const jobs = options.jobs ?? new MemoryExportJobs();
  const files = options.files ?? new DirectoryExportFiles(options.config.bulkExport.dir);
  const { shedder } = options;
  const runner = new ExportRunner({
    jobs,
    files,
    practices: options.practices,
    config: options.config.bulkExport,
    clock: options.clock,
    logger: options.logger,
    predefinedMedicationDays: options.config.predefinedMedicationDays,
    ...(options.live ? { live: options.live } : shedder && { live: shedderLoad(shedder) }),
    ...(options.pacing && { pacing: options.pacing }),
    ...(options.afterBatch && { afterBatch: options.afterBatch }),
  });
  return { jobs, files, runner };
}
