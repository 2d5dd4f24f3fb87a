/**
 * The FHIR endpoints under BASE_PATH, and the order every request is checked in (D-27): route and verb, Ssp-*
 * headers, admission (throttle, shed, maintenance), JWT, enablement, content type, then the body.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Resource } from 'fhir/r3';

import type { Clock } from '../clock';
import type { AppConfig } from '../config';
import { formatOf, negotiateFormat } from '../fhir/content-negotiation';
import { GpcError } from '../fhir/gpc-error';
import { truncate } from '../fhir/text';
import type { Interaction } from '../spine/interactions';
import { checkJwt, type JwtClaims } from '../spine/jwt';
import { checkSspHeaders, type SspEnvelope } from '../spine/ssp-headers';
import { sendFhir } from './respond';

/** What the gate learned about one request; kept on res.locals for logging and audit. */
export interface GateResult {
  readonly interaction: Interaction;
  readonly envelope: SspEnvelope;
  readonly claims: JwtClaims;
}

export interface FhirEndpoint {
  readonly method: 'GET' | 'POST';
  readonly interaction: Interaction;
  /** Produces the response resource (or pre-serialised JSON) for a request that passed the gate. */
  readonly handle: (req: Request, res: Response, gate: GateResult) => Promise<Resource | Buffer>;
}

/** An endpoint whose path carries a logical id (a FHIR read): `/Patient/[id]`. */
export interface FhirReadEndpoint extends FhirEndpoint {
  /** The resource type: the first path segment. */
  readonly resourceType: string;
}

/** A FHIR logical id (FHIR STU3 `id` datatype). */
const LOGICAL_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export interface FhirRoutesDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly endpoints: Readonly<Record<string, FhirEndpoint>>;
  /** Reads by resource type; matched after the exact paths, so `/Patient/$gpc…` is never a read. */
  readonly reads?: readonly FhirReadEndpoint[];
  /**
   * Throttling, load shedding, maintenance and drain (src/ops/admission.ts): runs once the Ssp-*
   * headers identify the consumer, before the JWT is decoded or the body read. Throws a GpcError.
   */
  readonly admit?: (req: Request, res: Response, envelope: SspEnvelope) => void;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function checkEnablement(config: AppConfig, interaction: Interaction): void {
  if (!config.gpConnectEnabled) {
    throw new GpcError('ACCESS DENIED', 'GP Connect is disabled at this practice.');
  }
  if (interaction.capability === 'structured' && !config.structuredEnabled) {
    throw new GpcError('ACCESS DENIED', 'The Access Record Structured capability is disabled at this practice.');
  }
}

function checkFormats(req: Request, method: 'GET' | 'POST'): void {
  const negotiated = negotiateFormat({
    formatParameter: firstString(req.query._format),
    accept: req.header('Accept'),
    contentType: req.header('Content-Type'),
  });
  if (negotiated === 'xml') {
    throw new GpcError('UNSUPPORTED_MEDIA_TYPE', 'application/fhir+xml is not supported; request application/fhir+json');
  }
  if (typeof negotiated === 'object') {
    throw new GpcError('UNSUPPORTED_MEDIA_TYPE', `${truncate(negotiated.unsupported)} is not a supported FHIR format; use application/fhir+json`);
  }
  const contentType = req.header('Content-Type');
  if (method === 'POST' && contentType !== undefined && contentType.trim() !== '' && formatOf(contentType) !== 'json') {
    throw new GpcError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${truncate(contentType)} is not supported; send application/fhir+json`,
    );
  }
}

/** Operations of this capability that this provider does not implement: 501 NOT_IMPLEMENTED (D-26). */
const NOT_IMPLEMENTED_OPERATIONS: ReadonlySet<string> = new Set([
  '/Patient/$gpc.migratestructuredrecord',
  '/Patient/%24gpc.migratestructuredrecord',
]);

/** A router for BASE_PATH: exact, case-sensitive paths; an unknown path or verb is a 400 OperationOutcome. */
export function fhirRoutes(deps: FhirRoutesDeps): RequestHandler {
  const { config, clock, endpoints } = deps;
  const reads = new Map((deps.reads ?? []).map((r) => [r.resourceType, r]));
  const readEndpoint = (path: string): FhirEndpoint | undefined => {
    const [, type, id, ...rest] = path.split('/');
    return rest.length === 0 && id !== undefined && LOGICAL_ID.test(id) ? reads.get(type) : undefined;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const exact = Object.prototype.hasOwnProperty.call(endpoints, req.path);
    const endpoint = exact ? endpoints[req.path] : readEndpoint(req.path);
    const run = async () => {
      if (!endpoint) {
        if (req.method === 'POST' && NOT_IMPLEMENTED_OPERATIONS.has(req.path)) {
          throw new GpcError('NOT_IMPLEMENTED', 'Patient/$gpc.migratestructuredrecord is not implemented by this provider');
        }
        throw new GpcError('BAD_REQUEST', `Unknown resource or operation: ${req.method} ${truncate(req.path)}`);
      }
      if (req.method !== endpoint.method) {
        throw new GpcError('BAD_REQUEST', `HTTP verb ${truncate(req.method)} is not supported for ${req.path}; use ${endpoint.method}`);
      }
      res.locals.interaction = endpoint.interaction;
      const envelope = checkSspHeaders((name) => req.header(name), endpoint.interaction, config.providerAsid);
      res.locals.envelope = envelope;
      deps.admit?.(req, res, envelope);
      const claims = checkJwt(req.header('Authorization'), endpoint.interaction, clock.now());
      const gate: GateResult = { interaction: endpoint.interaction, envelope, claims };
      res.locals.gate = gate;
      checkEnablement(config, endpoint.interaction);
      checkFormats(req, endpoint.method);
      sendFhir(res, 200, await endpoint.handle(req, res, gate));
    };
    run().catch(next);
  };
}

/** Reads the raw request body (at most `limit` bytes, gzip/deflate inflated) once the gate has passed. */
export function bodyReader(limit: number): (req: Request, res: Response) => Promise<Buffer> {
  const raw = express.raw({ type: () => true, limit });
  return (req, res) =>
    new Promise((resolve, reject) => {
      raw(req, res, (error?: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error('request body could not be read'));
        else resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      });
    });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** JSON body → value; anything that is not UTF-8 JSON is INVALID_RESOURCE (V1, D-17). */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new GpcError('INVALID_RESOURCE', 'Request body is empty; send a FHIR Parameters resource');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new GpcError('INVALID_RESOURCE', 'Request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GpcError('INVALID_RESOURCE', 'Request body could not be parsed as JSON');
  }
}


/** The logical id of a read's path (`/Patient/abc` → `abc`); the router has already checked its syntax. */
export function logicalIdOf(path: string): string {
  return path.split('/')[2] ?? '';
}
