/**
 * Export files in a directory (EXPORT_STORAGE=directory; docs/decisions.md D-B7, D-ES1): EXPORT_DIR/{job}/
 * on this host's disk. Only the processes that see that directory can serve the files, so several hosts
 * need it shared (a volume); the database storage needs nothing shared but the database.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { ExportFileStore, ExportFileWriter, ExportRun, StoredFile } from './export-files';

class FileWriter implements ExportFileWriter {
  private failure: Error | undefined;
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'wx' });
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  async write(bytes: Buffer): Promise<void> {
    this.check();
    // Back-pressure: wait for the disk; once() rejects if the stream fails meanwhile.
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
    this.check();
  }

  async close(): Promise<void> {
    await this.end();
    this.check();
  }

  async abort(): Promise<void> {
    await this.end();
  }

  private async end(): Promise<void> {
    if (this.stream.destroyed) return;
    await new Promise<void>((resolve) => {
      this.stream.once('error', () => resolve());
      this.stream.end(() => resolve());
    });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

export class DirectoryExportFiles implements ExportFileStore {
  readonly kind = 'directory';

  constructor(private readonly dir: string) {}

  /** The directory of a job's files. */
  jobDir(jobId: string): string {
    return join(this.dir, jobId);
  }

  async begin(run: ExportRun): Promise<void> {
    const dir = this.jobDir(run.jobId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }

  create(run: ExportRun, name: string): ExportFileWriter {
    return new FileWriter(join(this.jobDir(run.jobId), name));
  }

  async open(jobId: string, name: string): Promise<StoredFile | undefined> {
    const path = join(this.jobDir(jobId), name);
    const size = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    return size === undefined ? undefined : { bytes: size, stream: createReadStream(path) };
  }

  async discard(run: ExportRun): Promise<void> {
    await rm(this.jobDir(run.jobId), { recursive: true, force: true });
  }

  async remove(jobId: string): Promise<void> {
    // A runner still writing there (another process) can make this fail (ENOTEMPTY): the runner
    // removes its directory itself once it finds the job gone.
    await rm(this.jobDir(jobId), { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  }

  /** Nothing: a directory does not know its jobs' states; expiry removes a failed job's directory. */
  async sweep(): Promise<void> {}

  async has(jobId: string): Promise<boolean> {
    return stat(this.jobDir(jobId)).then(
      () => true,
      () => false,
    );
  }
}
