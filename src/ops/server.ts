/**
 * The HTTP server with timeouts against slow clients: a client that trickles its headers or body, or
 * holds an idle keep-alive connection, loses the connection instead of holding a socket and memory.
 * Faults Node finds before the app sees the request (headers too large, a request not received in
 * time, a malformed request line) still get an OperationOutcome, then the connection is closed.
 */
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { OpsConfig } from '../config';
import { FHIR_JSON_CONTENT_TYPE } from '../fhir/content-negotiation';
import { errorOutcome } from '../fhir/operation-outcome';
import { SPINE_CODES, type SpineCode } from '../fhir/spine-codes';

const CLIENT_FAULTS: Readonly<Record<string, readonly [SpineCode, string]>> = {
  HPE_HEADER_OVERFLOW: ['REQUEST_HEADERS_TOO_LARGE', 'The request headers are larger than this server accepts (16 KB)'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'The request was not received in time'],
};

/** Writes an OperationOutcome straight to the socket: there is no request object to answer through. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, diagnostics] = CLIENT_FAULTS[error.code ?? ''] ?? (['BAD_REQUEST', 'The request could not be read as HTTP'] as const);
  const status = SPINE_CODES[code].status;
  const body = JSON.stringify(errorOutcome(code, diagnostics));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: ${FHIR_JSON_CONTENT_TYPE}\r\nCache-Control: no-store\r\nConnection: close\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function createHttpServer(app: Express, config: OpsConfig): Server {
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      // Node checks those two timeouts on this interval (30 s by default, far coarser than them).
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    app,
  );
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.on('clientError', answerClientError);
  return server;
}
