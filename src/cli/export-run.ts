/**
 * `gpc export` once its command line is read: kick off (or resume) a Bulk Data export, poll it honouring
 * Retry-After, cancel it on Ctrl-C, stream every file to disk, check each against the manifest and
 * print the summary (FHIR Bulk Data Access — Export; docs/consumer-guide.md, "Bulk extracts").
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  cancelJob,
  downloadFile,
  type ExportParameters,
  type Failure,
  type HeaderSource,
  kickOff,
  kickOffUrl,
  type Manifest,
  type ManifestOutput,
  pollStatus,
} from './bulk-export';
import { describeOperationOutcome } from './client';
import { ProgressReporter, type ProgressSink } from './export-progress';
import { type FileResult, renderDeleted, renderTotals } from './export-summary';
import { isObject } from './request';

export const EXPORT_EXIT = { ok: 0, failed: 1, interrupted: 130 } as const;

export interface ExportRunOptions {
  readonly baseUrl: string;
  readonly parameters: ExportParameters;
  readonly outDir: string;
  /** Resume this job instead of starting one. */
  readonly statusUrl?: string;
  readonly headers: HeaderSource;
  readonly timeoutMs: number;
  /** Consecutive 429/503/unreachable answers tolerated (each waited for) before giving up. */
  readonly retries: number;
  /** A Retry-After longer than this is not waited for: the command stops and says how to resume. */
  readonly maxWaitSeconds: number;
  /** The whole wait for the job to finish, after which the command stops (the job keeps running). */
  readonly deadlineSeconds: number;
  /** Aborted by Ctrl-C: a running job is cancelled (DELETE), then the command exits. */
  readonly signal: AbortSignal;
}

export interface ExportIo extends ProgressSink {
  err(text: string): void;
  explain(failure: Failure): void;
  now(): number;
}

class Stop extends Error {
  constructor(readonly code: number) {
    super('stop');
  }
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** Transient answers worth waiting for: the provider is busy or briefly unreachable. */
function transientWait(failure: Failure, attempt: number): number | undefined {
  if (failure.kind === 'unreachable') return Math.min(2 ** attempt, 30);
  if (failure.status === 429 || failure.status === 503)
    return failure.retryAfterSeconds ?? Math.min(2 ** attempt, 30);
  return undefined;
}

async function start(options: ExportRunOptions, io: ExportIo): Promise<string> {
  io.line(`GET ${kickOffUrl(options.baseUrl, options.parameters)}`);
  for (let attempt = 0; ; attempt += 1) {
    const result = await kickOff(
      options.baseUrl,
      options.parameters,
      options.headers(),
      options.timeoutMs,
      options.signal,
    );
    if (result.kind === 'accepted') {
      io.line(`HTTP 202 Accepted: the job's status is at ${result.statusUrl}`);
      return result.statusUrl;
    }
    // a kick-off that did not arrive is not sent blindly again: it may have started a job
    const wait = result.kind === 'unreachable' ? undefined : transientWait(result, attempt);
    if (
      result.kind === 'unreachable' ||
      wait === undefined ||
      attempt >= options.retries ||
      wait > options.maxWaitSeconds
    ) {
      io.explain(result);
      throw new Stop(EXPORT_EXIT.failed);
    }
    io.err(`gpc: HTTP ${result.status} with Retry-After ${wait} s: kicking off again in ${wait} s`);
    await sleep(Math.max(wait, 0.1) * 1000, undefined, { signal: options.signal });
  }
}

async function cancel(statusUrl: string, options: ExportRunOptions, io: ExportIo): Promise<never> {
  io.line('');
  io.line(`Interrupted: cancelling the job (DELETE ${statusUrl})`);
  const result = await cancelJob(statusUrl, options.headers(), Math.min(options.timeoutMs, 10_000));
  if (result.kind === 'cancelled') io.line(`HTTP ${result.status}: the job is cancelled`);
  else {
    io.err('gpc: the job could not be cancelled; it may still be running at the provider');
    io.explain(result);
  }
  throw new Stop(EXPORT_EXIT.interrupted);
}

async function waitForManifest(
  statusUrl: string,
  options: ExportRunOptions,
  io: ExportIo,
): Promise<Manifest> {
  const startedAt = io.now();
  const reporter = new ProgressReporter(io, startedAt);
  const resume = `gpc export --status ${statusUrl} (with the same identity options)`;
  let transient = 0;
  let backoff = 1;
  try {
    for (;;) {
      const result = await pollStatus(statusUrl, options.headers(), options.timeoutMs, options.signal);
      let wait: number;
      if (result.kind === 'complete') {
        reporter.finish();
        return result.manifest;
      }
      if (result.kind === 'running') {
        transient = 0;
        reporter.report(result.progress, io.now());
        // Retry-After honoured; without one, back off from 1 s to 30 s
        wait = result.retryAfterSeconds ?? backoff;
        backoff = Math.min(backoff * 2, 30);
      } else {
        const transientSeconds = transientWait(result, transient);
        if (transientSeconds === undefined || transient >= options.retries) {
          reporter.finish();
          if (result.kind !== 'unreachable' && result.status === 404)
            io.err(
              `gpc: the job at ${statusUrl} is unknown to the provider (cancelled, expired or never started)`,
            );
          else io.err('gpc: the export failed');
          io.explain(result);
          throw new Stop(EXPORT_EXIT.failed);
        }
        transient += 1;
        wait = transientSeconds;
        const why = result.kind === 'unreachable' ? result.message : `HTTP ${result.status}`;
        io.err(`gpc: status request: ${why}; asking again in ${wait} s`);
      }
      if (wait > options.maxWaitSeconds) {
        reporter.finish();
        io.err(`gpc: the provider asks to wait ${wait} s, more than --max-wait ${options.maxWaitSeconds} s.`);
        io.err(`  The job keeps running; resume with: ${resume}`);
        throw new Stop(EXPORT_EXIT.failed);
      }
      if (io.now() - startedAt + wait * 1000 > options.deadlineSeconds * 1000) {
        reporter.finish();
        io.err(`gpc: the job has not finished within --deadline ${options.deadlineSeconds} s.`);
        io.err(`  It keeps running; resume with: ${resume}`);
        throw new Stop(EXPORT_EXIT.failed);
      }
      // never more often than twice a second, whatever Retry-After says
      await sleep(Math.max(wait, 0.5) * 1000, undefined, { signal: options.signal });
    }
  } catch (error) {
    if (isAbort(error) || options.signal.aborted) {
      reporter.finish();
      return cancel(statusUrl, options, io);
    }
    throw error;
  }
}

const plural = (n: number) => (n === 1 ? '' : 's');

const SAFE_TYPE = /^[A-Za-z]{1,64}$/;

/** Local file names from the manifest's types, never from its URLs (a hostile path stays out). */
function fileNames(outputs: readonly ManifestOutput[], prefix?: string): string[] {
  const seen = new Map<string, number>();
  return outputs.map((o) => {
    const stem = prefix ?? o.type;
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? `${stem}.ndjson` : `${stem}.${n}.ndjson`;
  });
}

/** The first few diagnostics of an error file (NDJSON OperationOutcomes), read line by line. */
async function errorDiagnostics(path: string, limit: number): Promise<{ lines: string[]; total: number }> {
  const lines: string[] = [];
  let total = 0;
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of reader) {
    if (line.trim() === '') continue;
    let resource: unknown;
    try {
      resource = JSON.parse(line);
    } catch {
      resource = undefined;
    }
    const issues = isObject(resource) && Array.isArray(resource.issue) ? resource.issue.length : 1;
    total += issues;
    if (lines.length < limit) {
      const oo = isObject(resource) ? describeOperationOutcome(resource) : {};
      lines.push(oo.diagnostics ?? oo.spineCode ?? oo.issueCode ?? line.slice(0, 160));
    }
  }
  return { lines, total };
}

async function download(
  manifest: Manifest,
  statusUrl: string,
  options: ExportRunOptions,
  io: ExportIo,
): Promise<{ files: FileResult[]; problems: string[]; errorFiles: string[]; deletedFiles: string[] }> {
  const sameOrigin = (url: string) => new URL(url).origin === new URL(statusUrl).origin;
  // the Spine headers (with their JWT) go to the provider, or wherever the manifest says a token is needed
  const headersFor = (url: string) =>
    manifest.requiresAccessToken || sameOrigin(url) ? options.headers() : undefined;
  const files: FileResult[] = [];
  const problems: string[] = [];
  const errorFiles: string[] = [];
  const deletedFiles: string[] = [];
  const jobs = [
    ...manifest.output.map((o, i) => ({
      o,
      name: fileNames(manifest.output)[i],
      error: false,
      deleted: false,
    })),
    ...manifest.deleted.map((o, i) => ({
      o,
      name: fileNames(manifest.deleted, 'deleted')[i],
      error: false,
      deleted: true,
    })),
    ...manifest.error.map((o, i) => ({
      o,
      name: fileNames(manifest.error, 'errors')[i],
      error: true,
      deleted: false,
    })),
  ];
  for (const { o, name, error, deleted } of jobs) {
    if (!error && !SAFE_TYPE.test(o.type)) {
      problems.push(`the manifest names a file of type "${o.type.slice(0, 80)}": not downloaded`);
      continue;
    }
    const path = join(options.outDir, name);
    const result = await downloadFile(o.url, path, headersFor(o.url), options.timeoutMs, options.signal);
    if (!('lines' in result)) {
      io.err(`gpc: cannot download ${o.url}`);
      io.explain(result);
      problems.push(`${name}: not downloaded`);
      continue;
    }
    const expected = o.count;
    const gzip = /gzip/i.test(result.encoding) ? ', gzip' : '';
    io.line(
      `  ${name}: ${result.lines} ${error ? 'OperationOutcome' : deleted ? 'deletion Bundle' : 'resource'}${plural(result.lines)}, ` +
        `${result.bytes} bytes${gzip}`,
    );
    if (error) {
      errorFiles.push(path);
      continue;
    }
    if (deleted) deletedFiles.push(path);
    else {
      files.push({
        type: o.type,
        file: name,
        lines: result.lines,
        bytes: result.bytes,
        ...(expected !== undefined && { expected }),
      });
    }
    if (expected !== undefined && expected !== result.lines)
      problems.push(`${name}: ${result.lines} lines, the manifest says ${expected}`);
    if (result.firstResourceType !== undefined && result.firstResourceType !== o.type)
      problems.push(`${name}: holds ${result.firstResourceType} resources, the manifest says ${o.type}`);
  }
  return { files, problems, errorFiles, deletedFiles };
}

/** The resources the deleted files delete, by type (each line a transaction Bundle), read line by line. */
async function deletedByType(paths: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const path of paths) {
    const reader = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    for await (const line of reader) {
      if (line.trim() === '') continue;
      let bundle: unknown;
      try {
        bundle = JSON.parse(line);
      } catch {
        bundle = undefined;
      }
      const entries = isObject(bundle) && Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
      for (const entry of entries) {
        const request = isObject(entry) && isObject(entry.request) ? entry.request : undefined;
        if (request?.method !== 'DELETE' || typeof request.url !== 'string') continue;
        const type = request.url.split('/')[0] || '(no type)';
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
    }
  }
  return counts;
}

export async function runExport(options: ExportRunOptions, io: ExportIo): Promise<number> {
  try {
    try {
      await mkdir(options.outDir, { recursive: true });
    } catch (error) {
      io.err(`gpc: cannot create --out ${options.outDir}: ${(error as Error).message}`);
      return EXPORT_EXIT.failed;
    }
    let statusUrl: string;
    try {
      statusUrl = options.statusUrl ?? (await start(options, io));
    } catch (error) {
      if (!isAbort(error)) throw error;
      io.err('gpc: interrupted while kicking off; if the provider accepted the job it runs until it expires');
      return EXPORT_EXIT.interrupted;
    }
    const manifest = await waitForManifest(statusUrl, options, io);
    io.line(`HTTP 200: the export is complete (transactionTime ${manifest.transactionTime ?? '(none)'})`);
    await writeFile(join(options.outDir, 'manifest.json'), `${JSON.stringify(manifest.raw, null, 2)}\n`);
    const fileCount = manifest.output.length + manifest.deleted.length + manifest.error.length;
    io.line(`Downloading ${fileCount} files to ${options.outDir}`);
    let result;
    try {
      result = await download(manifest, statusUrl, options, io);
    } catch (error) {
      if (!isAbort(error) && !options.signal.aborted) throw error;
      io.line('');
      io.err(
        'gpc: interrupted while downloading: the finished files stay at the provider until they expire.',
      );
      io.err(`  Download them again with: gpc export --status ${statusUrl} --out ${options.outDir}`);
      return EXPORT_EXIT.interrupted;
    }
    io.line('');
    io.line(`Manifest: ${manifest.request ?? '(no request)'}`);
    io.line(`transactionTime ${manifest.transactionTime ?? '(none)'}; files written to ${options.outDir}`);
    io.line('');
    io.line(renderTotals(result.files));
    // Only an export with _since has deleted files (Bulk Data: absent or empty without one).
    if ('deleted' in manifest.raw) {
      io.line('');
      io.line(renderDeleted(await deletedByType(result.deletedFiles), result.deletedFiles.length));
    }
    let errors = 0;
    for (const path of result.errorFiles) {
      const { lines, total } = await errorDiagnostics(path, 5);
      errors += total;
      for (const line of lines) io.line(`  error: ${line}`);
    }
    io.line('');
    const errorFiles = `${result.errorFiles.length} file${plural(result.errorFiles.length)}`;
    io.line(`Errors: ${errors === 0 ? 'none' : `${errors} in ${errorFiles} (see ${options.outDir})`}`);
    for (const p of result.problems) io.err(`gpc: ${p}`);
    if (result.problems.length > 0) {
      io.err('gpc: the files do not match the manifest: do not use this extract as complete');
      return EXPORT_EXIT.failed;
    }
    if (errors > 0) {
      io.err('gpc: the provider reported errors: the extract is incomplete');
      return EXPORT_EXIT.failed;
    }
    return EXPORT_EXIT.ok;
  } catch (error) {
    if (error instanceof Stop) return error.code;
    throw error;
  }
}
