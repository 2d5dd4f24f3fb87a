/**
 * Audit before release: the first write of a response (headers or body) is held until
 * `beforeRelease` resolves (the audit record is durable), then everything written meanwhile leaves
 * in order. If it rejects, nothing written so far leaves: the response becomes a 503
 * OperationOutcome with Retry-After instead (docs/decisions.md, D-40). Wraps res.writeHead, res.write
 * and res.end, which every writer (Express's send, compression's stream, Node's implicit headers)
 * ends up calling: headers are not even composed until the record is written, so a refusal can still
 * replace them.
 */
import type { Response } from 'express';

import { CONTENT_TYPES } from '../fhir/content-negotiation';
import { errorOutcome } from '../fhir/operation-outcome';
import { formatFor, serialise } from '../http/respond';

/** The three methods are overloaded; the gate only passes their arguments through. */
type Passed = unknown[];

/** Headers that describe the held body; they go with it when it is refused. */
const REPRESENTATION_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
  'location',
  'etag',
  'last-modified',
  'vary',
];
const REFUSAL = 'The audit trail cannot be written, so no answer can be released; try again later';

export interface ReleaseGateOptions {
  /** Called once, at the response's first write: resolves when the response may leave. */
  readonly beforeRelease: () => Promise<unknown>;
  /** Called when the response is refused instead. */
  readonly onRefused: (error: unknown) => void;
  readonly retryAfterSeconds: number;
}

export function gateRelease(res: Response, options: ReleaseGateOptions): void {
  const write = res.write.bind(res) as (...args: Passed) => boolean;
  const end = res.end.bind(res) as (...args: Passed) => Response;
  const writeHead = res.writeHead.bind(res) as (...args: Passed) => Response;
  let state: 'open' | 'waiting' | 'released' | 'refused' = 'open';
  const held: (() => void)[] = [];

  const release = () => {
    state = 'released';
    for (const call of held.splice(0)) call();
  };
  const refuse = (error: unknown) => {
    state = 'refused';
    held.length = 0;
    options.onRefused(error);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // Whatever was set for the held answer (its type, its encoding) goes with it.
    for (const name of REPRESENTATION_HEADERS) res.removeHeader(name);
    // In the format the request asked for, like any other error (JSON or XML).
    const format = formatFor(res.req, res);
    const body = serialise(errorOutcome('SERVICE_UNAVAILABLE', REFUSAL), format);
    res.statusCode = 503;
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Retry-After', String(options.retryAfterSeconds));
    res.setHeader('Content-Length', String(body.length));
    res.locals.spineCode = 'SERVICE_UNAVAILABLE';
    writeHead(503);
    end(body);
  };
  const hold = (call: () => void) => {
    held.push(call);
    if (state !== 'open') return;
    state = 'waiting';
    options.beforeRelease().then(release, refuse);
  };

  res.writeHead = ((...args: Passed) => {
    if (state === 'released') return writeHead(...args);
    // Compression asks for the headers before each write until they are really sent: while held, it
    // asks more than once, and only the first may go (a second would throw ERR_HTTP_HEADERS_SENT).
    if (state !== 'refused') hold(() => void (res.headersSent || writeHead(...args)));
    return res;
  }) as Response['writeHead'];
  res.write = ((...args: Passed) => {
    if (state === 'released') return write(...args);
    if (state !== 'refused') hold(() => write(...args));
    return true;
  }) as Response['write'];
  res.end = ((...args: Passed) => {
    if (state === 'released') return end(...args);
    if (state !== 'refused') hold(() => end(...args));
    return res;
  }) as Response['end'];
}
