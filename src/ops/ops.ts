/**
 * The operational parts of one app: metrics, audit trail, maintenance switch, lifecycle (drain) and
 * throttles. Created once per app (main.ts, or createApp when not given), never at module level.
 */
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import { GP_CONNECT_VERSION, type SoftwareInfo } from '../operations/structured-record/capability-statement';
import { AuditLog, type AuditTarget } from './audit';
import { MaintenanceSwitch } from './maintenance';
import { Metrics } from './metrics';
import { Lifecycle } from './shutdown';
import { ConsumerRateLimiter, LoadShedder } from './throttle';

export interface Ops {
  readonly metrics: Metrics;
  readonly audit: AuditLog;
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
  readonly processMetrics?: boolean;
}

export function auditTargetOf(setting: string): AuditTarget {
  return setting === 'stdout' ? 'stdout' : { file: setting };
}

/** Throws at start when the audit file cannot be opened: the service must not run unaudited. */
export function createOps(config: AppConfig, options: OpsOptions): Ops {
  const { ops: settings } = config;
  const audit = new AuditLog(options.audit ?? auditTargetOf(settings.auditLog), { now: options.now });
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
      audit.record({ type: 'config.change', setting: 'maintenance', value: on, file });
      options.logger.warn(on ? 'maintenance mode on' : 'maintenance mode off', { file });
    },
  });
  const metrics = new Metrics({
    processMetrics: options.processMetrics,
    inFlight: () => shedder.inFlight,
    queueDelaySeconds: () => shedder.queueDelayMs / 1000,
    maxInFlight: settings.maxInFlight,
    maintenance: () => maintenance.isOn(),
    software: { version: options.software.version, gpConnectVersion: GP_CONNECT_VERSION },
  });
  audit.record({
    type: 'service.start',
    software: { name: options.software.name, version: options.software.version },
    gpConnectVersion: GP_CONNECT_VERSION,
    providerAsid: config.providerAsid,
    basePath: config.basePath,
    // The practice's enablement toggles as they stand at start (Configuration for supported clinical areas;
    // Non-functional requirements).
    enablement: {
      gpConnectEnabled: config.gpConnectEnabled,
      structuredEnabled: config.structuredEnabled,
      disabledAreas: [...config.disabledAreas],
    },
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
