/**
 * The audit trail (Non-functional requirements): one JSON line per API request, success or failure,
 * on its own stream (a file by default, apart from the application log), never switched off, never
 * holding clinical content.
 *
 * Tamper evidence: every line carries `seq` (1, 2, 3... per process) and
 * `hash` = hex sha256(previous line's hash + this line's canonical JSON without `hash`), where
 * canonical JSON sorts object keys at every level. The first line of a new file chains from 64 zeros;
 * a process appending to an existing file chains from that file's last hash, so one file is one
 * chain across restarts. Deleting, inserting, reordering or editing any line breaks every hash after
 * it; verifyAuditChain() checks a file.
 *
 * Durability (docs/decisions.md, D-40 "What the audit promises"): record() resolves only once the
 * line is written and, for a file, fdatasync'd. Records from concurrent requests are group-committed:
 * while one write+fdatasync runs, new records queue, and the next batch leaves in one write and one
 * fdatasync. A failed write rejects its batch (those responses are refused), leaves the chain where
 * the last durable line left it, and the file is reopened and repaired on the next attempt.
 */
import { hash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';

import type { AuditEvent, AuditJson, AuditRecord, AuditTrail } from './audit-trail';

export type { AuditEvent, AuditEventType, AuditJson, AuditRecord } from './audit-trail';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditTarget = 'stdout' | { readonly file: string } | { readonly stream: Writable };

/** What the audit needs of an open file: a subset of fs/promises' FileHandle, so tests can inject faults. */
export interface AuditFileHandle {
  stat(): Promise<{ readonly size: number; isFile(): boolean }>;
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ readonly bytesRead: number }>;
  write(buffer: Buffer, offset: number, length: number): Promise<{ readonly bytesWritten: number }>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export type AuditFileOpener = (path: string) => Promise<AuditFileHandle>;

/** Opens for appending (and reading the tail), creating the file and its directory if missing. */
export const openAuditFile: AuditFileOpener = async (path) => {
  await mkdir(dirname(path), { recursive: true });
  return open(path, 'a+');
};

/** Key-sorted JSON: the same record always serialises to the same bytes, whatever built it. */
export function canonicalJson(value: AuditJson): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as { readonly [key: string]: AuditJson };
    const keys = Object.keys(object)
      .filter((k) => object[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(previousHash: string, canonical: string): string {
  // One-shot crypto.hash (Node 20.12+): the same bytes as updating with each string in turn.
  return hash('sha256', previousHash + canonical, 'hex');
}

/** Where a sink's bytes go; append() resolves once they are as durable as the sink promises. */
interface AuditSink {
  append(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

function streamSink(stream: Writable, owned: boolean): AuditSink {
  return {
    append: (data) =>
      new Promise<void>((resolve, reject) => {
        stream.write(data, (error) => (error ? reject(error) : resolve()));
      }),
    close: () => (owned ? new Promise<void>((resolve) => stream.end(() => resolve())) : Promise.resolve()),
  };
}

const TAIL_BYTES = 64 * 1024;

interface OpenedFile {
  readonly sink: AuditSink;
  readonly lastHash: string | undefined;
  /** Bytes removed from the end of the file when it was opened, and why. */
  readonly repair?: AuditEvent;
}

async function writeAll(handle: AuditFileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('audit write made no progress'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

/**
 * Opens an audit file and makes its end clean: bytes after the last newline (a line cut short by a
 * crash or a full disk) are cut off, and so is anything past `knownSize` when this process last
 * wrote the file (records of a batch whose write failed: their responses were refused). The chain
 * then continues from the last complete line.
 */
async function openFile(
  path: string,
  opener: AuditFileOpener,
  fsync: boolean,
  known?: KnownEnd,
): Promise<OpenedFile> {
  const handle = await opener(path);
  try {
    const stats = await handle.stat();
    let size = stats.size;
    // A device or pipe (/dev/null, /dev/stdout) cannot be synced or cut: its writes are as durable
    // as it makes them.
    const sync = fsync && stats.isFile();
    let repair: AuditEvent | undefined;
    const cut = async (to: number, reason: string) => {
      const removed = Buffer.alloc(Math.min(size - to, TAIL_BYTES));
      await handle.read(removed, 0, removed.length, to);
      await handle.truncate(to);
      if (sync) await handle.datasync();
      repair = {
        type: 'audit.repaired',
        reason,
        removedBytes: size - to,
        removedSha256: hash('sha256', removed, 'hex'),
      };
      size = to;
    };
    if (known !== undefined && size > known.size && (await endsWithHash(handle, known))) {
      await cut(known.size, 'records of a failed write');
    }
    let lastHash: string | undefined;
    if (size > 0) {
      const length = Math.min(size, TAIL_BYTES);
      const tail = Buffer.alloc(length);
      await handle.read(tail, 0, length, size - length);
      const lastNewline = tail.lastIndexOf(0x0a);
      if (lastNewline !== length - 1 && (lastNewline >= 0 || size <= TAIL_BYTES)) {
        await cut(size - length + lastNewline + 1, 'partial last line');
      }
      const text = tail.subarray(0, lastNewline + 1).toString('utf8');
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      lastHash = hashOfLine(lines[lines.length - 1]);
    }
    let written = size;
    const sink: AuditSink & { size: () => number } = {
      append: async (data) => {
        await writeAll(handle, data);
        if (sync) await handle.datasync();
        written += data.length;
      },
      close: () => handle.close(),
      size: () => written,
    };
    return { sink, lastHash, repair };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

interface KnownEnd {
  readonly size: number;
  readonly lastHash: string;
}

/** True when the line ending at `known.size` is the one this process last wrote (not a replaced file). */
async function endsWithHash(handle: AuditFileHandle, known: KnownEnd): Promise<boolean> {
  const length = Math.min(known.size, 128);
  const before = Buffer.alloc(length);
  await handle.read(before, 0, length, known.size - length);
  return before.toString('utf8').includes(`"hash":"${known.lastHash}"}\n`);
}

function hashOfLine(line: string | undefined): string | undefined {
  try {
    const last = JSON.parse(line ?? '') as { hash?: unknown };
    return typeof last.hash === 'string' && /^[0-9a-f]{64}$/.test(last.hash) ? last.hash : undefined;
  } catch {
    return undefined;
  }
}

export interface AuditLogOptions {
  readonly now: () => Date;
  /** fdatasync after each group of records written to a file (AUDIT_FSYNC, default on). */
  readonly fsync?: boolean;
  /** Opens the file target; tests inject faults here. */
  readonly opener?: AuditFileOpener;
  /** How often a failed audit retries by itself, in ms (requests also retry it). */
  readonly retryMs?: number;
  /** Told when the trail cannot be written, and when it can again. */
  readonly onFailure?: (error: Error) => void;
  readonly onRecovery?: (failedSince: Date, refused: number) => void;
}

interface Pending {
  readonly body: Record<string, AuditJson>;
  /** Undefined for the service's own events, which are kept and retried rather than lost. */
  readonly settle?: { resolve: (record: AuditRecord) => void; reject: (error: Error) => void };
}

export class AuditError extends Error {
  constructor(override readonly cause: Error) {
    super(`the audit trail cannot be written: ${cause.message}`);
  }
}

export class AuditLog implements AuditTrail {
  private seq = 0;
  private previousHash = GENESIS_HASH;
  private sink: (AuditSink & { size?: () => number }) | undefined;
  private knownSize: number | undefined;
  private pending: Pending[] = [];
  private flushing = false;
  private probe = false;
  private failure: { error: Error; since: Date; refused: number } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private written = false;
  private firstAttempt: { readonly done: Promise<void>; settle: () => void } | undefined;
  private readonly target: AuditTarget;

  constructor(
    target: AuditTarget,
    private readonly options: AuditLogOptions,
  ) {
    this.target = target;
    let settle = () => undefined as void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.firstAttempt = { done, settle };
  }

  /** Resolves once the first write has been tried (main.ts listens after it, so readiness is known). */
  whenTried(): Promise<void> {
    return this.firstAttempt?.done ?? Promise.resolve();
  }

  /**
   * False until a first record is written, and while records cannot be written: /health/ready says
   * not ready (and answers are refused) until the trail is known to work.
   */
  get healthy(): boolean {
    return this.written && this.failure === undefined;
  }

  /** Why the trail cannot be written, while it cannot. */
  get failureCause(): string | undefined {
    return this.failure?.error.message;
  }

  /**
   * Queues one record; resolves with it as written (seq, time, hash) once it is durable, rejects
   * with an AuditError when it could not be written. Never throws synchronously.
   */
  record(event: AuditEvent): Promise<AuditRecord> {
    const body: Record<string, AuditJson> = { time: this.options.now().toISOString(), ...event };
    return new Promise<AuditRecord>((resolve, reject) => {
      this.pending.push({ body, settle: { resolve, reject } });
      void this.drain();
    });
  }

  /** A service event (start, stop, a toggle): kept in memory and retried until written, never refused. */
  note(event: AuditEvent): void {
    this.pending.push({ body: { time: this.options.now().toISOString(), ...event } });
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while ((this.pending.length > 0 || this.probe) && !this.closed) {
        this.probe = false;
        const batch = this.pending.splice(0);
        await this.writeBatch(batch);
        // After a failure, answers that queued meanwhile get their own attempt; service events alone
        // wait for the next answer or the retry timer (never a tight loop).
        if (this.failure && !this.pending.some((p) => p.settle !== undefined)) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  private async ensureOpen(): Promise<AuditEvent[]> {
    if (this.sink) return [];
    const target = this.target;
    if (target === 'stdout') {
      this.sink = streamSink(process.stdout, false);
      return [];
    }
    if ('stream' in target) {
      this.sink = streamSink(target.stream, false);
      return [];
    }
    const known: KnownEnd | undefined =
      this.knownSize === undefined ? undefined : { size: this.knownSize, lastHash: this.previousHash };
    const opener = this.options.opener ?? openAuditFile;
    const opened = await openFile(target.file, opener, this.options.fsync ?? true, known);
    this.sink = opened.sink;
    // The first open of a file continues its chain; a reopen after a failure keeps this process's
    // chain unless the file was replaced meanwhile (rotated), when it continues the new file's.
    if (this.knownSize === undefined || opened.lastHash !== this.previousHash) {
      this.previousHash = opened.lastHash ?? GENESIS_HASH;
    }
    return opened.repair ? [opened.repair] : [];
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let seq = this.seq;
    let previous = this.previousHash;
    let written: AuditRecord[] = [];
    try {
      const preface: Pending[] = (await this.ensureOpen()).map((event) => ({
        body: { time: this.options.now().toISOString(), ...event },
      }));
      seq = this.seq;
      previous = this.previousHash;
      if (this.failure) {
        const { since, refused, error } = this.failure;
        preface.push({
          body: {
            time: this.options.now().toISOString(),
            type: 'audit.recovered',
            failedSince: since.toISOString(),
            cause: error.message,
            refusedResponses: refused,
          },
        });
      }
      const entries = [...preface, ...batch];
      written = entries.map(({ body }) => {
        const numbered = { seq: ++seq, ...body };
        const hash = chainHash(previous, canonicalJson(numbered));
        previous = hash;
        return { ...numbered, hash };
      });
      await this.sink?.append(Buffer.from(written.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8'));
    } catch (caught) {
      this.fail(caught instanceof Error ? caught : new Error(String(caught)), batch);
      this.firstAttempt?.settle();
      return;
    }
    this.firstAttempt?.settle();
    this.seq = seq;
    this.previousHash = previous;
    this.knownSize = this.sink?.size?.();
    this.written = true;
    if (this.failure) {
      const { since, refused } = this.failure;
      this.failure = undefined;
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
      this.options.onRecovery?.(since, refused);
    }
    const offset = written.length - batch.length;
    batch.forEach((entry, i) => entry.settle?.resolve(written[offset + i]));
  }

  private fail(error: Error, batch: Pending[]): void {
    const first = this.failure === undefined;
    const refused = batch.filter((p) => p.settle !== undefined);
    this.failure = {
      error,
      since: this.failure?.since ?? this.options.now(),
      refused: (this.failure?.refused ?? 0) + refused.length,
    };
    // Close the file: the next attempt reopens it, which cuts off whatever part of this batch got in.
    const sink = this.sink;
    this.sink = undefined;
    void sink?.close().catch(() => undefined);
    // The service's own events wait for the disk to come back; responses do not.
    this.pending.unshift(...batch.filter((p) => p.settle === undefined));
    for (const entry of refused) entry.settle?.reject(new AuditError(error));
    if (first) this.options.onFailure?.(error);
    if (this.retryTimer === undefined && !this.closed) {
      this.retryTimer = setInterval(() => this.retry(), this.options.retryMs ?? 1000);
      this.retryTimer.unref();
    }
  }

  /** Tries the trail again without waiting for a request (the retry timer calls it). */
  retry(): Promise<void> {
    if (this.failure === undefined) return Promise.resolve();
    // With nothing else waiting, an empty batch writes just the recovery record.
    this.probe = true;
    return this.drain();
  }

  /** Writes every record queued and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    while (this.flushing) await new Promise((resolve) => setImmediate(resolve));
    if (this.pending.length > 0) await this.drain();
    this.closed = true;
    const sink = this.sink;
    this.sink = undefined;
    await sink?.close();
  }
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly records: number;
  /** 1-based line number of the first line whose hash does not follow from the one before. */
  readonly brokenAtLine?: number;
}

/** Checks lines one at a time against the chain rule above (a file of any size, streamed). */
export class ChainChecker {
  private previous: string;
  private records = 0;
  private line = 0;
  private brokenAtLine: number | undefined;

  constructor(startHash = GENESIS_HASH) {
    this.previous = startHash;
  }

  /** Takes the next line; false once the chain is broken. */
  push(line: string): boolean {
    if (this.brokenAtLine !== undefined) return false;
    this.line += 1;
    if (line.trim() === '') return true;
    let parsed: Record<string, AuditJson>;
    try {
      parsed = JSON.parse(line) as Record<string, AuditJson>;
    } catch {
      this.brokenAtLine = this.line;
      return false;
    }
    const { hash, ...rest } = parsed;
    if (typeof hash !== 'string' || chainHash(this.previous, canonicalJson(rest)) !== hash) {
      this.brokenAtLine = this.line;
      return false;
    }
    this.previous = hash;
    this.records += 1;
    return true;
  }

  get result(): ChainCheck {
    return this.brokenAtLine === undefined
      ? { ok: true, records: this.records }
      : { ok: false, records: this.records, brokenAtLine: this.brokenAtLine };
  }
}

/** Checks a whole audit file's lines against the chain rule above. */
export function verifyAuditChain(lines: readonly string[], startHash = GENESIS_HASH): ChainCheck {
  const checker = new ChainChecker(startHash);
  for (const line of lines) if (!checker.push(line)) break;
  return checker.result;
}
