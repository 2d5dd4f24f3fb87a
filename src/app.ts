/**
 * createApp(deps): the composition root. All state lives in the deps passed in, so two apps in one
 * process (tests) never share anything.
 */
import { randomUUID } from 'node:crypto';

import compression from 'compression';
import express, { type Express } from 'express';
import helmet from 'helmet';

import type { Clock } from './clock';
import { type AppConfig,OPS_PATHS } from './config';
import { GpcError } from './fhir/gpc-error';
import { truncate } from './fhir/text';
import { errorHandler } from './http/errors';
import {
  bodyReader,
  type FhirEndpoint,
  type FhirReadEndpoint,
  fhirRoutes,
  parseBody,
} from './http/fhir-routes';
import { serialise } from './http/respond';
import type { Logger } from './logger';
import { foundationsEndpoints } from './operations/patient/endpoints';
import { capabilityStatement, type SoftwareInfo } from './operations/structured-record/capability-statement';
import { getStructuredRecord } from './operations/structured-record/get-structured-record';
import { admission } from './ops/admission';
import { askedFor } from './ops/asked-for';
import { codingSchemes } from './ops/coding-schemes';
import { liveness, readiness } from './ops/health';
import { requestObserver } from './ops/observe';
import { createOps, type Ops } from './ops/ops';
import { factsOf } from './ops/request-facts';
import { TimedRepository } from './ops/timed-repository';
import type { ClinicalRepository } from './record/repository';
import { INTERACTIONS } from './spine/interactions';

export interface AppDeps {
  readonly config: AppConfig;
  readonly repository: ClinicalRepository;
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
}

function endpoints(deps: AppDeps): Record<string, FhirEndpoint> {
  const { config, repository, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  // The CapabilityStatement never changes while the process runs: serialise it once in each format.
  const statement = capabilityStatement(deps.software, {
    demographicSearch: config.patientSearch.demographicEnabled,
  });
  const metadata = { json: serialise(statement, 'json'), xml: serialise(statement, 'xml') };
  const getRecord: FhirEndpoint = {
    method: 'POST',
    interaction: INTERACTIONS.getstructuredrecord,
    handle: async (_req, res, gate, formats, raw) => {
      const body = parseBody(raw, formats.body);
      const facts = factsOf(res);
      facts.asked = askedFor(body);
      // Per request, so the time spent in the store (and the query, should a later step fail) is this request's.
      const timed = new TimedRepository(repository);
      try {
        const { query, bundle } = await getStructuredRecord(body, gate.envelope.traceId, {
          repository: timed,
          clock,
          newId,
          predefinedMedicationDays: config.predefinedMedicationDays,
          disabledAreas: config.disabledAreas,
          documentsDisabled: config.documentsDisabled,
        });
        facts.query = query;
        // Serialised here rather than in sendFhir so the Bundle's size can be measured.
        const bytes = serialise(bundle, formats.answer);
        facts.bundleBytes = bytes.length;
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
    repository: deps.repository,
    limits: deps.config.patientSearch,
    newId: deps.newId ?? randomUUID,
    now: () => deps.clock.now(),
  });
}

export function createApp(deps: AppDeps): Express {
  const { config, clock, logger } = deps;
  const ops = deps.ops ?? createOps(config, { software: deps.software, logger, now: () => clock.now() });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  app.use(
    requestObserver({
      logger,
      metrics: ops.metrics,
      audit: ops.audit,
      lifecycle: ops.lifecycle,
      providerAsid: config.providerAsid,
      operationalPaths: new Set([...Object.values(OPS_PATHS), config.ops.metricsPath]),
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(helmet());
  app.use(compression());
  // Operational endpoints: outside BASE_PATH, no Spine headers, never throttled or shed.
  app.get(OPS_PATHS.live, liveness());
  app.get(OPS_PATHS.ready, readiness({ repository: deps.repository, maintenance: ops.maintenance, lifecycle: ops.lifecycle }));
  app.get(OPS_PATHS.codingSchemes, codingSchemes(deps.software));
  app.get(config.ops.metricsPath, async (_req, res) => {
    const { contentType, body } = await ops.metrics.exposition();
    res.status(200).type(contentType).send(body);
  });
  const { admit, acquireSlot } = admission({ ...ops, config: config.ops });
  const readBody = bodyReader(config.bodyLimitBytes, config.ops.bodyTimeoutMs);
  const { search, reads } = foundations(deps);
  app.use(
    config.basePath,
    fhirRoutes({
      config,
      clock,
      endpoints: { ...endpoints(deps), '/Patient': search },
      reads,
      admit,
      acquireSlot,
      readBody,
    }),
  );
  app.use((req, _res, next) => {
    next(new GpcError('BAD_REQUEST', `Unknown route: ${truncate(req.method)} ${truncate(req.path)}; the FHIR base is ${config.basePath}`));
  });
  app.use(errorHandler(logger));
  return app;
}
