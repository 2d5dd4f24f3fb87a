/**
 * The operational parts of one app: metrics, audit trail, maintenance switch, lifecycle (drain) and
 * throttles. Created once per app (main.ts, or createApp when not given), never at module level.
 */
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import { GP_CONNECT_VERSION, type SoftwareInfo } from '../operations/structured-record/capability-statement';
import { type AuditFileOpener, AuditLog, type AuditTarget } from './audit';
import type { AuditEvent, AuditTrail } from './audit-trail';
import { MaintenanceSwitch } from './maintenance';
import { Metrics } from './metrics';
import { PostgresAuditTrail } from './postgres-audit';
import { Lifecycle } from './shutdown';
import { ConsumerRateLimiter, LoadShedder } from './throttle';

export interface Ops {
  readonly metrics: Metrics;
  readonly audit: AuditTrail;
  readonly maintenance: MaintenanceSwitch;
  readonly lifecycle: Lifecycle;
  /** Absent unless RATE_LIMIT_PER_MINUTE is set. */
  readonly rateLimiter?: ConsumerRateLimiter;
  readonly shedder: LoadShedder;
}

export interface OpsOptions {
  readonly software: SoftwareInfo;
  readonly logger: Logger;
  /** Wall-clock time for audit records. */
  readonly now: () => Date;
  /** Overrides AUDIT_LOG (tests capture the trail in memory). */
  readonly audit?: AuditTarget;
  /** Opens the audit file (tests inject disk faults). */
  readonly auditOpener?: AuditFileOpener;
  /** How often a failed audit trail retries by itself, in ms. */
  readonly auditRetryMs?: number;
  readonly processMetrics?: boolean;
  /**
   * A cluster worker (WORKERS > 1) passes its client of the primary's trail: its start is recorded
   * as `worker.start`, and maintenance toggles are audited once, by the primary, not by each worker.
   */
  readonly workerTrail?: AuditTrail;
}

export type AuditLogOptions = Pick<
  OpsOptions,
  'logger' | 'now' | 'audit' | 'auditOpener' | 'auditRetryMs'
> & {
  /** The cluster primary: a file write gathers the records of its event-loop turn (D-AB2). */
  readonly auditGatherTurn?: boolean;
};

/** The writer of the trail: in the one process, or in the primary of a cluster (D-70). */
export function createAuditLog(config: AppConfig, options: AuditLogOptions): AuditTrail {
  const settings = config.ops;
  const { logger } = options;
  const sink = settings.auditSink;
  const where = sink.kind === 'postgres' && options.audit === undefined ? 'postgres' : settings.auditLog;
  const reporting = {
    retryMs: options.auditRetryMs,
    onFailure: (error: Error) =>
      logger.error('the audit trail cannot be written: answers are refused (503) until it can', {
        auditLog: where,
        cause: error.message,
        code: (error as NodeJS.ErrnoException).code,
      }),
    onRecovery: (failedSince: Date, refused: number) =>
      logger.warn('the audit trail can be written again', {
        auditLog: where,
        failedSince: failedSince.toISOString(),
        refusedResponses: refused,
      }),
    onClosedNote: (event: AuditEvent) =>
      logger.error('audit record not written: the audit trail has been closed', {
        auditLog: where,
        type: event.type,
      }),
  };
  return sink.kind === 'postgres' && options.audit === undefined
    ? new PostgresAuditTrail({ url: sink.url, timeoutMs: sink.timeoutMs, now: options.now, ...reporting })
    : new AuditLog(options.audit ?? auditTargetOf(settings.auditLog), {
        now: options.now,
        fsync: settings.auditFsync,
        opener: options.auditOpener,
        gatherTurn: options.auditGatherTurn,
        ...reporting,
      });
}

export function auditTargetOf(setting: string): AuditTarget {
  return setting === 'stdout' ? 'stdout' : { file: setting };
}

/**
 * Never throws for the audit trail: a trail that cannot be written (full disk, no permission) keeps
 * the service up but not ready, refusing every answer with 503 until it can be written again (D-40).
 */
export function createOps(config: AppConfig, options: OpsOptions): Ops {
  const { ops: settings } = config;
  const { logger } = options;
  const audit = options.workerTrail ?? createAuditLog(config, options);
  const lifecycle = new Lifecycle();
  const shedder = new LoadShedder({
    maxInFlight: settings.maxInFlight,
    maxQueueDelayMs: settings.maxQueueDelayMs,
  });
  const rateLimiter =
    settings.rateLimitPerMinute === undefined
      ? undefined
      : new ConsumerRateLimiter({ perMinute: settings.rateLimitPerMinute, burst: settings.rateLimitBurst });
  const maintenance = new MaintenanceSwitch({
    file: settings.maintenanceFile,
    pollMs: settings.maintenancePollMs,
    onChange: (on, file) => {
      // The spec asks for every enablement toggle to be audited (Non-functional requirements).
      if (!options.workerTrail)
        audit.note({ type: 'config.change', setting: 'maintenance', value: on, file });
      logger.warn(on ? 'maintenance mode on' : 'maintenance mode off', { file });
    },
    onDirectoryError: (directory, error) =>
      logger.warn('the maintenance file directory cannot be created; maintenance cannot be switched on', {
        directory,
        cause: error.message,
      }),
  });
  const metrics = new Metrics({
    processMetrics: options.processMetrics,
    inFlight: () => shedder.inFlight,
    queueDelaySeconds: () => shedder.queueDelayMs / 1000,
    maxInFlight: settings.maxInFlight,
    maintenance: () => maintenance.isOn(),
    software: { version: options.software.version, gpConnectVersion: GP_CONNECT_VERSION },
  });
  audit.note({
    type: options.workerTrail ? 'worker.start' : 'service.start',
    software: { name: options.software.name, version: options.software.version },
    gpConnectVersion: GP_CONNECT_VERSION,
    // Each practice's ASID and switches are data in the store; changing them is audited by gpc-admin.
    basePath: config.basePath,
    maintenance: { file: maintenance.file ?? null, on: maintenance.isOn() },
    throttling: {
      rateLimitPerMinute: settings.rateLimitPerMinute ?? null,
      rateLimitBurst: settings.rateLimitBurst,
      maxInFlight: settings.maxInFlight,
      maxQueueDelayMs: settings.maxQueueDelayMs,
      bodyTimeoutMs: settings.bodyTimeoutMs,
    },
  });
  return { metrics, audit, maintenance, lifecycle, rateLimiter, shedder };
}
