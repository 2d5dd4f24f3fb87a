/**
 * The first middleware: times every request and, when its response closes (sent, failed or
 * aborted), writes the log line, the metrics and the audit record from the same facts and the same
 * duration. Operational endpoints (health, metrics, coding schemes) are logged at debug level and
 * neither measured nor audited: they are not API requests, and probes would drown the trail.
 */
import type { Request, RequestHandler, Response } from 'express';

import { truncate } from '../fhir/text';
import type { Logger } from '../logger';
import type { AuditEvent, AuditJson, AuditLog } from './audit';
import type { Metrics } from './metrics';
import { factsOf, type RequestFacts } from './request-facts';
import type { Lifecycle } from './shutdown';

export interface ObserverDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly audit: AuditLog;
  readonly lifecycle: Lifecycle;
  readonly providerAsid: string;
  readonly operationalPaths: ReadonlySet<string>;
}

/** A raw header for the record of a request whose headers did not validate; bounded, never trusted. */
function rawHeader(req: Request, name: string): string | null {
  const value = req.header(name);
  return value === undefined || value.trim() === '' ? null : truncate(value.trim(), 64);
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** One audit record: who asked, for whom, what, and what came of it. No clinical content. */
export function requestAuditEvent(
  req: Request,
  res: Response,
  facts: RequestFacts,
  durationMs: number,
  providerAsid: string,
): AuditEvent {
  const claims = facts.gate?.claims;
  const asked = facts.asked;
  const completed = res.writableFinished;
  return {
    type: 'request',
    traceId: facts.envelope?.traceId ?? rawHeader(req, 'Ssp-TraceID'),
    interaction: facts.interaction?.name ?? null,
    interactionId: facts.envelope?.interactionId ?? rawHeader(req, 'Ssp-InteractionID'),
    method: req.method,
    path: truncate(req.originalUrl, 200),
    consumerAsid: facts.envelope?.fromAsid ?? rawHeader(req, 'Ssp-From'),
    providerAsid,
    organisation: claims
      ? { odsCode: claims.organization.odsCode, odsSystem: claims.organization.odsSystem, name: claims.organization.name }
      : null,
    practitioner: claims
      ? {
          id: claims.practitioner.id,
          sdsUserId: claims.practitioner.sdsUserId,
          sdsRoleProfileId: claims.practitioner.sdsRoleProfileId ?? null,
          name: claims.practitioner.name,
        }
      : null,
    device: claims
      ? { identifier: claims.device.identifier, model: claims.device.model, version: claims.device.version }
      : null,
    reason: claims?.reasonForRequest ?? null,
    scope: claims?.requestedScope ?? null,
    nhsNumber: facts.query?.nhsNumber ?? asked?.nhsNumber ?? facts.patientNhsNumber ?? null,
    ...(facts.search && {
      search: { terms: facts.search.terms as AuditJson, matches: facts.search.matches ?? null },
    }),
    ...(facts.resource !== undefined && { resource: facts.resource }),
    requested: asked
      ? { areas: asked.areas, filters: asked.filters, predefinedSearch: facts.query?.predefinedSearch ?? null }
      : null,
    outcome: { status: res.headersSent ? res.statusCode : null, spineCode: facts.spineCode ?? null, completed },
    durationMs: round(durationMs),
  };
}

export function requestObserver(deps: ObserverDeps): RequestHandler {
  const { logger, metrics, audit, lifecycle, providerAsid } = deps;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const operational = deps.operationalPaths.has(req.path);
    lifecycle.track(res);
    res.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const facts = factsOf(res);
      const interaction = facts.interaction?.name ?? 'unknown';
      const consumerAsid = facts.envelope?.fromAsid;
      // A request whose connection ended before an answer was written has no status of its own.
      const status = res.headersSent ? res.statusCode : undefined;
      logger.log(operational ? 'debug' : 'info', 'request', {
        method: req.method,
        path: truncate(req.originalUrl, 200),
        status,
        spineCode: facts.spineCode,
        traceId: facts.envelope?.traceId,
        interaction,
        consumerAsid,
        durationMs: round(durationMs),
        repositoryMs: facts.repositoryMs === undefined ? undefined : round(facts.repositoryMs),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
      if (operational) return;
      metrics.observeRequest({
        interaction,
        status: status === undefined ? 'aborted' : String(status),
        spineCode: facts.spineCode ?? 'none',
        consumerAsid: consumerAsid ?? 'unknown',
        durationSeconds: durationMs / 1000,
        repositorySeconds: facts.repositoryMs === undefined ? undefined : facts.repositoryMs / 1000,
        bundleBytes: facts.bundleBytes,
      });
      audit.record(requestAuditEvent(req, res, facts, durationMs, providerAsid));
    });
    next();
  };
}
