/**
 * A job's NDJSON files, written as streams into the export file store (EXPORT_STORAGE, D-ES1): one
 * file per resource type, a new one begun before a line would take the current file past the size
 * limit (a line is never split), so no file and no practice is ever held in memory (docs/decisions.md
 * D-B7).
 */
import type { ExportFileStore, ExportFileWriter, ExportRun } from '../../record/export-files';
import type { ExportFile } from '../../record/export-jobs';

interface OpenFile {
  readonly type: string;
  readonly name: string;
  readonly writer: ExportFileWriter;
  bytes: number;
  count: number;
}

export class NdjsonFiles {
  private readonly open = new Map<string, OpenFile>();
  private readonly closed: ExportFile[] = [];
  private readonly parts = new Map<string, number>();

  constructor(
    private readonly store: ExportFileStore,
    private readonly run: ExportRun,
    private readonly maxBytes: number,
  ) {}

  /** Appends one resource (its JSON, without the newline) to its type's current file. */
  async write(type: string, json: string): Promise<void> {
    const bytes = Buffer.from(`${json}\n`, 'utf8');
    let file = this.open.get(type);
    if (file && file.bytes > 0 && file.bytes + bytes.length > this.maxBytes) {
      await this.end(file);
      file = undefined;
    }
    file ??= this.begin(type);
    file.bytes += bytes.length;
    file.count += 1;
    // Back-pressure: resolves once the store has taken the line; rejects when it cannot.
    await file.writer.write(bytes);
  }

  /** Every file so far (the current ones with their lines so far), in name order. */
  files(): ExportFile[] {
    const current = [...this.open.values()].map((f) => ({ type: f.type, name: f.name, count: f.count }));
    return [...this.closed, ...current].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /** Ends every file; throws when one could not be written whole (a full disk, a database gone). */
  async close(): Promise<ExportFile[]> {
    for (const file of [...this.open.values()]) await this.end(file);
    return this.files();
  }

  /** Ends every file without waiting for success (the job is being given up). */
  async abort(): Promise<void> {
    const open = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(open.map((f) => f.writer.abort()));
  }

  private begin(type: string): OpenFile {
    const part = (this.parts.get(type) ?? 0) + 1;
    this.parts.set(type, part);
    const name = `${type}-${part}.ndjson`;
    const file: OpenFile = { type, name, writer: this.store.create(this.run, name), bytes: 0, count: 0 };
    this.open.set(type, file);
    return file;
  }

  private async end(file: OpenFile): Promise<void> {
    this.open.delete(file.type);
    await file.writer.close();
    this.closed.push({ type: file.type, name: file.name, count: file.count });
  }
}
