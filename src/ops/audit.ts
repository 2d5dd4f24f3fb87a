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
 * line is written and, for a file, fdatasync'd. The queue, group commit, failure and recovery rules
 * are GroupCommitTrail's (group-commit.ts): while one write+fdatasync runs, new records queue, and the
 * next batch leaves in one write and one fdatasync. A failed write leaves the chain where the last
 * durable line left it, and the file is reopened and repaired on the next attempt.
 */
import { hash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';

import type { AuditEvent, AuditJson, AuditRecord } from './audit-trail';
import { type ChainSink, GroupCommitTrail, type TrailOptions } from './group-commit';

export type { AuditEvent, AuditEventType, AuditJson, AuditRecord } from './audit-trail';
export { AuditError } from './group-commit';

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

/** Keys already quoted for JSON: a record's keys are a small, fixed set (bounded against hostile input). */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 1000;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * Key-sorted JSON: the same record always serialises to the same bytes, whatever built it. Built by
 * concatenation rather than map/filter/join (every record is hashed through it, D-RQ2); undefined
 * members are left out, as JSON.stringify leaves them out.
 */
export function canonicalJson(value: AuditJson): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value as readonly AuditJson[];
    let out = '[';
    for (let i = 0; i < items.length; i++) {
      // What join would make of an item JSON cannot hold: nothing.
      const item: string | undefined = canonicalJson(items[i]);
      out += (i === 0 ? '' : ',') + (item ?? '');
    }
    return `${out}]`;
  }
  const object = value as { readonly [key: string]: AuditJson | undefined };
  let out = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    out += (first ? '' : ',') + quotedKey(key) + ':' + canonicalJson(member);
    first = false;
  }
  return `${out}}`;
}

export function chainHash(previousHash: string, canonical: string): string {
  // One-shot crypto.hash (Node 20.12+): the same bytes as updating with each string in turn.
  return hash('sha256', previousHash + canonical, 'hex');
}

/** Numbers `bodies` after `seq` and chains each from the one before, starting from `previousHash`. */
export function chainRecords(
  bodies: readonly Record<string, AuditJson>[],
  seq: number,
  previousHash: string,
): { records: AuditRecord[]; seq: number; hash: string } {
  let last = seq;
  let previous = previousHash;
  const records = bodies.map((body) => {
    const numbered: Record<string, AuditJson> = { seq: ++last, ...body };
    previous = chainHash(previous, canonicalJson(numbered));
    // Added last, as a spread into a new object would put it; this object is the record's own.
    numbered.hash = previous;
    return numbered;
  });
  return { records, seq: last, hash: previous };
}

/** Where a sink's bytes go; append() resolves once they are as durable as the sink promises. */
interface ByteSink {
  append(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

function streamSink(stream: Writable, owned: boolean): ByteSink {
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
  readonly sink: ByteSink;
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
    const sink: ByteSink & { size: () => number } = {
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

export interface AuditLogOptions extends TrailOptions {
  /** fdatasync after each group of records written to a file (AUDIT_FSYNC, default on). */
  readonly fsync?: boolean;
  /** Opens the file target; tests inject faults here. */
  readonly opener?: AuditFileOpener;
}

/**
 * The file (or stream) sink: this process numbers and chains its records, continuing the chain of
 * the file it opens. A failed write closes the file; the next append reopens and repairs it.
 */
class FileChainSink implements ChainSink {
  private seq = 0;
  private previousHash = GENESIS_HASH;
  private sink: (ByteSink & { size?: () => number }) | undefined;
  private knownSize: number | undefined;

  constructor(
    private readonly target: AuditTarget,
    private readonly options: AuditLogOptions,
  ) {}

  async append(bodies: readonly Record<string, AuditJson>[]): Promise<AuditRecord[]> {
    const repairs = (await this.ensureOpen()).map((event) => ({
      time: this.options.now().toISOString(),
      ...event,
    }));
    const { records, seq, hash } = chainRecords([...repairs, ...bodies], this.seq, this.previousHash);
    await this.sink?.append(Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8'));
    // The chain moves on only once the records are durable.
    this.seq = seq;
    this.previousHash = hash;
    this.knownSize = this.sink?.size?.();
    return records;
  }

  /** Close the file: the next attempt reopens it, which cuts off whatever part of the batch got in. */
  failed(): void {
    const sink = this.sink;
    this.sink = undefined;
    void sink?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    await sink?.close();
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
}

/** The audit trail in a file (or on stdout, or a stream), group-committed by GroupCommitTrail. */
export class AuditLog extends GroupCommitTrail {
  constructor(target: AuditTarget, options: AuditLogOptions) {
    super(new FileChainSink(target, options), options);
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
