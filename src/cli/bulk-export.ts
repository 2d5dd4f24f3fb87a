/**
 * The HTTP side of a FHIR Bulk Data export as a consumer sees it (FHIR Bulk Data Access — Export, the
 * asynchronous request pattern): kick-off, status polls, cancel and streamed file downloads. Node's own
 * fetch rather than fhir-kit-client, which has no way to send `Prefer: respond-async`, read
 * `Content-Location` or stream a body (docs/decisions.md D-C1).
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';

import { INTERACTIONS } from '../spine/interactions';
import { type CallOutcome, classify, unreachableMessage } from './client';
import { isObject, type JsonObject } from './request';

/** This provider's Bulk Data interaction, sent on every export request (docs/decisions.md D-B1). */
export const BULK_EXPORT_INTERACTION = INTERACTIONS.bulkExport.interactionId;

/** A failure with a status, an OperationOutcome or a body that is not one, or no answer at all. */
export type Failure = Exclude<CallOutcome, { kind: 'bundle' }>;

export interface ExportParameters {
  /** `_type`: resource types, sent comma-separated. */
  readonly types?: readonly string[];
  /** `_since`: a FHIR instant. */
  readonly since?: string;
}

/** Fresh request headers for each request: GP Connect wants a new trace id and JWT every time. */
export type HeaderSource = () => Record<string, string>;

export type KickOffResult = { readonly kind: 'accepted'; readonly statusUrl: string } | Failure;

export interface ManifestOutput {
  readonly type: string;
  readonly url: string;
  readonly count?: number;
}

export interface Manifest {
  readonly transactionTime?: string;
  readonly request?: string;
  readonly requiresAccessToken: boolean;
  readonly output: readonly ManifestOutput[];
  /** Files of transaction Bundles deleting what was removed since `_since` (empty without one). */
  readonly deleted: readonly ManifestOutput[];
  readonly error: readonly ManifestOutput[];
  readonly raw: JsonObject;
}

export type StatusResult =
  | {
      readonly kind: 'running';
      /** X-Progress as sent (this provider: "done/total patients"). */
      readonly progress?: string;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'complete'; readonly manifest: Manifest }
  | Failure;

/** The kick-off URL: `[base]/Patient/$export` with the parameters the user gave. */
export function kickOffUrl(baseUrl: string, parameters: ExportParameters): string {
  const query = new URLSearchParams({ _outputFormat: 'application/fhir+ndjson' });
  if (parameters.types && parameters.types.length > 0) query.set('_type', parameters.types.join(','));
  if (parameters.since !== undefined) query.set('_since', parameters.since);
  return `${baseUrl}/Patient/$export?${query.toString()}`;
}

/** A GET carries no body, so no Content-Type. */
function getHeaders(headers: Record<string, string>): Record<string, string> {
  const copy = { ...headers };
  delete copy['Content-Type'];
  return copy;
}

/** Retry-After on any answer (202 included): delta-seconds or an HTTP date, as whole seconds. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A body read as text and classified: JSON becomes an object, anything else stays a string. */
async function failureOf(response: Response): Promise<Failure> {
  const text = await response.text();
  let data: unknown = text;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    // not JSON: classify reports it as such
  }
  const outcome = classify(
    response.status,
    data,
    response.headers.get('content-type') ?? '',
    response.headers.get('retry-after'),
  );
  if (outcome.kind === 'bundle')
    return {
      kind: 'notFhir',
      status: response.status,
      contentType: outcome.contentType,
      why: 'expected an OperationOutcome, got a Bundle',
      snippet: '',
    };
  return outcome;
}

async function send(
  url: string,
  init: RequestInit & { readonly timeoutMs: number; readonly signal?: AbortSignal },
  baseUrl: string,
): Promise<Response | Failure> {
  const timeout = AbortSignal.timeout(init.timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    return await fetch(url, { ...init, signal, redirect: 'error' });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    return { kind: 'unreachable', message: unreachableMessage(error, baseUrl, init.timeoutMs) };
  }
}

export async function kickOff(
  baseUrl: string,
  parameters: ExportParameters,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<KickOffResult> {
  const url = kickOffUrl(baseUrl, parameters);
  const response = await send(
    url,
    {
      method: 'GET',
      headers: { ...getHeaders(headers), Prefer: 'respond-async' },
      timeoutMs,
      ...(signal && { signal }),
    },
    baseUrl,
  );
  if (!(response instanceof Response)) return response;
  const location = response.headers.get('content-location');
  if (response.status === 202 && location) {
    await response.body?.cancel();
    try {
      return { kind: 'accepted', statusUrl: new URL(location, url).toString() };
    } catch {
      return notFhir(response, `Content-Location ${location} is not a URL`);
    }
  }
  if (response.status === 202) return notFhir(response, 'HTTP 202 without a Content-Location status URL');
  if (response.status >= 200 && response.status < 300)
    return notFhir(response, `HTTP ${response.status}: expected 202 Accepted (an asynchronous export)`);
  return failureOf(response);
}

function notFhir(response: Response, why: string): Failure {
  void response.body?.cancel();
  return {
    kind: 'notFhir',
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    why,
    snippet: '',
  };
}

/** One status request: still running, done (with its manifest), or failed. */
export async function pollStatus(
  statusUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StatusResult> {
  const response = await send(
    statusUrl,
    { method: 'GET', headers: getHeaders(headers), timeoutMs, ...(signal && { signal }) },
    statusUrl,
  );
  if (!(response instanceof Response)) return response;
  if (response.status === 202) {
    await response.body?.cancel();
    const progress = response.headers.get('x-progress') ?? undefined;
    const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
    return {
      kind: 'running',
      ...(progress !== undefined && { progress }),
      ...(retryAfter !== undefined && { retryAfterSeconds: retryAfter }),
    };
  }
  if (response.status !== 200) return failureOf(response);
  const text = await response.text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {
      kind: 'notFhir',
      status: 200,
      contentType: response.headers.get('content-type') ?? '',
      why: 'the manifest is not JSON',
      snippet: text.slice(0, 120),
    };
  }
  const manifest = manifestOf(data, statusUrl);
  if (typeof manifest === 'string') return notFhir(response, manifest);
  return { kind: 'complete', manifest };
}

function outputsOf(
  value: unknown,
  name: string,
  statusUrl: string,
  defaultType?: string,
): ManifestOutput[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return `the manifest's ${name} is not an array`;
  const outputs: ManifestOutput[] = [];
  for (const raw of value as unknown[]) {
    // Bulk Data's own examples give `deleted` entries without a type: they are always Bundles.
    const item: unknown =
      isObject(raw) && raw.type === undefined && defaultType ? { ...raw, type: defaultType } : raw;
    if (!isObject(item) || typeof item.type !== 'string' || typeof item.url !== 'string')
      return `an entry of the manifest's ${name} has no type or url`;
    let url: string;
    try {
      url = new URL(item.url, statusUrl).toString();
    } catch {
      return `the manifest's ${name} names ${item.url}, which is not a URL`;
    }
    const count = item.count;
    outputs.push({
      type: item.type,
      url,
      ...(typeof count === 'number' && Number.isInteger(count) && count >= 0 && { count }),
    });
  }
  return outputs;
}

/** The manifest (FHIR Bulk Data Access — Response - Complete Status), or why it is not one. */
export function manifestOf(data: unknown, statusUrl: string): Manifest | string {
  if (!isObject(data)) return 'the manifest is not a JSON object';
  const output = outputsOf(data.output, 'output', statusUrl);
  if (typeof output === 'string') return output;
  const error = outputsOf(data.error, 'error', statusUrl);
  if (typeof error === 'string') return error;
  const deleted = outputsOf(data.deleted, 'deleted', statusUrl, 'Bundle');
  if (typeof deleted === 'string') return deleted;
  return {
    ...(typeof data.transactionTime === 'string' && { transactionTime: data.transactionTime }),
    ...(typeof data.request === 'string' && { request: data.request }),
    requiresAccessToken: data.requiresAccessToken === true,
    output,
    deleted,
    error,
    raw: data,
  };
}

export type CancelResult = { readonly kind: 'cancelled'; readonly status: number } | Failure;

/** DELETE the status URL: cancels a running job (or releases a finished one's files). */
export async function cancelJob(
  statusUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<CancelResult> {
  const init = { method: 'DELETE', headers: getHeaders(headers), timeoutMs };
  const response = await send(statusUrl, init, statusUrl);
  if (!(response instanceof Response)) return response;
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel();
    return { kind: 'cancelled', status: response.status };
  }
  return failureOf(response);
}

export interface Download {
  /** Non-empty NDJSON lines written. */
  readonly lines: number;
  /** Bytes written to disk (decoded). */
  readonly bytes: number;
  /** Content-Encoding the provider used (gzip when it compressed the transfer). */
  readonly encoding: string;
  /** resourceType of the first line, to check against the manifest's type. */
  readonly firstResourceType?: string;
}

/**
 * Counts NDJSON lines as the bytes pass (a line is any run of bytes ending in a newline, or the last
 * unterminated one; empty lines are not resources) and keeps the first line, bounded, to read its
 * resourceType. Nothing else is held: a file of any size streams through.
 */
class LineCounter extends Transform {
  lines = 0;
  bytes = 0;
  /** Whether the current line, in earlier chunks, had a byte other than white space. */
  private lineHasContent = false;
  private first: Buffer[] | undefined = [];
  private firstLength = 0;
  firstLine: string | undefined;
  constructor(private readonly onChunk: () => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.onChunk();
    this.bytes += chunk.length;
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
      this.endLine(chunk.subarray(start, i));
      start = i + 1;
    }
    if (start < chunk.length) {
      const tail = chunk.subarray(start);
      if (!blank(tail)) this.lineHasContent = true;
      this.keepFirst(tail);
    }
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.endLine(Buffer.alloc(0));
    done();
  }
  private endLine(tail: Buffer): void {
    const content = this.lineHasContent || !blank(tail);
    this.lineHasContent = false;
    if (!content) {
      // a blank line is no resource, and not the first line either
      if (this.first) this.first = [];
      this.firstLength = 0;
      return;
    }
    this.lines += 1;
    if (this.first) {
      this.keepFirst(tail);
      this.firstLine = Buffer.concat(this.first).toString('utf8');
      this.first = undefined;
    }
  }
  private keepFirst(part: Buffer): void {
    // 1 MiB is far more than any resourceType needs; a longer first line is read no further
    if (!this.first || this.firstLength > 1 << 20) return;
    this.first.push(Buffer.from(part));
    this.firstLength += part.length;
  }
}

/** Space, tab and carriage return only (a CRLF line ending leaves its CR). */
const blank = (bytes: Buffer) => bytes.every((b) => b === 0x20 || b === 0x0d || b === 0x09);

function resourceTypeOf(line: string | undefined): string | undefined {
  if (line === undefined) return undefined;
  const m = /^\s*\{[^]*?"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(line);
  return m?.[1];
}

/**
 * Stream one file to `path` (written as `path.part`, renamed when complete, so a file that is there is
 * whole). Asks for gzip; fetch decodes a gzip Content-Encoding, and a body sent as a gzip file
 * (application/gzip, or a .gz URL) is decoded here. `idleMs` bounds the wait for each chunk, not the
 * whole download, which may take as long as it needs.
 */
export async function downloadFile(
  url: string,
  path: string,
  headers: Record<string, string> | undefined,
  idleMs: number,
  signal?: AbortSignal,
): Promise<Download | Failure> {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleMs);
  };
  const signals = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  const part = `${path}.part`;
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          ...(headers && getHeaders(headers)),
          Accept: 'application/fhir+ndjson',
          'Accept-Encoding': 'gzip',
        },
        signal: signals,
        redirect: 'error',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { kind: 'unreachable', message: unreachableMessage(error, url, idleMs) };
    }
    if (response.status !== 200 || !response.body) return await failureOf(response);
    const encoding = response.headers.get('content-encoding') ?? '';
    const contentType = response.headers.get('content-type') ?? '';
    const gzipFile =
      /gzip/i.test(contentType) || (!/gzip/i.test(encoding) && new URL(url).pathname.endsWith('.gz'));
    const counter = new LineCounter(touch);
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    try {
      if (gzipFile) await pipeline(body, createGunzip(), counter, createWriteStream(part));
      else await pipeline(body, counter, createWriteStream(part));
    } catch (error) {
      await rm(part, { force: true });
      if (signal?.aborted) throw error;
      const why = idle.signal.aborted ? `no data for ${idleMs} ms` : (error as Error).message;
      return { kind: 'unreachable', message: `The download of ${url} failed: ${why}` };
    }
    await rename(part, path);
    const firstResourceType = resourceTypeOf(counter.firstLine);
    return {
      lines: counter.lines,
      bytes: counter.bytes,
      encoding,
      ...(firstResourceType !== undefined && { firstResourceType }),
    };
  } finally {
    clearTimeout(timer);
  }
}
