/**
 * The first middleware: times every request. Its audit record is written before any byte of its
 * response leaves (release-gate.ts): a response whose record cannot be written is refused with a 503
 * instead. When the response closes (sent, failed or aborted) it writes the log line and the
 * metrics; a request closed before any answer is audited then, and a released answer that did not
 * reach the client gets a `request.aborted` record. Operational endpoints (coding schemes) are
 * logged at debug level and neither measured nor audited: they are not API requests.
 */
import type { Request, RequestHandler, Response } from 'express';

import { truncate } from '../fhir/text';
import type { Logger } from '../logger';
import type { AuditEvent, AuditJson, AuditRecord } from './audit';
import type { AuditTrail } from './audit-trail';
import type { Metrics } from './metrics';
import { gateRelease } from './release-gate';
import { factsOf, type RequestFacts } from './request-facts';
import type { Lifecycle } from './shutdown';

export interface ObserverDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly audit: AuditTrail;
  readonly lifecycle: Lifecycle;
  readonly operationalPaths: ReadonlySet<string>;
  /** Retry-After on a response refused because the audit trail cannot be written. */
  readonly retryAfterSeconds: number;
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
  released: boolean,
): AuditEvent {
  const claims = facts.gate?.claims;
  const asked = facts.asked;
  return {
    type: 'request',
    traceId: facts.envelope?.traceId ?? rawHeader(req, 'Ssp-TraceID'),
    interaction: facts.interaction?.name ?? null,
    interactionId: facts.envelope?.interactionId ?? rawHeader(req, 'Ssp-InteractionID'),
    method: req.method,
    path: truncate(req.originalUrl, 200),
    consumerAsid: facts.envelope?.fromAsid ?? rawHeader(req, 'Ssp-From'),
    // The practice the request was for, and that practice's ASID (Ssp-To matched it).
    practiceOds: facts.odsCode ?? null,
    providerAsid: facts.gate?.practice.settings.asid ?? facts.envelope?.toAsid ?? null,
    organisation: claims
      ? {
          odsCode: claims.organization.odsCode,
          odsSystem: claims.organization.odsSystem,
          name: claims.organization.name,
        }
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
      ? {
          areas: asked.areas,
          filters: asked.filters,
          predefinedSearch: facts.query?.predefinedSearch ?? null,
        }
      : null,
    // `released`: the answer was about to leave when this was written; false: the connection closed first.
    outcome: { status: released ? res.statusCode : null, spineCode: facts.spineCode ?? null, released },
    durationMs: round(durationMs),
  };
}

export function requestObserver(deps: ObserverDeps): RequestHandler {
  const { logger, metrics, audit, lifecycle } = deps;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const operational = deps.operationalPaths.has(req.path);
    lifecycle.track(res);
    const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
    let audited: Promise<AuditRecord | undefined> | undefined;
    if (!operational) {
      gateRelease(res, {
        retryAfterSeconds: deps.retryAfterSeconds,
        beforeRelease: () => {
          const written = audit.record(requestAuditEvent(req, res, factsOf(res), elapsedMs(), true));
          audited = written.catch(() => undefined);
          return written;
        },
        onRefused: (error) => {
          logger.error('response refused: its audit record cannot be written', {
            traceId: factsOf(res).envelope?.traceId ?? rawHeader(req, 'Ssp-TraceID'),
            cause: error instanceof Error ? error.message : String(error),
          });
        },
      });
    }
    res.once('close', () => {
      const durationMs = elapsedMs();
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
        practice: facts.odsCode,
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
        practiceOds: facts.odsCode ?? 'unknown',
        durationSeconds: durationMs / 1000,
        repositorySeconds: facts.repositoryMs === undefined ? undefined : facts.repositoryMs / 1000,
        bundleBytes: facts.bundleBytes,
      });
      const unrecorded = (error: unknown) =>
        logger.error('audit record not written', {
          traceId: facts.envelope?.traceId,
          cause: error instanceof Error ? error.message : String(error),
        });
      if (audited === undefined) {
        // No answer was started: nothing was released, so recording it now is still in time.
        audit.record(requestAuditEvent(req, res, facts, durationMs, false)).catch(unrecorded);
      } else if (!res.writableFinished) {
        void audited.then((record) => {
          if (record === undefined) return;
          const aborted = {
            type: 'request.aborted',
            requestSeq: record.seq ?? null,
            traceId: record.traceId ?? null,
          } as const;
          audit.record({ ...aborted, durationMs: round(durationMs) }).catch(unrecorded);
        });
      }
    });
    next();
  };
}
