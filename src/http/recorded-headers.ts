/**
 * The headers a middleware sets when its headers never depend on the request (helmet with its
 * defaults, cors with a fixed origin): read once, at start, from one run against a recording
 * response, so they can be set directly on every response (issue 15). The middleware stays the
 * source of the values.
 */
type Middleware = (req: object, res: object, next: (error?: unknown) => void) => void;

/** The headers `middleware` sets for `req`, in the order it sets them. */
export function recordedHeaders(
  name: string,
  middleware: unknown,
  req: object,
): ReadonlyArray<readonly [string, string]> {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (header: string, value: unknown) => headers.push([header, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let done = false;
  (middleware as Middleware)(req, recorder, (error) => {
    if (error) throw error instanceof Error ? error : new Error(`${name} failed`);
    done = true;
  });
  // Synchronous today; if that ever changes, fail at start rather than send fewer headers.
  if (!done || headers.length === 0) throw new Error(`${name} did not set its headers synchronously`);
  return headers;
}
