/**
 * helmet()'s headers, composed once per process instead of by its dozen middleware on every request:
 * with its default options none of them depends on the request, so the same values are set directly
 * (issue 15: middleware that does nothing per request for this API). helmet stays the source of
 * truth: the headers are whatever helmet() sets, read from one run against a recording response.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** The headers helmet() sets with its default options, in the order it sets them. */
export function helmetHeaders(): ReadonlyArray<readonly [string, string]> {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let done = false;
  const middleware = helmet() as unknown as (
    req: object,
    res: object,
    next: (error?: unknown) => void,
  ) => void;
  middleware({}, recorder, (error) => {
    if (error) throw error instanceof Error ? error : new Error('helmet() failed');
    done = true;
  });
  // helmet's middleware are synchronous; if that ever changes, fail at start rather than send fewer headers.
  if (!done || headers.length === 0) throw new Error('helmet() did not set its headers synchronously');
  return headers;
}

/** Cache-Control: no-store, then helmet's headers, on every response. */
export function staticHeaders(): RequestHandler {
  const headers = [['Cache-Control', 'no-store'] as const, ...helmetHeaders()];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
