/**
 * The FHIR endpoints under BASE_PATH, and the order every request is checked in (D-27 and D-A2):
 * route and verb, Ssp-* headers, admission (drain, maintenance, consumer rate), JWT, enablement,
 * content type, the body read, then the global limits (in flight, queue).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Resource } from 'fhir/r3';

import type { Clock } from '../clock';
import { formatOf, negotiateFormat, type WireFormat } from '../fhir/content-negotiation';
import { GpcError } from '../fhir/gpc-error';
import { truncate } from '../fhir/text';
import { parseFhirXml, XmlReadError } from '../fhir/xml/read-xml';
import {
  ODS_CODE,
  type PracticeSettings,
  type PracticeStore,
  type ServedPractice,
} from '../record/practices';
import type { Interaction } from '../spine/interactions';
import { jwtChecker, type JwtClaims } from '../spine/jwt';
import { checkSspHeaders, rawHeaderCount, type SspEnvelope } from '../spine/ssp-headers';
import type { FhirTarget } from './base-path';
import { type Bytes, negotiationOf, sendFhir } from './respond';

/** What the gate learned about one request; kept on res.locals for logging and audit. */
export interface GateResult {
  readonly interaction: Interaction;
  /** The practice named by the URL's ODS code, with its settings as they stood for this request. */
  readonly practice: ServedPractice;
  readonly envelope: SspEnvelope;
  readonly claims: JwtClaims;
}

/** The format of the answer (negotiated) and of the request body (its Content-Type; JSON when none). */
export interface Formats {
  readonly answer: WireFormat;
  readonly body: WireFormat;
}

/** A handler's answer when it has written the response itself (a 202, a manifest, a streamed file). */
export const RESPONSE_SENT = Symbol('response sent');

export interface FhirEndpoint {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly interaction: Interaction;
  /**
   * Whether the answer is a FHIR resource in a negotiated format (the default). The bulk export's
   * status and files are not (a JSON manifest, NDJSON): their Accept is not negotiated, errors are JSON.
   */
  readonly negotiates?: boolean;
  /**
   * Produces the response resource (or its bytes in `formats.answer`) for a request that passed the
   * gate; `body` is the request body, read (and inflated) before the request took its in-flight slot.
   */
  readonly handle: (
    req: Request,
    res: Response,
    gate: GateResult,
    formats: Formats,
    body: Buffer,
  ) => Promise<Resource | Bytes | typeof RESPONSE_SENT>;
}

/** Endpoints whose path carries parameters (the bulk export's job and file), one per verb. */
export interface FhirPatternRoute {
  /** Matched against the whole path below the practice's base. */
  readonly pattern: RegExp;
  readonly endpoints: readonly FhirEndpoint[];
}

/** An endpoint whose path carries a logical id (a FHIR read): `/Patient/[id]`. */
export interface FhirReadEndpoint extends FhirEndpoint {
  /** The resource type: the first path segment. */
  readonly resourceType: string;
}

/** A FHIR logical id (FHIR STU3 `id` datatype). */
const LOGICAL_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export interface FhirRoutesDeps {
  readonly clock: Clock;
  readonly endpoints: Readonly<Record<string, FhirEndpoint>>;
  readonly practices: PracticeStore;
  /** Reads by resource type; matched after the exact paths, so `/Patient/$gpc…` is never a read. */
  readonly reads?: readonly FhirReadEndpoint[];
  /** Matched after the exact paths and the reads. */
  readonly patterns?: readonly FhirPatternRoute[];
  /**
   * Drain, maintenance and the consumer's rate (src/ops/admission.ts): runs once the Ssp-* headers
   * identify the consumer, before the JWT is decoded or the body read. Throws a GpcError.
   */
  readonly admit?: (req: Request, res: Response, envelope: SspEnvelope) => void;
  /** The global limits (in flight, queueing delay): once the body has been read. Throws a GpcError. */
  readonly acquireSlot?: (res: Response) => Promise<void>;
  /** Reads a POST body (bounded in size and time). */
  readonly readBody: (req: Request, res: Response) => Promise<Buffer>;
}

function checkEnablement(settings: PracticeSettings, interaction: Interaction): void {
  if (!settings.gpConnectEnabled) {
    throw new GpcError('ACCESS DENIED', 'GP Connect is disabled at this practice.');
  }
  if (interaction.capability === 'structured' && !settings.structuredEnabled) {
    throw new GpcError(
      'ACCESS DENIED',
      'The Access Record Structured capability is disabled at this practice.',
    );
  }
}

/** The response format, and for a POST the body's format (JSON when no Content-Type is sent). */
function checkFormats(req: Request, method: FhirEndpoint['method']): Formats {
  const negotiated = negotiateFormat(negotiationOf(req));
  if (typeof negotiated === 'object') {
    throw new GpcError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${truncate(negotiated.unsupported)} is not a supported FHIR format; ` +
        'use application/fhir+json or application/fhir+xml',
    );
  }
  const contentType = req.header('Content-Type');
  if (method !== 'POST' || contentType === undefined || contentType.trim() === '') {
    return { answer: negotiated, body: 'json' };
  }
  const body = formatOf(contentType);
  if (body !== 'json' && body !== 'xml') {
    throw new GpcError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${truncate(contentType)} is not supported; ` +
        'send application/fhir+json or application/fhir+xml',
    );
  }
  return { answer: negotiated, body };
}

/** Operations of this capability that this provider does not implement: 501 NOT_IMPLEMENTED (D-26). */
const NOT_IMPLEMENTED_OPERATIONS: ReadonlySet<string> = new Set([
  '/Patient/$gpc.migratestructuredrecord',
  '/Patient/%24gpc.migratestructuredrecord',
]);

/** The practice the URL names, or 404 ORGANISATION_NOT_FOUND (docs/decisions.md, "Many practices"). */
async function practiceOf(practices: PracticeStore, odsCode: string): Promise<ServedPractice> {
  const practice = ODS_CODE.test(odsCode) ? await practices.find(odsCode) : undefined;
  if (!practice) {
    throw new GpcError(
      'ORGANISATION_NOT_FOUND',
      `No practice with ODS code ${truncate(odsCode, 20)} is served at this endpoint`,
    );
  }
  return practice;
}

/**
 * The FHIR routes under the base path template: exact, case-sensitive paths below it; an unknown path
 * or verb is a 400 OperationOutcome, an ODS code the store does not hold a 404. The promise settles
 * once the handler has, and a failure has been handed to the error middleware (graceful shutdown
 * waits for it, D-SD1).
 */
export function fhirRoutes(
  deps: FhirRoutesDeps,
): (req: Request, res: Response, next: NextFunction, target: FhirTarget) => Promise<void> {
  const { clock, endpoints } = deps;
  // One memo of passed tokens per app (src/spine/jwt.ts), so two apps in one process share nothing.
  const jwt = jwtChecker();
  const reads = new Map((deps.reads ?? []).map((r) => [r.resourceType, r]));
  const readEndpoint = (path: string): FhirEndpoint | undefined => {
    const [, type, id, ...rest] = path.split('/');
    return rest.length === 0 && id !== undefined && LOGICAL_ID.test(id) ? reads.get(type) : undefined;
  };
  const patternEndpoint = (path: string, method: string): FhirEndpoint | undefined => {
    const route = deps.patterns?.find((p) => p.pattern.test(path));
    return route && (route.endpoints.find((e) => e.method === method) ?? route.endpoints[0]);
  };
  return (req, res, next, target) => {
    const exact = Object.prototype.hasOwnProperty.call(endpoints, target.path);
    const endpoint = exact
      ? endpoints[target.path]
      : (readEndpoint(target.path) ?? patternEndpoint(target.path, req.method));
    // The path below the practice's base, for endpoints that read it (logicalIdOf).
    res.locals.fhirPath = target.path;
    const run = async () => {
      if (!endpoint) {
        if (req.method === 'POST' && NOT_IMPLEMENTED_OPERATIONS.has(target.path)) {
          throw new GpcError(
            'NOT_IMPLEMENTED',
            'Patient/$gpc.migratestructuredrecord is not implemented by this provider',
          );
        }
        throw new GpcError(
          'BAD_REQUEST',
          `Unknown resource or operation: ${req.method} ${truncate(target.path)}`,
        );
      }
      if (req.method !== endpoint.method) {
        throw new GpcError(
          'BAD_REQUEST',
          `HTTP verb ${truncate(req.method)} is not supported for ${target.path}; use ${endpoint.method}`,
        );
      }
      res.locals.interaction = endpoint.interaction;
      const practice = await practiceOf(deps.practices, target.odsCode);
      res.locals.odsCode = practice.odsCode;
      // Ssp-To: its format first (1 to 12 digits), then equality with this practice's ASID.
      const envelope = checkSspHeaders(
        (name) => req.header(name),
        endpoint.interaction,
        practice.settings.asid,
        rawHeaderCount(req.rawHeaders),
      );
      res.locals.envelope = envelope;
      deps.admit?.(req, res, envelope);
      const claims = jwt.check(req.header('Authorization'), endpoint.interaction, clock.now());
      const gate: GateResult = { interaction: endpoint.interaction, practice, envelope, claims };
      res.locals.gate = gate;
      checkEnablement(practice.settings, endpoint.interaction);
      const formats: Formats =
        endpoint.negotiates === false ? { answer: 'json', body: 'json' } : checkFormats(req, endpoint.method);
      res.locals.format = formats.answer;
      const body = endpoint.method === 'POST' ? await deps.readBody(req, res) : Buffer.alloc(0);
      await deps.acquireSlot?.(res);
      const answer = await endpoint.handle(req, res, gate, formats, body);
      if (answer !== RESPONSE_SENT) sendFhir(res, 200, answer, formats.answer);
    };
    return run().catch(next);
  };
}

/**
 * Reads the raw request body once the gate has passed: at most `limit` bytes after gzip/deflate
 * inflation (so a gzip bomb stops at the limit with 413), within `timeoutMs` of starting (408, and the
 * connection is closed so a trickling client holds nothing more).
 */
export function bodyReader(
  limit: number,
  timeoutMs: number,
): (req: Request, res: Response) => Promise<Buffer> {
  const raw = express.raw({ type: () => true, limit });
  return (req, res) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new GpcError('REQUEST_TIMEOUT', `The request body was not received within ${timeoutMs} ms`, {
            Connection: 'close',
          }),
        );
      }, timeoutMs);
      raw(req, res, (error?: unknown) => {
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new Error('request body could not be read'));
        else resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      });
    });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bodyText(bytes: Buffer): string {
  if (bytes.length === 0)
    throw new GpcError('INVALID_RESOURCE', 'Request body is empty; send a FHIR Parameters resource');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new GpcError('INVALID_RESOURCE', 'Request body is not valid UTF-8');
  }
}

/** JSON body → value; anything that is not UTF-8 JSON is INVALID_RESOURCE (V1, D-17). */
export function parseJsonBody(bytes: Buffer): unknown {
  const text = bodyText(bytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new GpcError('INVALID_RESOURCE', 'Request body could not be parsed as JSON');
  }
}

/**
 * XML body → the JSON form of the resource, so that every later check treats it exactly as its JSON
 * twin; XML that is not well-formed, carries a DOCTYPE or is not FHIR is INVALID_RESOURCE (V1, D-17).
 */
export function parseXmlBody(bytes: Buffer): unknown {
  const text = bodyText(bytes);
  try {
    return parseFhirXml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof XmlReadError) {
      const detail = truncate(error.message, 300);
      throw new GpcError('INVALID_RESOURCE', `Request body could not be parsed as FHIR XML: ${detail}`);
    }
    throw error;
  }
}

/** The request body in the format its Content-Type names. */
export function parseBody(bytes: Buffer, format: WireFormat): unknown {
  return format === 'xml' ? parseXmlBody(bytes) : parseJsonBody(bytes);
}

/** The logical id of a read's path (`/Patient/abc` → `abc`); the router has already checked its syntax. */
export function logicalIdOf(res: Response): string {
  const path: unknown = res.locals.fhirPath;
  return typeof path === 'string' ? (path.split('/')[2] ?? '') : '';
}
