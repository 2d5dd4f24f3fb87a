/**
 * The HTTP(S) servers. The FHIR listener has timeouts against slow clients: a client that trickles
 * its headers or body, or holds an idle keep-alive connection, loses the connection instead of
 * holding a socket and memory. Faults Node finds before the app sees the request (headers too large,
 * a request not received in time, a malformed request line) still get an OperationOutcome, after an
 * audit record (`request.rejected`, D-40), then the connection is closed. With TLS settings the FHIR
 * listener is HTTPS with optional mutual TLS (client-certificate.ts); the admin listener is plain
 * HTTP on ADMIN_HOST.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import type { Express } from 'express';

import type { AppConfig, OpsConfig } from '../config';
import { answerFormat, CONTENT_TYPES, type WireFormat } from '../fhir/content-negotiation';
import { errorOutcome } from '../fhir/operation-outcome';
import { SPINE_CODES, type SpineCode } from '../fhir/spine-codes';
import { truncate } from '../fhir/text';
import { toFhirXml } from '../fhir/xml/write-xml';
import { appMessageClasses } from '../http/app-messages';
import type { Logger } from '../logger';
import type { AuditTrail } from './audit-trail';
import { readTlsContext, tlsServerOptions } from './client-certificate';

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
  const lines = raw
    .subarray(0, 64 * 1024)
    .toString('latin1')
    .split('\r\n');
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

/**
 * The request each socket is busy with, for a timeout Node reports on the socket: its format is
 * worked out then, not for every request.
 */
const busySockets = new WeakMap<Duplex, IncomingMessage>();

const CLIENT_FAULTS: Readonly<Record<string, readonly [SpineCode, string]>> = {
  HPE_HEADER_OVERFLOW: [
    'REQUEST_HEADERS_TOO_LARGE',
    'The request headers are larger than this server accepts (16 KB)',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'The request was not received in time'],
};

const AUDIT_DOWN: readonly [SpineCode, string] = [
  'SERVICE_UNAVAILABLE',
  'The audit trail cannot be written, so no answer can be released; try again later',
];

function faultOf(error: NodeJS.ErrnoException): readonly [SpineCode, string] {
  const fault = CLIENT_FAULTS[error.code ?? ''];
  return fault ?? (['BAD_REQUEST', 'The request could not be read as HTTP'] as const);
}

/**
 * Writes an OperationOutcome straight to the socket: there is no request object to answer through. It
 * is in XML when the request (as far as it was read) asked for XML.
 */
export function answerClientError(
  error: NodeJS.ErrnoException & { rawPacket?: unknown },
  socket: Duplex,
  fault = faultOf(error),
  retryAfter?: number,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, diagnostics] = fault;
  const status = SPINE_CODES[code].status;
  const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
  const busy = busySockets.get(socket);
  const format = busy ? requestedFormat(busy.url, busy.headers) : formatOfRawRequest(raw);
  const outcome = errorOutcome(code, diagnostics);
  const body = format === 'xml' ? toFhirXml(outcome) : JSON.stringify(outcome);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: ${CONTENT_TYPES[format]}\r\nCache-Control: no-store\r\nConnection: close\r\n` +
      (retryAfter !== undefined ? `Retry-After: ${retryAfter}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The Ssp-TraceID in the bytes Node had read when it gave up on the request, if they hold one. */
export function traceIdIn(rawPacket: unknown): string | null {
  if (!Buffer.isBuffer(rawPacket)) return null;
  const text = rawPacket.subarray(0, 64 * 1024).toString('latin1');
  const match = /(?:^|\r\n)ssp-traceid[ \t]*:[ \t]*([^\r\n]{1,200})/i.exec(text);
  return match ? truncate(match[1].trim(), 64) : null;
}

export interface ServerDeps {
  readonly audit: AuditTrail;
  readonly logger: Logger;
}

/**
 * Audits a request Node rejected before the app saw it, then answers it (or, when the audit cannot be
 * written, answers 503 instead). A request the app already holds (a body that stopped arriving) is
 * the app's to audit when its response closes.
 */
function clientErrorHandler(deps: ServerDeps, inApp: WeakSet<object>, config: OpsConfig) {
  return (error: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Duplex) => {
    const fault = faultOf(error);
    if (inApp.has(socket)) {
      answerClientError(error, socket, fault);
      return;
    }
    const remote = socket as Partial<Socket>;
    deps.audit
      .record({
        type: 'request.rejected',
        traceId: traceIdIn(error.rawPacket),
        reason: error.code ?? 'unknown',
        outcome: { status: SPINE_CODES[fault[0]].status, spineCode: fault[0] },
        remoteAddress: remote.remoteAddress ?? null,
      })
      .then(
        () => answerClientError(error, socket, fault),
        (auditError: unknown) => {
          deps.logger.error('rejected request not audited', {
            reason: error.code,
            cause: auditError instanceof Error ? auditError.message : String(auditError),
          });
          answerClientError(error, socket, AUDIT_DOWN, config.retryAfterSeconds);
        },
      );
  };
}

export type FhirServer = Server | HttpsServer;

export function createHttpServer(app: Express, config: AppConfig, deps: ServerDeps): FhirServer {
  const ops = config.ops;
  const options = {
    requestTimeout: ops.requestTimeoutMs,
    headersTimeout: ops.headersTimeoutMs,
    // Node checks those two timeouts on this interval (30 s by default, far coarser than them).
    connectionsCheckingInterval: Math.min(1000, ops.headersTimeoutMs),
    // Requests and responses born with the app's prototypes, so their hidden classes are shared (D-RQ3).
    ...appMessageClasses(app),
  };
  const server: FhirServer = config.tls
    ? createHttpsServer({ ...options, ...tlsServerOptions(config.tls) }, app)
    : createServer(options, app);
  server.keepAliveTimeout = ops.keepAliveTimeoutMs;
  const inApp = new WeakSet<object>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inApp.add(req.socket);
    // A request whose body never finishes is timed out by Node on its socket: remember what it asked for.
    busySockets.set(req.socket, req);
    res.once('finish', () => busySockets.delete(req.socket));
    res.once('close', () => inApp.delete(req.socket));
  });
  server.on('clientError', clientErrorHandler(deps, inApp, ops));
  return server;
}

/**
 * Reads the certificate, key and client CA again (SIGHUP): new connections use them, open ones keep
 * theirs. A file that cannot be read leaves the running certificates in place; the error says why.
 */
export function reloadTls(server: FhirServer, config: AppConfig): void {
  if (!config.tls || !('setSecureContext' in server)) {
    throw new Error('TLS is not configured (TLS_CERT_FILE, TLS_KEY_FILE)');
  }
  server.setSecureContext(readTlsContext(config.tls));
}

export function createAdminServer(app: Express): Server {
  const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, app);
  server.keepAliveTimeout = 5_000;
  return server;
}
