/**
 * The HTTP server with timeouts against slow clients: a client that trickles its headers or body, or
 * holds an idle keep-alive connection, loses the connection instead of holding a socket and memory.
 * Faults Node finds before the app sees the request (headers too large, a request not received in
 * time, a malformed request line) still get an OperationOutcome, then the connection is closed.
 */
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { OpsConfig } from '../config';
import { answerFormat, CONTENT_TYPES, type WireFormat } from '../fhir/content-negotiation';
import { errorOutcome } from '../fhir/operation-outcome';
import { SPINE_CODES, type SpineCode } from '../fhir/spine-codes';
import { toFhirXml } from '../fhir/xml/write-xml';

/** The format a request asks for, from its target URL and headers (as in respond.ts, without Express). */
function requestedFormat(url: string | undefined, headers: IncomingHttpHeaders): WireFormat {
  let formatParameter: string | undefined;
  const query = url?.indexOf('?') ?? -1;
  if (url && query >= 0) {
    try {
      formatParameter = new URLSearchParams(url.slice(query + 1)).get('_format') ?? undefined;
    } catch {
      formatParameter = undefined;
    }
  }
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return answerFormat({ formatParameter, accept: header('accept'), contentType: header('content-type') });
}

/**
 * The format asked for by the bytes Node read before it gave up (headers too large, a malformed
 * request): the request line's `_format` and whatever Accept or Content-Type arrived. JSON otherwise.
 */
export function formatOfRawRequest(raw: Buffer | undefined): WireFormat {
  if (!raw || raw.length === 0) return 'json';
  const lines = raw.subarray(0, 64 * 1024).toString('latin1').split('\r\n');
  const target = /^[A-Z]+ (\S+)/.exec(lines[0] ?? '')?.[1];
  const headers: IncomingHttpHeaders = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'accept' || name === 'content-type') headers[name] ??= line.slice(colon + 1).trim();
  }
  return requestedFormat(target, headers);
}

/** The format of the request each socket is busy with, for a timeout Node reports on the socket. */
const busySockets = new WeakMap<Duplex, WireFormat>();

const CLIENT_FAULTS: Readonly<Record<string, readonly [SpineCode, string]>> = {
  HPE_HEADER_OVERFLOW: ['REQUEST_HEADERS_TOO_LARGE', 'The request headers are larger than this server accepts (16 KB)'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'The request was not received in time'],
};

/**
 * Writes an OperationOutcome straight to the socket: there is no request object to answer through. It
 * is in XML when the request (as far as it was read) asked for XML.
 */
export function answerClientError(
  error: NodeJS.ErrnoException & { rawPacket?: Buffer },
  socket: Duplex,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, diagnostics] = CLIENT_FAULTS[error.code ?? ''] ?? (['BAD_REQUEST', 'The request could not be read as HTTP'] as const);
  const status = SPINE_CODES[code].status;
  const format = busySockets.get(socket) ?? formatOfRawRequest(error.rawPacket);
  const outcome = errorOutcome(code, diagnostics);
  const body = format === 'xml' ? toFhirXml(outcome) : JSON.stringify(outcome);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: ${CONTENT_TYPES[format]}\r\nCache-Control: no-store\r\nConnection: close\r\n` +
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
  // A request whose body never finishes is timed out by Node on its socket: remember what it asked for.
  server.on('request', (req, res) => {
    busySockets.set(req.socket, requestedFormat(req.url, req.headers));
    res.on('finish', () => busySockets.delete(req.socket));
  });
  server.on('clientError', answerClientError);
  return server;
}
