/**
 * createApp(deps): the composition root. All state lives in the deps passed in, so two apps in one
 * process (tests) never share anything.
 */
import { randomUUID } from 'node:crypto';
import compression from 'compression';
import express, { type Express } from 'express';
import type { Clock } from './clock';
import type { AppConfig } from './config';
import { GpcError } from './fhir/gpc-error';
import { truncate } from './fhir/text';
import { errorHandler } from './http/errors';
import { bodyReader, fhirRoutes, parseJsonBody, type FhirEndpoint } from './http/fhir-routes';
import type { Logger } from './logger';
import type { ClinicalRepository } from './record/repository';
import { INTERACTIONS } from './spine/interactions';
import { capabilityStatement, type SoftwareInfo } from './structured/capability-statement';
import { getStructuredRecord } from './structured/get-structured-record';

export interface AppDeps {
  readonly config: AppConfig;
  readonly repository: ClinicalRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly software: SoftwareInfo;
  /** Ids for generated resources (the warnings OperationOutcome); random UUIDs unless a test pins them. */
  readonly newId?: () => string;
}

function endpoints(deps: AppDeps): Record<string, FhirEndpoint> {
  const { config, repository, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  const readBody = bodyReader(config.bodyLimitBytes);
  // The CapabilityStatement never changes while the process runs: serialise it once.
  const metadata = Buffer.from(JSON.stringify(capabilityStatement(deps.software)), 'utf8');
  const getRecord: FhirEndpoint = {
    method: 'POST',
    interaction: INTERACTIONS.getstructuredrecord,
    handle: async (req, res, gate) => {
      const body = parseJsonBody(await readBody(req, res));
      const { query, bundle } = await getStructuredRecord(body, gate.envelope.traceId, {
        repository,
        clock,
        newId,
        predefinedMedicationDays: config.predefinedMedicationDays,
        disabledAreas: config.disabledAreas,
      });
      res.locals.query = query;
      return bundle;
    },
  };
  return {
    '/metadata': { method: 'GET', interaction: INTERACTIONS.metadata, handle: async () => metadata },
    '/Patient/$gpc.getstructuredrecord': getRecord,
    '/Patient/%24gpc.getstructuredrecord': getRecord,
  };
}

export function createApp(deps: AppDeps): Express {
  const { config, clock, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.setHeader('Cache-Control', 'no-store');
    res.on('finish', () => {
      logger.info('request', {
        method: req.method,
        path: truncate(req.originalUrl, 200),
        status: res.statusCode,
        spineCode: res.locals.spineCode,
        traceId: res.locals.envelope?.traceId,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });
  app.use(compression());
  app.use(config.basePath, fhirRoutes({ config, clock, endpoints: endpoints(deps) }));
  app.use((req, _res, next) => {
    next(new GpcError('BAD_REQUEST', `Unknown route: ${truncate(req.method)} ${truncate(req.path)}; the FHIR base is ${config.basePath}`));
  });
  app.use(errorHandler(logger));
  return app;
}
