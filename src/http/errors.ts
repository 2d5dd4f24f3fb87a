/**
 * Every failure becomes a GpcError here, so one middleware renders every OperationOutcome. Client
 * faults found by Express's body reader map to their codes; anything else is a 500 that logs the
 * cause and never shows it.
 */
import type { ErrorRequestHandler } from 'express';

import { GpcError } from '../fhir/gpc-error';
import type { Logger } from '../logger';
import { sendError } from './respond';

interface HttpErrorLike {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
}

function fromBodyReader(error: HttpErrorLike): GpcError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new GpcError('PAYLOAD_TOO_LARGE', 'Request body exceeds the size this server accepts');
    case 'encoding.unsupported':
      return new GpcError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Content-Encoding or charset of the request body is not supported',
      );
    case 'charset.unsupported':
      return new GpcError('UNSUPPORTED_MEDIA_TYPE', 'The charset of the request body must be utf-8');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new GpcError('BAD_REQUEST', 'The request body could not be read');
    default:
      // Other 4xx raised by Express itself (e.g. a malformed gzip body) are the client's to fix.
      if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
        return new GpcError('BAD_REQUEST', 'The request could not be read');
      }
      return undefined;
  }
}

export function toGpcError(error: unknown): GpcError | undefined {
  if (error instanceof GpcError) return error;
  if (typeof error === 'object' && error !== null) return fromBodyReader(error);
  return undefined;
}

/** The underlying fault kept by GpcError.withCause, as a log field: its message and code. */
function causeOf(error: GpcError): { message: string; code?: string } | undefined {
  const cause: unknown = (error as { cause?: unknown }).cause;
  if (cause === undefined) return undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return { message: cause.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: typeof cause === 'string' ? cause : `a thrown ${typeof cause}` };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = toGpcError(error);
    const rendered =
      known ??
      new GpcError(
        'INTERNAL_SERVER_ERROR',
        'The server could not complete this request; it has been logged for investigation',
      );
    if (!known) {
      logger.error('unhandled error', {
        traceId: req.header('Ssp-TraceID'),
        error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
      });
    } else if (known.status >= 500) {
      // A server-side fault the client was told about only in general terms (the store is down or
      // slow): the log says what happened. The cause's message and code only, never the statement.
      logger.log(known.status === 503 ? 'warn' : 'error', 'request failed', {
        traceId: req.header('Ssp-TraceID'),
        spineCode: known.spineCode,
        diagnostics: known.diagnostics,
        cause: causeOf(known),
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(req, res, rendered);
  };
}
