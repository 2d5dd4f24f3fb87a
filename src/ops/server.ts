/**
 * The HTTP(S) servers. The FHIR listener has timeouts against slow clients: a client that trickles
 * its headers or body, or holds an idle keep-alive connection, loses the connection instead of
 * holding a socket and memory. Faults Node finds before the app sees the request (headers too large,
 * a request not received in time, a malformed request line) still get an OperationOutcome, after an
 * audit record (`request.rejected`, D-40), then the connection is closed. With TLS settings the FHIR
 * listener is HTTPS with optional mutual TLS (client-certificate.ts); the admin listener is plain
 * HTTP on ADMIN_HOST.
 */
import { createServer, type Server,STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import type { Express } from 'express';

import type { AppConfig, OpsConfig } from '../config';
import { FHIR_JSON_CONTENT_TYPE } from '../fhir/content-negotiation';
import { errorOutcome } from '../fhir/operation-outcome';
import { SPINE_CODES, type SpineCode } from '../fhir/spine-codes';
import { truncate } from '../fhir/text';
import type { Logger } from '../logger';
import type { AuditLog } from './audit';
import { readTlsContext, tlsServerOptions } from './client-certificate';

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

/** Writes an OperationOutcome straight to the socket: there is no request object to answer through. */
export function answerClientError(
  error: NodeJS.ErrnoException,
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
  const body = JSON.stringify(errorOutcome(code, diagnostics));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: ${FHIR_JSON_CONTENT_TYPE}\r\nCache-Control: no-store\r\nConnection: close\r\n` +
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
  readonly audit: AuditLog;
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
  };
  const server: FhirServer = config.tls
    ? createHttpsServer({ ...options, ...tlsServerOptions(config.tls) }, app)
    : createServer(options, app);
  server.keepAliveTimeout = ops.keepAliveTimeoutMs;
  const inApp = new WeakSet<object>();
  type Closing = { once: (event: 'close', done: () => void) => void };
  server.on('request', (req: { socket: object }, res: Closing) => {
    inApp.add(req.socket);
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
