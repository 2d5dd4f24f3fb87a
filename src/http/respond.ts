/** Writing FHIR responses: the exact Content-Type, no-store, and errors from the one Spine table. */
import type { Response } from 'express';
import type { Resource } from 'fhir/r3';
import { FHIR_JSON_CONTENT_TYPE } from '../fhir/content-negotiation';
import { type GpcError } from '../fhir/gpc-error';
import { errorOutcome } from '../fhir/operation-outcome';

/** Sends pre-serialised or serialisable FHIR JSON with the exact header the spec asks for. */
export function sendFhir(res: Response, status: number, body: Resource | Buffer): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body), 'utf8');
  res.status(status);
  res.setHeader('Content-Type', FHIR_JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}

export function sendError(res: Response, error: GpcError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.locals.spineCode = error.spineCode;
  sendFhir(res, error.status, errorOutcome(error.spineCode, error.diagnostics));
}
