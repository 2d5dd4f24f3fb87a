/**
 * CORS for the FHIR base (the CapabilityStatement says `cors: true`, D-43). With a fixed origin (`*`)
 * the headers of an actual (non-preflight) response never depend on the request, so they are
 * composed once, by running cors() against a recording response at start, and set directly on each
 * response (issue 15, as helmet's are in security-headers.ts). A browser's preflight still goes
 * through cors() itself.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';

import { recordedHeaders } from './recorded-headers';

export interface CorsHandlers {
  /** The headers cors() sets on an actual response, in its order. */
  readonly actual: ReadonlyArray<readonly [string, string]>;
  /** cors() itself: answers a preflight (204). */
  readonly preflight: RequestHandler;
}

export function corsHandlers(options: cors.CorsOptions): CorsHandlers {
  if (typeof options.origin !== 'string') {
    // Another origin setting would make the headers depend on the request's Origin.
    throw new Error('corsHandlers needs a fixed origin');
  }
  const preflight = cors(options);
  const actual = recordedHeaders('cors()', preflight, { method: 'GET', headers: {} });
  return { actual, preflight };
}
