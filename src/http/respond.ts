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

/** Sends a resource, or bytes already serialised in `format`, with the exact header the spec asks for. */
export function sendFhir(res: Response, status: number, body: Resource | Buffer, format: WireFormat): void {
  const bytes = Buffer.isBuffer(body) ? body : serialise(body, format);
  res.status(status);
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}

export function sendError(req: Request, res: Response, error: GpcError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.locals.spineCode = error.spineCode;
  sendFhir(res, error.status, errorOutcome(error.spineCode, error.diagnostics), formatFor(req, res));
}
