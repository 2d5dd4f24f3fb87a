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

/** What the gate holds for one response: its state, the writes held, and the methods it wraps. */
interface Gate {
  state: 'open' | 'waiting' | 'released' | 'refused';
  readonly held: (() => void)[];
  readonly options: ReleaseGateOptions;
  readonly write: (...args: Passed) => boolean;
  readonly end: (...args: Passed) => Response;
  readonly writeHead: (...args: Passed) => Response;
}

/**
 * Where a gated response keeps its Gate. The wrappers below are the same three functions for every
 * response and find the response's state here, rather than three closures made per response and set
 * on it: closures over a request's state set as the response's own methods kept whole requests alive
 * through young-generation collections, promoting some 7 MB per scavenge (docs/decisions.md D-SV2).
 */
const GATE = Symbol('release gate');

type Gated = Response & { [GATE]: Gate };

function release(gate: Gate): void {
  gate.state = 'released';
  for (const call of gate.held.splice(0)) call();
}

function refuse(res: Gated, gate: Gate, error: unknown): void {
  gate.state = 'refused';
  gate.held.length = 0;
  gate.options.onRefused(error);
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
  res.setHeader('Retry-After', String(gate.options.retryAfterSeconds));
  res.setHeader('Content-Length', String(body.length));
  res.locals.spineCode = 'SERVICE_UNAVAILABLE';
  gate.writeHead.call(res, 503);
  gate.end.call(res, body);
}

function hold(res: Gated, gate: Gate, call: () => void): void {
  gate.held.push(call);
  if (gate.state !== 'open') return;
  gate.state = 'waiting';
  gate.options.beforeRelease().then(
    () => release(gate),
    (error: unknown) => refuse(res, gate, error),
  );
}

function gatedWriteHead(this: Gated, ...args: Passed): Response {
  const gate = this[GATE];
  if (gate.state === 'released') return gate.writeHead.apply(this, args);
  // Compression asks for the headers before each write until they are really sent: while held, it
  // asks more than once, and only the first may go (a second would throw ERR_HTTP_HEADERS_SENT).
  if (gate.state !== 'refused')
    hold(this, gate, () => void (this.headersSent || gate.writeHead.apply(this, args)));
  return this;
}

function gatedWrite(this: Gated, ...args: Passed): boolean {
  const gate = this[GATE];
  if (gate.state === 'released') return gate.write.apply(this, args);
  if (gate.state !== 'refused') hold(this, gate, () => gate.write.apply(this, args));
  return true;
}

function gatedEnd(this: Gated, ...args: Passed): Response {
  const gate = this[GATE];
  if (gate.state === 'released') return gate.end.apply(this, args);
  if (gate.state !== 'refused') hold(this, gate, () => gate.end.apply(this, args));
  return this;
}

export function gateRelease(res: Response, options: ReleaseGateOptions): void {
  // The methods as they stand (the prototype's, or a wrapper set before), called on the response.
  const { write, end, writeHead } = res as unknown as Pick<Gate, 'write' | 'end' | 'writeHead'>;
  (res as Gated)[GATE] = { state: 'open', held: [], options, write, end, writeHead };
  res.writeHead = gatedWriteHead as Response['writeHead'];
  res.write = gatedWrite as Response['write'];
  res.end = gatedEnd as Response['end'];
}
