/**
 * A job's NDJSON files, written as streams: one file per resource type, a new one begun before a line
 * would take the current file past the size limit (a line is never split), so no file and no practice
 * is ever held in memory (docs/decisions.md D-B7).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

import type { ExportFile } from '../../record/export-jobs';

interface OpenFile {
  readonly type: string;
  readonly name: string;
  readonly stream: WriteStream;
  bytes: number;
  count: number;
}

export class NdjsonFiles {
  private readonly open = new Map<string, OpenFile>();
  private readonly closed: ExportFile[] = [];
  private readonly parts = new Map<string, number>();
  private failure: Error | undefined;

  constructor(
    private readonly dir: string,
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
    this.check();
    file.bytes += bytes.length;
    file.count += 1;
    // Back-pressure: wait for the disk; once() rejects if the stream fails meanwhile.
    if (!file.stream.write(bytes)) await once(file.stream, 'drain');
    this.check();
  }

  /** Every file so far (the current ones with their lines so far), in name order. */
  files(): ExportFile[] {
    const current = [...this.open.values()].map((f) => ({ type: f.type, name: f.name, count: f.count }));
    return [...this.closed, ...current].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /** Ends every file; throws when one could not be written (a full disk). */
  async close(): Promise<ExportFile[]> {
    for (const file of [...this.open.values()]) await this.end(file);
    this.check();
    return this.files();
  }

  /** Ends every file without waiting for success (the job is being given up). */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map((f) => this.end(f)));
  }

  private begin(type: string): OpenFile {
    const part = (this.parts.get(type) ?? 0) + 1;
    this.parts.set(type, part);
    const name = `${type}-${part}.ndjson`;
    const stream = createWriteStream(join(this.dir, name), { flags: 'wx' });
    stream.on('error', (error) => {
      this.failure ??= error;
    });
    const file: OpenFile = { type, name, stream, bytes: 0, count: 0 };
    this.open.set(type, file);
    return file;
  }

  private async end(file: OpenFile): Promise<void> {
    this.open.delete(file.type);
    if (!file.stream.destroyed) {
      await new Promise<void>((resolve) => {
        file.stream.once('error', () => resolve());
        file.stream.end(() => resolve());
      });
    }
    this.closed.push({ type: file.type, name: file.name, count: file.count });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
