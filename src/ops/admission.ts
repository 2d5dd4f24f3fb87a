/**
 * Admission: the gate step that decides, before the JWT is decoded, the body read or the repository
 * touched, whether this request is served now. In order: shutting down (503), maintenance (503),
 * the consumer's rate (429), the global limits: requests in flight and event-loop utilisation (503). Each refusal is a GpcError with
 * Retry-After, rendered as an OperationOutcome by the one error middleware.
 */
import type { Request, Response } from 'express';
import type { OpsConfig } from '../config';
import { GpcError } from '../fhir/gpc-error';
import { truncate } from '../fhir/text';
import type { SspEnvelope } from '../spine/ssp-headers';
import type { MaintenanceSwitch } from './maintenance';
import type { Metrics } from './metrics';
import type { Lifecycle } from './shutdown';
import type { ConsumerRateLimiter, LoadShedder } from './throttle';

export type Admission = (req: Request, res: Response, envelope: SspEnvelope) => void;

export interface AdmissionDeps {
  readonly config: OpsConfig;
  readonly lifecycle: Lifecycle;
  readonly maintenance: MaintenanceSwitch;
  readonly rateLimiter: ConsumerRateLimiter;
  readonly shedder: LoadShedder;
  readonly metrics: Metrics;
}

export function admission(deps: AdmissionDeps): Admission {
  const { config, lifecycle, maintenance, rateLimiter, shedder, metrics } = deps;
  return (_req, res, envelope) => {
    if (lifecycle.draining) {
      metrics.reject('draining');
      throw new GpcError('SERVICE_UNAVAILABLE', 'The service is shutting down; retry the request on a new connection', {
        'Retry-After': String(config.retryAfterSeconds),
        Connection: 'close',
      });
    }
    if (maintenance.isOn()) {
      metrics.reject('maintenance');
      throw new GpcError('SERVICE_UNAVAILABLE', 'The service is down for maintenance; retry later', {
        'Retry-After': String(config.maintenanceRetryAfterSeconds),
      });
    }
    // Per consumer before global: a consumer over its own rate is told so (429), whatever the load.
    const waitSeconds = rateLimiter.take(envelope.fromAsid);
    if (waitSeconds !== undefined) {
      metrics.reject('rate_limited');
      throw new GpcError(
        'TOO_MANY_REQUESTS',
        `Ssp-From ${truncate(envelope.fromAsid)} has sent more than ${config.rateLimitPerMinute} requests per minute (burst ${config.rateLimitBurst}); retry after ${waitSeconds} s`,
        { 'Retry-After': String(waitSeconds) },
      );
    }
    const release = shedder.tryAcquire();
    if (typeof release !== 'function') {
      metrics.reject('shed');
      throw new GpcError(
        'SERVICE_UNAVAILABLE',
        release === 'in-flight' ? 'The service is at capacity; retry shortly' : 'The service is overloaded; retry shortly',
        { 'Retry-After': String(config.retryAfterSeconds) },
      );
    }
    res.once('close', release);
  };
}
