/**
 * One getstructuredrecord call through fhir-kit-client, turned into one of four outcomes a user can
 * act on: a Bundle, an OperationOutcome (with its HTTP status), a reply that is not FHIR, or no reply.
 *
 * fhir-kit-client 1.9 (CommonJS) runs on Node's own fetch here. Its `operation` call does everything
 * we need: POST to `{base}/Patient/$gpc.getstructuredrecord` with our headers and an AbortSignal.
 * On a non-2xx reply or a body that is not JSON it rejects with `{ response: { status, data }, config:
 * { headers } }` (its documented error shape), and on a network failure with fetch's own TypeError;
 * both are classified below, so nothing here needs a fallback to raw fetch.
 */
import Client from 'fhir-kit-client';

import { isObject, type JsonObject } from './request';

export type CallOutcome =
  | {
      readonly kind: 'bundle';
      readonly status: number;
      readonly bundle: JsonObject;
      readonly contentType: string;
    }
  | {
      readonly kind: 'operationOutcome';
      readonly status: number;
      readonly outcome: JsonObject;
      readonly retryAfterSeconds?: number;
    }
  | {
      readonly kind: 'notFhir';
      readonly status: number;
      readonly contentType: string;
      readonly why: string;
      readonly snippet: string;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'unreachable'; readonly message: string };

export interface CallOptions {
  readonly baseUrl: string;
  readonly headers: Record<string, string>;
  readonly body: JsonObject;
  readonly timeoutMs: number;
}

/** fhir-kit-client's rejection for an HTTP error or an unparseable body. */
interface KitHttpError {
  readonly response: { readonly status: number; readonly data: unknown };
  readonly config?: { readonly headers?: { get?(name: string): string | null } };
}

function isKitHttpError(error: unknown): error is KitHttpError {
  return isObject(error) && isObject(error.response) && typeof error.response.status === 'number';
}

function snippetOf(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}

/** Retry-After as seconds (delta-seconds or an HTTP date), for a 429 or 503 only. */
export function retryAfterOf(
  status: number,
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if ((status !== 429 && status !== 503) || !header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Classify whatever came back with an HTTP status. */
export function classify(
  status: number,
  data: unknown,
  contentType: string,
  retryAfterHeader?: string | null,
): CallOutcome {
  const retryAfterSeconds = retryAfterOf(status, retryAfterHeader);
  const retry = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  if (typeof data === 'string') {
    return {
      kind: 'notFhir',
      status,
      contentType,
      why: 'the body is not JSON',
      snippet: snippetOf(data),
      ...retry,
    };
  }
  if (!isObject(data) || typeof data.resourceType !== 'string') {
    return {
      kind: 'notFhir',
      status,
      contentType,
      why:
        isObject(data) && Object.keys(data).length === 0
          ? 'the body is empty'
          : 'the JSON is not a FHIR resource (no resourceType)',
      snippet: snippetOf(data),
      ...retry,
    };
  }
  if (data.resourceType === 'OperationOutcome')
    return { kind: 'operationOutcome', status, outcome: data, ...retry };
  if (data.resourceType === 'Bundle' && status >= 200 && status < 300)
    return { kind: 'bundle', status, bundle: data, contentType };
  return {
    kind: 'notFhir',
    status,
    contentType,
    why: `expected a Bundle or an OperationOutcome, got a ${data.resourceType}`,
    snippet: snippetOf(data),
    ...retry,
  };
}

/** Why the provider could not be reached, in words (fetch hides the socket error in `cause`). */
export function unreachableMessage(error: unknown, baseUrl: string, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `No answer from the provider at ${baseUrl} within ${timeoutMs} ms`;
  }
  const code = e?.cause?.code;
  const detail: Record<string, string> = {
    ECONNREFUSED: 'connection refused: is the provider running, and is the port right?',
    ENOTFOUND: 'host name not found',
    ECONNRESET: 'the connection was reset',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'host unreachable',
  };
  const why = (code && detail[code]) ?? e?.cause?.message ?? e?.message ?? String(error);
  return `Cannot reach the provider at ${baseUrl}: ${why}${code ? ` (${code})` : ''}`;
}

export async function callGetStructuredRecord(options: CallOptions): Promise<CallOutcome> {
  let client: Client;
  try {
    client = new Client({ baseUrl: options.baseUrl });
  } catch (error) {
    return { kind: 'unreachable', message: `Invalid --base ${options.baseUrl}: ${(error as Error).message}` };
  }
  try {
    const data: unknown = await client.operation({
      resourceType: 'Patient',
      name: '$gpc.getstructuredrecord',
      method: 'POST',
      input: options.body,
      options: { headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs) },
    });
    const { response } = Client.httpFor(data as JsonObject & { resourceType: string });
    return classify(response.status, data, response.headers.get('content-type') ?? '');
  } catch (error) {
    if (isKitHttpError(error)) {
      const headers = error.config?.headers;
      return classify(
        error.response.status,
        error.response.data,
        headers?.get?.('content-type') ?? '',
        headers?.get?.('retry-after'),
      );
    }
    return { kind: 'unreachable', message: unreachableMessage(error, options.baseUrl, options.timeoutMs) };
  }
}

export interface SearchCallOptions {
  readonly baseUrl: string;
  readonly headers: Record<string, string>;
  /** Search parameters, each once (the CLI never repeats one). */
  readonly searchParams: Record<string, string>;
  readonly timeoutMs: number;
}

/** One Foundations patient search (GET [base]/Patient?…), classified like the record call. */
export async function callPatientSearch(options: SearchCallOptions): Promise<CallOutcome> {
  let client: Client;
  try {
    client = new Client({ baseUrl: options.baseUrl });
  } catch (error) {
    return { kind: 'unreachable', message: `Invalid --base ${options.baseUrl}: ${(error as Error).message}` };
  }
  try {
    const data: unknown = await client.search({
      resourceType: 'Patient',
      searchParams: options.searchParams,
      options: { headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs) },
    });
    const { response } = Client.httpFor(data as JsonObject & { resourceType: string });
    return classify(response.status, data, response.headers.get('content-type') ?? '');
  } catch (error) {
    if (isKitHttpError(error)) {
      const headers = error.config?.headers;
      const contentType = headers?.get?.('content-type') ?? '';
      return classify(error.response.status, error.response.data, contentType, headers?.get?.('retry-after'));
    }
    return { kind: 'unreachable', message: unreachableMessage(error, options.baseUrl, options.timeoutMs) };
  }
}

export interface RetryPolicy {
  /** How many times a 429 or 503 is retried (0: never). */
  readonly retries: number;
  /** A Retry-After longer than this is not waited for (maintenance windows, say). */
  readonly maxWaitSeconds: number;
  readonly onRetry?: (status: number, waitSeconds: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, maxWaitSeconds: 30 };

/**
 * A call that waits and tries again when the provider says "too many requests" (429) or "unavailable"
 * (503) with a Retry-After it is willing to wait for. Each attempt is a new request: `attempt()` builds
 * fresh headers, because GP Connect wants a new Ssp-TraceID and a new JWT for every request.
 */
export async function callWithRetry<O, T extends { readonly options: O }>(
  attempt: () => T,
  policy: RetryPolicy,
  call: (options: O) => Promise<CallOutcome>,
): Promise<{ readonly outcome: CallOutcome; readonly request: T }> {
  for (let tries = 0; ; tries += 1) {
    const request = attempt();
    const outcome = await call(request.options);
    if (outcome.kind !== 'operationOutcome' && outcome.kind !== 'notFhir') return { outcome, request };
    const wait = outcome.retryAfterSeconds;
    if (wait === undefined || tries >= policy.retries || wait > policy.maxWaitSeconds)
      return { outcome, request };
    policy.onRetry?.(outcome.status, wait);
    await new Promise((done) => setTimeout(done, Math.max(wait, 0.1) * 1000));
  }
}

/** The first issue of an OperationOutcome: Spine code, issue code, diagnostics. */
export function describeOperationOutcome(outcome: JsonObject): {
  spineCode?: string;
  issueCode?: string;
  diagnostics?: string;
  display?: string;
} {
  const issue = Array.isArray(outcome.issue) ? outcome.issue.find(isObject) : undefined;
  if (!issue) return {};
  const details = isObject(issue.details) ? issue.details : undefined;
  const coding = details && Array.isArray(details.coding) ? details.coding.find(isObject) : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    spineCode: str(coding?.code),
    display: str(coding?.display),
    issueCode: str(issue.code),
    diagnostics: str(issue.diagnostics),
  };
}
