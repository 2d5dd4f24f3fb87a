/**
 * Liveness and readiness for an orchestrator or load balancer: outside BASE_PATH, no Spine headers,
 * plain JSON (these are not FHIR interactions). Live means the process answers; ready means it
 * should be sent traffic: the repository can answer, the audit trail can be written, no maintenance,
 * not shutting down.
 */
import type { RequestHandler } from 'express';

import type { PracticeStore } from '../record/practices';
import type { AuditTrail } from './audit-trail';
import type { MaintenanceSwitch } from './maintenance';
import type { Lifecycle } from './shutdown';

/** A readiness probe must answer even when the store hangs: after this long, the store is not ready. */
const READINESS_TIMEOUT_MS = 2000;

export interface HealthDeps {
  readonly practices: PracticeStore;
  readonly maintenance: MaintenanceSwitch;
  readonly lifecycle: Lifecycle;
  readonly audit: AuditTrail;
}

async function storeReady(store: PracticeStore): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([store.isReady().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function liveness(): RequestHandler {
  return (_req, res) => {
    res.status(200).json({ status: 'live' });
  };
}

export function readiness(deps: HealthDeps): RequestHandler {
  return async (_req, res) => {
    const checks = {
      repository: await storeReady(deps.practices),
      maintenance: deps.maintenance.isOn(),
      shuttingDown: deps.lifecycle.draining,
      audit: deps.audit.healthy,
    };
    const ready = checks.repository && checks.audit && !checks.maintenance && !checks.shuttingDown;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  };
}
