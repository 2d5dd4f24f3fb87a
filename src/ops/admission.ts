/**
 * Admission, in two steps (docs/decisions.md, "Admission"):
 * - `admit`, before the JWT is decoded or the body read: shutting down (503), maintenance (503), the
 *   consumer's rate (429, only when RATE_LIMIT_PER_MINUTE is set);
 * - `acquireSlot`, once the body has been read: the global limits, requests in flight and queueing
 *   delay (503). A slow upload therefore never holds a slot.
 * Each refusal is a GpcError with Retry-After, rendered as an OperationOutcome by the one error middleware.
 */
import type { Request, Response } from 'express';

import type { OpsConfig } from '../config';
import { GpcError } from '../fhir/gpc-error';
import type { SspEnvelope } from '../spine/ssp-headers';
import type { MaintenanceSwitch } from './maintenance';
import type { Metrics } from './metrics';
import type { Lifecycle } from './shutdown';
import type { ConsumerRateLimiter, LoadShedder } from './throttle';
import { yieldToLoop } from './time-slice';

export interface Admission {
  readonly admit: (req: Request, res: Response, envelope: SspEnvelope) => void;
  /** Takes an in-flight slot (given back when the response closes), then yields once to measure the queue. */
  readonly acquireSlot: (res: Response) => Promise<void>;
}

export interface AdmissionDeps {
  readonly config: OpsConfig;
  readonly lifecycle: Lifecycle;
  readonly maintenance: MaintenanceSwitch;
  /** Absent when the per-consumer rate limit is off (the default). */
  readonly rateLimiter?: ConsumerRateLimiter;
  readonly shedder: LoadShedder;
  readonly metrics: Metrics;
}

export function admission(deps: AdmissionDeps): Admission {
  const { config, lifecycle, maintenance, rateLimiter, shedder, metrics } = deps;
  const admit = (_req: Request, _res: Response, envelope: SspEnvelope): void => {
    if (lifecycle.draining) {
      metrics.reject('draining');
      throw new GpcError(
        'SERVICE_UNAVAILABLE',
        'The service is shutting down; retry the request on a new connection',
        {
          'Retry-After': String(config.retryAfterSeconds),
          Connection: 'close',
        },
      );
    }
    if (maintenance.isOn()) {
      metrics.reject('maintenance');
      throw new GpcError('SERVICE_UNAVAILABLE', 'The service is down for maintenance; retry later', {
        'Retry-After': String(config.maintenanceRetryAfterSeconds),
      });
    }
    // Per consumer before global: a consumer over its own rate is told so (429), whatever the load.
    // Keyed on the validated Ssp-From (an ASID), so varying the header cannot mint new buckets cheaply.
    const waitSeconds = rateLimiter?.take(envelope.fromAsid);
    if (waitSeconds !== undefined) {
      metrics.reject('rate_limited');
      throw new GpcError(
        'TOO_MANY_REQUESTS',
        `Ssp-From ${envelope.fromAsid} has sent more than ${config.rateLimitPerMinute} requests per minute ` +
          `(burst ${config.rateLimitBurst}); retry after ${waitSeconds} s`,
        { 'Retry-After': String(waitSeconds) },
      );
    }
  };
  const acquireSlot = async (res: Response): Promise<void> => {
    const release = shedder.tryAcquire();
    if (typeof release !== 'function') {
      metrics.reject('shed');
      throw new GpcError(
        'SERVICE_UNAVAILABLE',
        release === 'in-flight'
          ? 'The service is at capacity; retry shortly'
          : 'The service is overloaded; retry shortly',
        { 'Retry-After': String(config.retryAfterSeconds) },
      );
    }
    res.once('close', release);
    // The queueing delay: the work already on the loop that this admitted request waits behind. The
    // shedder scales the window's waits by the share of a core this process had, so other processes
    // taking the cores do not read as a queue (D-H3, D-RQ1).
    const queuedAt = performance.now();
    await yieldToLoop();
    shedder.recordWait(performance.now() - queuedAt);
  };
  return { admit, acquireSlot };
}
