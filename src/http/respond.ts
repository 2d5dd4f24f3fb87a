/** Writing FHIR responses: the exact Content-Type, no-store, and errors from the one Spine table. */
import type { Request, Response } from 'express';
import type { Resource } from 'fhir/r3';

import {
  answerFormat,
  CONTENT_TYPES,
  type NegotiationInput,
  type WireFormat,
} from '../fhir/content-negotiation';
import { type GpcError } from '../fhir/gpc-error';
import { errorOutcome } from '../fhir/operation-outcome';
import { toFhirXmlBytes } from '../fhir/xml/write-xml';

/** A resource in the wire format asked for. */
export function serialise(resource: Resource, format: WireFormat): Buffer {
  return format === 'xml' ? toFhirXmlBytes(resource) : Buffer.from(JSON.stringify(resource), 'utf8');
}

/**
 * The format this response is written in: the one the gate negotiated, else (an error raised before
 * or during negotiation) what the request asks for, JSON when it names nothing we serve.
 */
export function formatFor(req: Request, res: Response): WireFormat {
  const negotiated = res.locals.format as WireFormat | undefined;
  return negotiated ?? answerFormat(negotiationOf(req));
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** What a request says about formats: `_format`, Accept and Content-Type. */
export function negotiationOf(req: Request): NegotiationInput {
  return {
    formatParameter: firstString(req.query?._format),
    accept: req.header('Accept'),
    contentType: req.header('Content-Type'),
  };
}

/**
 * An answer's bytes: one Buffer, or several to be sent one after another (a large Bundle written a
 * slice at a time, src/http/serialise-bundle.ts), which saves copying them all into one.
 */
export type Bytes = Buffer | readonly Buffer[];

function isBytes(body: Resource | Bytes): body is Bytes {
  return Buffer.isBuffer(body) || Array.isArray(body);
}

/** How many bytes they are. */
export function byteLength(bytes: Bytes): number {
  if (Buffer.isBuffer(bytes)) return bytes.length;
  let length = 0;
  for (const chunk of bytes) length += chunk.length;
  return length;
}

/** Sends a resource, or bytes already serialised in `format`, with the exact header the spec asks for. */
export function sendFhir(res: Response, status: number, body: Resource | Bytes, format: WireFormat): void {
  const bytes = isBytes(body) ? body : serialise(body, format);
  res.status(status);
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Length', String(byteLength(bytes)));
  if (Buffer.isBuffer(bytes)) {
    res.end(bytes);
    return;
  }
  // Written one after another, not corked into one writev: compression, when it is asked for, waits
  // for the connection's drain once the socket holds enough, which a corked socket never gives.
  for (let i = 0; i < bytes.length - 1; i++) res.write(bytes[i]);
  res.end(bytes[bytes.length - 1]);
}

export function sendError(req: Request, res: Response, error: GpcError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.locals.spineCode = error.spineCode;
  sendFhir(res, error.status, errorOutcome(error.spineCode, error.diagnostics), formatFor(req, res));
}
