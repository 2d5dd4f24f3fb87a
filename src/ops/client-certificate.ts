/**
 * Mutual TLS on the FHIR listener (D-41). GP Connect's JWT is unsigned by design: the security
 * boundary is the Spine Secure Proxy's client certificate. TLS_CERT_FILE and TLS_KEY_FILE make the
 * listener HTTPS (TLS 1.2 or later); TLS_CLIENT_CA_FILE makes the handshake require a client
 * certificate issued by that CA; TLS_CLIENT_NAMES then pins which certificates (by CN or DNS
 * subjectAltName) may call. Certificates are read again on SIGHUP (main.ts).
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TLSSocket } from 'node:tls';

import type { RequestHandler } from 'express';

import type { TlsConfig } from '../config';
import { GpcError } from '../fhir/gpc-error';
import { truncate } from '../fhir/text';

/** The files as the TLS layer needs them; throws (with the file named) when one cannot be read. */
export function readTlsContext(tls: TlsConfig): SecureContextOptions {
  const read = (setting: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      throw new Error(`${setting} ${file} cannot be read: ${cause}`);
    }
  };
  return {
    cert: read('TLS_CERT_FILE', tls.certFile),
    key: read('TLS_KEY_FILE', tls.keyFile),
    ...(tls.clientCaFile !== undefined ? { ca: read('TLS_CLIENT_CA_FILE', tls.clientCaFile) } : {}),
  };
}

/** Options for https.createServer. */
export function tlsServerOptions(tls: TlsConfig) {
  const requireClient = tls.clientCaFile !== undefined;
  return {
    ...readTlsContext(tls),
    minVersion: 'TLSv1.2' as const,
    // The handshake fails for no certificate, or one not issued by TLS_CLIENT_CA_FILE.
    requestCert: requireClient,
    rejectUnauthorized: requireClient,
  };
}

/** The names a peer certificate is known by: its subject CN and its DNS subjectAltNames. */
export function certificateNames(certificate: {
  subject?: { CN?: string | string[] };
  subjectaltname?: string;
}): string[] {
  const cn = certificate.subject?.CN;
  const names = Array.isArray(cn) ? [...cn] : cn !== undefined ? [cn] : [];
  for (const entry of (certificate.subjectaltname ?? '').split(',')) {
    const match = /^\s*DNS:(.+)$/.exec(entry);
    if (match) names.push(match[1].trim());
  }
  return names;
}

/** 403 ACCESS DENIED for a client certificate whose names are not among TLS_CLIENT_NAMES. */
export function clientNameCheck(allowed: readonly string[]): RequestHandler {
  const accepted = new Set(allowed.map((n) => n.toLowerCase()));
  return (req, _res, next) => {
    const socket = req.socket as Partial<TLSSocket>;
    const certificate = socket.getPeerCertificate?.();
    const names = certificate ? certificateNames(certificate) : [];
    if (names.some((n) => accepted.has(n.toLowerCase()))) {
      next();
      return;
    }
    const shown = names.length > 0 ? names.map((n) => truncate(n, 64)).join(', ') : 'none';
    const diagnostics = `The client certificate (names: ${shown}) is not one this provider accepts`;
    next(new GpcError('ACCESS DENIED', diagnostics));
  };
}
