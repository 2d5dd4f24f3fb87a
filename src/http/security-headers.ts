/**
 * helmet()'s headers, composed once per process instead of by its dozen middleware on every request:
 * with its default options none of them depends on the request, so the same values are set directly
 * (issue 15: middleware that does nothing per request for this API). helmet stays the source of
 * truth: the headers are whatever helmet() sets, read from one run against a recording response.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

import { recordedHeaders } from './recorded-headers';

/** The headers helmet() sets with its default options, in the order it sets them. */
export function helmetHeaders(): ReadonlyArray<readonly [string, string]> {
  return recordedHeaders('helmet()', helmet(), {});
}

/** Cache-Control: no-store, then helmet's headers, on every response. */
export function staticHeaders(): RequestHandler {
  const headers = [['Cache-Control', 'no-store'] as const, ...helmetHeaders()];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
