/** Captures an app's audit trail in memory, one parsed record per line, for assertions. */
import { Writable } from 'node:stream';

export type AuditRecord = Record<string, unknown> & { seq: number; type: string; hash: string };

export class AuditCapture extends Writable {
  readonly lines: string[] = [];

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') this.lines.push(line);
    callback();
  }

  /** The trail leaves in one write per event-loop turn: wait for that turn before reading. */
  flushed(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  get records(): AuditRecord[] {
    return this.lines.map((l) => JSON.parse(l) as AuditRecord);
  }

  /** Request records only (the trail also holds service.start and config.change records). */
  get requests(): AuditRecord[] {
    return this.records.filter((r) => r.type === 'request');
  }
}
