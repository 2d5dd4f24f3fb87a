/**
 * compression() without its per-request machinery when the request cannot get a compressed answer
 * (issue 15: work per request that does nothing for most requests). A request without
 * Accept-Encoding (or with an empty one) is always answered in identity: compression() then neither
 * negotiates nor wraps the body; all it does is add `Vary: Accept-Encoding` when the headers are
 * written, if the answer is of a compressible type and not `Cache-Control: no-transform`. That is
 * what this does for such a request, at the same moment (the first writeHead, which Node's implicit
 * headers also go through, and which end() calls first, as compression() does); any other request
 * goes through compression() itself.
 */
import compression from 'compression';
import type { RequestHandler, Response } from 'express';

/** compression()'s test for `Cache-Control: no-transform` (RFC 7234 section 5.2.2.4). */
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;

type WriteHead = (this: Response, ...args: unknown[]) => Response;
type End = (this: Response, chunk?: unknown, encoding?: unknown) => Response;

/**
 * Headers given to writeHead itself are set on the response first, as compression()'s on-headers
 * does, so the Vary decision sees them; returns the arguments left for Node's writeHead.
 */
function setWriteHeadHeaders(res: Response, args: unknown[]): unknown[] {
  const at = args.length > 1 && typeof args[1] === 'string' ? 2 : 1;
  const headers = args.length > at ? args[at] : undefined;
  res.statusCode = args[0] as number;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const [name, value] of headers as [string, string][]) if (name) res.setHeader(name, value);
    } else {
      if (headers.length % 2 !== 0) throw new TypeError('headers array is malformed');
      const flat = headers as string[];
      for (let i = 0; i < flat.length; i += 2) res.removeHeader(flat[i]);
      for (let i = 0; i < flat.length; i += 2) if (flat[i]) res.appendHeader(flat[i], flat[i + 1]);
    }
  } else if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, string>))
      if (name) res.setHeader(name, value);
  }
  return args.slice(0, at);
}

/** What an identity response keeps: the methods it wraps, and whether Vary was decided. */
interface Identity {
  readonly writeHead: WriteHead;
  readonly end: End;
  fired: boolean;
}

/**
 * Where an identity response keeps its state. The wrappers are the same two functions for every
 * response, not closures made per response and set on it, which kept whole requests alive through
 * young-generation collections (docs/decisions.md D-SV2, as release-gate.ts).
 */
const IDENTITY = Symbol('identity answer');

type IdentityResponse = Response & { [IDENTITY]: Identity };

// compression() writes the headers before it hands the last chunk on, so Node never sees the
// body's length: without Content-Length such an answer is chunked. The same here.
function identityEnd(this: IdentityResponse, chunk?: unknown, encoding?: unknown): Response {
  if (!this.headersSent) this.writeHead(this.statusCode);
  return this[IDENTITY].end.call(this, chunk, encoding);
}

function identityWriteHead(this: IdentityResponse, ...given: unknown[]): Response {
  const identity = this[IDENTITY];
  const args = setWriteHeadHeaders(this, given);
  if (!identity.fired) {
    identity.fired = true;
    const cacheControl = this.getHeader('Cache-Control');
    if (compression.filter(this.req, this) && !(cacheControl && NO_TRANSFORM.test(String(cacheControl)))) {
      this.vary('Accept-Encoding');
    }
  }
  return identity.writeHead.apply(this, args);
}

export function compressAnswers(): RequestHandler {
  const full = compression();
  return (req, res, next) => {
    if (req.headers['accept-encoding']) {
      full(req, res, next);
      return;
    }
    // Taken off the response and called on it (`call`, `apply`), as compression() does.
    const { writeHead, end } = res as unknown as { writeHead: WriteHead; end: End };
    (res as IdentityResponse)[IDENTITY] = { writeHead, end, fired: false };
    res.end = identityEnd as Response['end'];
    res.writeHead = identityWriteHead as Response['writeHead'];
    next();
  };
}
