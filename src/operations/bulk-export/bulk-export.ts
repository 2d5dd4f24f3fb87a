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

export interface BulkExport {
  readonly jobs: ExportJobStore;
  /** Where the files are kept (EXPORT_STORAGE, D-ES1). */
  readonly files: ExportFileStore;
  readonly runner: ExportRunner;
}

/** Live requests queued this long (the admission's standing queue, ms) make the export wait (D-B8). */
const LIVE_QUEUE_MS = 2;

export interface BulkExportOptions {
  readonly config: AppConfig;
  readonly practices: PracticeStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Absent: jobs in this process's memory (REPOSITORY=memory). */
  readonly jobs?: ExportJobStore;
  /** Absent: files under EXPORT_DIR on this host (EXPORT_STORAGE=directory). */
  readonly files?: ExportFileStore;
  /** The admission's load shedder: the export waits while live requests queue. */
  readonly shedder?: LoadShedder;
  readonly afterBatch?: (job: ExportJob, done: number) => void | Promise<void>;
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
    ...(shedder && { busy: () => shedder.inFlight > 0 && shedder.queueDelayMs > LIVE_QUEUE_MS }),
    ...(options.afterBatch && { afterBatch: options.afterBatch }),
  });
  return { jobs, files, runner };
}
