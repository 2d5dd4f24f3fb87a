/**
 * createApp(deps): the composition root. All state lives in the deps passed in, so two apps in one
 * process (tests) never share anything.
 */
import { randomUUID } from 'node:crypto';

import type cors from 'cors';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import helmet from 'helmet';

import { ResourceMemo } from './bundle/engine/resource-memo';
import type { Clock } from './clock';
import { type AppConfig, OPS_PATHS } from './config';
import { GpcError } from './fhir/gpc-error';
import { truncate } from './fhir/text';
import { basePathMatcher, type FhirTarget } from './http/base-path';
import { compressAnswers } from './http/compress';
import { corsHandlers } from './http/cors-headers';
import { errorHandler } from './http/errors';
import {
  bodyReader,
  type FhirEndpoint,
  type FhirReadEndpoint,
  fhirRoutes,
  parseBody,
} from './http/fhir-routes';
import { byteLength, serialise } from './http/respond';
import { staticHeaders } from './http/security-headers';
import { serialiseBundle } from './http/serialise-bundle';
import type { Logger } from './logger';
import { type BulkExport, createBulkExport } from './operations/bulk-export/bulk-export';
import { bulkExportEndpoints } from './operations/bulk-export/export-endpoints';
import { foundationsEndpoints } from './operations/patient/endpoints';
import { capabilityStatement, type SoftwareInfo } from './operations/structured-record/capability-statement';
import { getStructuredRecord } from './operations/structured-record/get-structured-record';
import { admission } from './ops/admission';
import { askedFor } from './ops/asked-for';
import { clientNameCheck } from './ops/client-certificate';
import { codingSchemes } from './ops/coding-schemes';
import { liveness, readiness } from './ops/health';
import { requestObserver } from './ops/observe';
import { createOps, type Ops } from './ops/ops';
import { factsOf } from './ops/request-facts';
import { timeSlice } from './ops/time-slice';
import { TimedRepository } from './ops/timed-repository';
import type { PracticeStore } from './record/practices';
import { INTERACTIONS } from './spine/interactions';

export interface AppDeps {
  readonly config: AppConfig;
  /** Every practice served, each under its own ODS code. */
  readonly practices: PracticeStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly software: SoftwareInfo;
  /** Ids for generated resources (the warnings OperationOutcome); random UUIDs unless a test pins them. */
  readonly newId?: () => string;
  /**
   * Metrics, audit trail, throttles, maintenance switch and lifecycle. main.ts creates them (it needs
   * them for shutdown); without them createApp makes its own from config.
   */
  readonly ops?: Ops;
  /**
   * The bulk export's jobs and runner: main.ts makes them (jobs in PostgreSQL with REPOSITORY=postgres);
   * without them createApp keeps jobs in memory and runs them on demand.
   */
  readonly bulkExport?: BulkExport;
  /** Mapped resources remembered across requests (stores with long-lived items); one per app unless given. */
  readonly resourceMemo?: ResourceMemo;
}

function endpoints(deps: AppDeps, durableExportJobs: boolean): Record<string, FhirEndpoint> {
  const { config, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  // The CapabilityStatement never changes while the process runs: serialise it once in each format.
  const statement = capabilityStatement(deps.software, {
    demographicSearch: config.patientSearch.demographicEnabled,
    durableExportJobs,
  });
  const metadata = { json: serialise(statement, 'json'), xml: serialise(statement, 'xml') };
  // One per app: it is keyed by the items themselves, whichever practice holds them.
  const memo =
    deps.resourceMemo ??
    (config.resourceMemoBytes > 0 ? new ResourceMemo(config.resourceMemoBytes) : undefined);
  const getRecord: FhirEndpoint = {
    method: 'POST',
    interaction: INTERACTIONS.getstructuredrecord,
    handle: async (_req, res, gate, formats, raw) => {
      const body = parseBody(raw, formats.body);
      const facts = factsOf(res);
      facts.asked = askedFor(body);
      // Per request, so the time spent in the store (and the query, should a later step fail) is this request's.
      const timed = new TimedRepository(gate.practice.repository);
      const { settings } = gate.practice;
      // Given back to other requests between stages once spent, so a large record does not hold the loop.
      const slice = timeSlice();
      try {
        const { query, bundle } = await getStructuredRecord(body, gate.envelope.traceId, {
          repository: timed,
          clock,
          newId,
          predefinedMedicationDays: config.predefinedMedicationDays,
          disabledAreas: new Set(settings.disabledAreas),
          documentsDisabled: settings.documentsDisabled,
          slice,
          jsonAnswer: formats.answer === 'json',
          // Remembered resources are kept as JSON: an XML answer is written from objects mapped afresh.
          ...(memo &&
            formats.answer === 'json' &&
            gate.practice.repository.longLivedItems === true && { memo }),
        });
        facts.query = query;
        // Serialised here rather than in sendFhir so the Bundle's size can be measured.
        const bytes = await serialiseBundle(bundle, formats.answer, slice);
        facts.bundleBytes = byteLength(bytes);
        return bytes;
      } finally {
        facts.repositoryMs = timed.elapsedMs;
        facts.query ??= timed.query;
      }
    },
  };
  return {
    '/metadata': {
      method: 'GET',
      interaction: INTERACTIONS.metadata,
      handle: async (_req, _res, _gate, formats) => metadata[formats.answer],
    },
    '/Patient/$gpc.getstructuredrecord': getRecord,
    '/Patient/%24gpc.getstructuredrecord': getRecord,
  };
}

function foundations(deps: AppDeps): { search: FhirEndpoint; reads: FhirReadEndpoint[] } {
  return foundationsEndpoints({
    limits: deps.config.patientSearch,
    newId: deps.newId ?? randomUUID,
    now: () => deps.clock.now(),
  });
}

/** The headers a browser consumer may send and read (the CapabilityStatement says `cors: true`, D-43). */
const CORS_OPTIONS: cors.CorsOptions = {
  origin: '*',
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: [
    'Ssp-TraceID',
    'Ssp-From',
    'Ssp-To',
    'Ssp-InteractionID',
    'Authorization',
    'Accept',
    'Content-Type',
    'Prefer',
  ],
  exposedHeaders: ['Retry-After', 'Content-Location', 'X-Progress', 'Expires'],
  maxAge: 600,
};

/**
 * Synchronous middleware run one after another as one: each calls the next directly, and an error
 * (or a throw, which the router catches as for any middleware) goes to the router's `next`.
 */
function inSeries(handlers: readonly RequestHandler[]): RequestHandler {
  const last = handlers[handlers.length - 1];
  return handlers.slice(0, -1).reduceRight<RequestHandler>(
    (then, handler) => (req, res, next) =>
      void handler(req, res, (error?: unknown) => {
        if (error === undefined || error === null) void then(req, res, next);
        else next(error);
      }),
    last,
  );
}

/** An app's ops: the ones given, or its own from config (tests that need none). */
export function opsOf(deps: AppDeps): Ops {
  return (
    deps.ops ??
    createOps(deps.config, { software: deps.software, logger: deps.logger, now: () => deps.clock.now() })
  );
}

/** What the admin listener serves: readiness and the metrics exposition (this process's, or a cluster's). */
export interface AdminSources {
  readonly ready: RequestHandler;
  readonly exposition: () => Promise<{ contentType: string; body: string }>;
}

/**
 * The admin listener's app (ADMIN_PORT, loopback by default, D-42): liveness, readiness and metrics,
 * which list consumer ASIDs and so are not for whoever reaches the FHIR port.
 */
export function createAdminApp(deps: AppDeps, ops: Ops): Express {
  return adminApp(deps.config, deps.logger, {
    ready: readiness({
      practices: deps.practices,
      maintenance: ops.maintenance,
      lifecycle: ops.lifecycle,
      audit: ops.audit,
    }),
    exposition: () => ops.metrics.exposition(),
  });
}

/** The admin app around its sources: also the cluster primary's (WORKERS > 1, D-70). */
export function adminApp(config: AppConfig, logger: Logger, sources: AdminSources): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.once('close', () =>
      logger.debug('admin request', {
        method: req.method,
        path: truncate(req.path, 200),
        status: res.statusCode,
      }),
    );
    next();
  });
  app.use(helmet());
  app.get(OPS_PATHS.live, liveness());
  app.get(OPS_PATHS.ready, sources.ready);
  app.get(config.ops.metricsPath, async (_req, res) => {
    const { contentType, body } = await sources.exposition();
    res.status(200).type(contentType).send(body);
  });
  app.use((req, res) => {
    res.status(404).json({ error: `Unknown admin path: ${truncate(req.path)}` });
  });
  return app;
}

export function createApp(deps: AppDeps, ops: Ops = opsOf(deps)): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  // Every response, in this order and as one middleware (each layer costs the router a pass): the
  // observer; with TLS_CLIENT_NAMES, a client certificate from the right CA but for another system
  // refused (403, audited) rather than at the handshake, so the refusal says why (D-41);
  // Cache-Control: no-store and helmet's headers, composed once (src/http/security-headers.ts);
  // compression (src/http/compress.ts).
  app.use(
    inSeries([
      requestObserver({
        logger,
        metrics: ops.metrics,
        audit: ops.audit,
        lifecycle: ops.lifecycle,
        operationalPaths: new Set([OPS_PATHS.codingSchemes]),
        retryAfterSeconds: config.ops.retryAfterSeconds,
      }),
      ...(config.tls?.clientNames ? [clientNameCheck(config.tls.clientNames)] : []),
      staticHeaders(),
      compressAnswers(),
    ]),
  );
  // Outside BASE_PATH, no Spine headers, never throttled or shed. Health and metrics are on the
  // admin listener (createAdminApp); here they are unknown routes.
  app.get(OPS_PATHS.codingSchemes, codingSchemes(deps.software));
  const corsFor = corsHandlers(CORS_OPTIONS);
  const underBase = basePathMatcher(config.basePath);
  const { admit, acquireSlot } = admission({ ...ops, config: config.ops });
  const readBody = bodyReader(config.bodyLimitBytes, config.ops.bodyTimeoutMs);
  const { search, reads } = foundations(deps);
  const bulk =
    deps.bulkExport ??
    createBulkExport({ config, practices: deps.practices, clock: deps.clock, logger, shedder: ops.shedder });
  const exportRoutes = bulkExportEndpoints({
    jobs: bulk.jobs,
    files: bulk.files,
    config: config.bulkExport,
    clock: deps.clock,
    basePath: config.basePath,
    kick: () => bulk.runner.kick(),
  });
  const routes = fhirRoutes({
    clock: deps.clock,
    practices: deps.practices,
    endpoints: { ...endpoints(deps, bulk.jobs.durable), '/Patient': search, ...exportRoutes.endpoints },
    reads,
    patterns: exportRoutes.patterns,
    admit,
    acquireSlot,
    readBody,
  });
  // Until a handler has settled its request stays in flight, even once its client has gone: a
  // shutdown must not close the store or the audit trail under it (D-SD1).
  const route = (req: Request, res: Response, next: NextFunction, target: FhirTarget) =>
    ops.lifecycle.handling(res, routes(req, res, next, target));
  // CORS and the FHIR routes in one middleware, so the base path is matched once.
  app.use((req, res, next) => {
    const target = underBase(req.path);
    if (target === undefined) {
      next();
      return;
    }
    if (req.method !== 'OPTIONS') {
      for (const [name, value] of corsFor.actual) res.setHeader(name, value);
    } else if (req.header('Origin') && req.header('Access-Control-Request-Method')) {
      // Only a browser's preflight (Origin + Access-Control-Request-Method) is answered as one; any
      // other OPTIONS is an unsupported verb like PUT (400), with no CORS headers.
      corsFor.preflight(req, res, (error?: unknown) => (error ? next(error) : route(req, res, next, target)));
      return;
    }
    route(req, res, next, target);
  });
  app.use((req, _res, next) => {
    next(
      new GpcError(
        'BAD_REQUEST',
        `Unknown route: ${truncate(req.method)} ${truncate(req.path)}; the FHIR base is ${config.basePath}`,
      ),
    );
  });
  app.use(errorHandler(logger));
  return app;
}
