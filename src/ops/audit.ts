/**
 * The audit trail (Non-functional requirements): one JSON line per API request, success or failure, on its
 * own winston logger and stream, never switched off, never holding clinical content.
 *
 * Tamper evidence: every line carries `seq` (1, 2, 3... per process) and
 * `hash` = hex sha256(previous line's hash + this line's canonical JSON without `hash`), where
 * canonical JSON sorts object keys at every level. The first line of a new file chains from 64 zeros;
 * a process appending to an existing file chains from that file's last hash, so one file is one
 * chain across restarts. Deleting, inserting, reordering or editing any line breaks every hash after
 * it; verifyAuditChain() checks a file.
 */
import { hash } from 'node:crypto';
import { closeSync, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import type { Writable } from 'node:stream';
import winston from 'winston';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditJson = null | boolean | number | string | readonly AuditJson[] | { readonly [key: string]: AuditJson };

/** A record before sequencing: `type` says what happened; the rest depends on the type. */
export interface AuditEvent {
  readonly type: 'service.start' | 'service.stop' | 'config.change' | 'request';
  readonly [field: string]: AuditJson;
}

export type AuditTarget = 'stdout' | { readonly file: string } | { readonly stream: Writable };

/** Key-sorted JSON: the same record always serialises to the same bytes, whatever built it. */
export function canonicalJson(value: AuditJson): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as { readonly [key: string]: AuditJson };
    const keys = Object.keys(object).filter((k) => object[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(previousHash: string, canonical: string): string {
  // One-shot crypto.hash (Node 20.12+): the same bytes as updating with each string in turn.
  return hash('sha256', previousHash + canonical, 'hex');
}

/** The hash the last complete line of an existing audit file ends its chain with, if any. */
function lastHashOf(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, size - length);
  const lines = buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  try {
    const last = JSON.parse(lines[lines.length - 1] ?? '') as { hash?: unknown };
    return typeof last.hash === 'string' && /^[0-9a-f]{64}$/.test(last.hash) ? last.hash : undefined;
  } catch {
    return undefined;
  }
}

export interface AuditLogOptions {
  readonly now: () => Date;
}

export class AuditLog {
  private seq = 0;
  private previousHash: string;
  private readonly logger: winston.Logger;
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private corked = false;

  /** Throws (at start) when a file target cannot be opened for appending. */
  constructor(target: AuditTarget, private readonly options: AuditLogOptions) {
    if (target === 'stdout') {
      this.stream = process.stdout;
      this.ownsStream = false;
      this.previousHash = GENESIS_HASH;
    } else if ('stream' in target) {
      this.stream = target.stream;
      this.ownsStream = false;
      this.previousHash = GENESIS_HASH;
    } else {
      const fd = openSync(target.file, 'a+');
      let previous: string | undefined;
      try {
        previous = lastHashOf(fd);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      this.previousHash = previous ?? GENESIS_HASH;
      this.stream = createWriteStream(target.file, { fd, flags: 'a' });
      this.ownsStream = true;
    }
    // The line is built (and hashed) here; winston only carries it to the stream, byte for byte.
    this.logger = winston.createLogger({
      level: 'info',
      format: winston.format.printf((info) => String(info.line)),
      transports: [new winston.transports.Stream({ stream: this.stream })],
    });
  }

  /** Writes one record and returns it as written (with seq, time and hash). */
  record(event: AuditEvent): Readonly<Record<string, AuditJson>> {
    const body: Record<string, AuditJson> = { seq: ++this.seq, time: this.options.now().toISOString(), ...event };
    const hash = chainHash(this.previousHash, canonicalJson(body));
    this.previousHash = hash;
    const written = { ...body, hash };
    // Records written in one turn of the event loop leave in one write: under load a write system
    // call per request costs more than the record itself.
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      setImmediate(() => {
        this.corked = false;
        this.stream.uncork();
      });
    }
    this.logger.info('audit', { line: JSON.stringify(written) });
    return written;
  }

  /** Flushes every record written and, for a file, closes it. */
  async close(): Promise<void> {
    if (this.corked) {
      this.corked = false;
      this.stream.uncork();
    }
    await new Promise<void>((resolve) => {
      this.logger.once('finish', () => resolve());
      this.logger.end();
    });
    // winston hands each line to the stream synchronously; ending the stream flushes them to disk.
    if (this.ownsStream) await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly records: number;
  /** 1-based line number of the first line whose hash does not follow from the one before. */
  readonly brokenAtLine?: number;
}

/** Checks a whole audit file's lines against the chain rule above. */
export function verifyAuditChain(lines: readonly string[], startHash = GENESIS_HASH): ChainCheck {
  let previous = startHash;
  let records = 0;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let parsed: Record<string, AuditJson>;
    try {
      parsed = JSON.parse(line) as Record<string, AuditJson>;
    } catch {
      return { ok: false, records, brokenAtLine: index + 1 };
    }
    const { hash, ...rest } = parsed;
    if (typeof hash !== 'string' || chainHash(previous, canonicalJson(rest)) !== hash) {
      return { ok: false, records, brokenAtLine: index + 1 };
    }
    previous = hash;
    records += 1;
  }
  return { ok: true, records };
}
