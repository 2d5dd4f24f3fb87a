/**
 * Environment → typed configuration, validated once at start. A bad value stops the process with one
 * clear line (main.ts); nothing reads process.env anywhere else.
 */
import { availableParallelism } from 'node:os';

import { bool, cleanEnv, makeValidator, num, port, str } from 'envalid';

import { basePathMatcher } from './http/base-path';
import type { RepositoryConfig } from './record/open-repository';
import type { PracticeSummary } from './record/practices';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The admin listener (health, metrics): its own port, loopback by default (D-42). */
  readonly adminPort: number;
  readonly adminHost: string;
  /**
   * Processes serving the FHIR port (D-70): 1 is one process doing everything; more is a primary
   * (audit writer, admin listener) and this many workers sharing the port.
   */
  readonly workers: number;
  /** HTTPS, and mutual TLS when a client CA is given, on the FHIR listener (D-41); plain HTTP when absent. */
  readonly tls?: TlsConfig;
  /**
   * The FHIR service root as a template, `/{ods}/STU3/1/gpconnect/structured` by default: `{ods}` is
   * one whole segment, the ODS code of the practice a request is for (no trailing slash).
   */
  readonly basePath: string;
  /** Predefined search recognition: medicationSearchFromDate this many days before today (D-25). */
  readonly predefinedMedicationDays: { readonly minDays: number; readonly maxDays: number };
  /** Patient search and the demographic search (docs/decisions.md D-62, D-63). */
  readonly patientSearch: PatientSearchConfig;
  /** Maximum Parameters body, in bytes (D-31). */
  readonly bodyLimitBytes: number;
  /**
   * The memory store's resource memo (docs/decisions.md D-RM1): the estimated resident bytes it may
   * hold per process before starting afresh; 0 turns it off.
   */
  readonly resourceMemoBytes: number;
  readonly logLevel: string;
  /** Operating the service (docs/decisions.md, "Operating the service"). */
  readonly ops: OpsConfig;
  /** Which clinical record store answers: the embedded test practice in memory, or PostgreSQL. */
  readonly repository: RepositoryConfig;
  /** Bulk export (`Patient/$export`, docs/decisions.md D-B1 to D-B9). */
  readonly bulkExport: BulkExportConfig;
}

export interface BulkExportConfig {
  /**
   * EXPORT_STORAGE: where the NDJSON files are kept. `database` (the default with REPOSITORY=postgres):
   * chunks in the jobs' database, served by every instance over it; `directory`: under `dir` on this
   * host's disk (D-ES1).
   */
  readonly storage: 'database' | 'directory';
  /** With `directory` storage: where the files are written, one directory per job. */
  readonly dir: string;
  /** A file is split before it would pass this many bytes (a line is never split). */
  readonly fileMaxBytes: number;
  /** Unfinished jobs (queued or running) one consumer (Ssp-From) may have; beyond it 429. */
  readonly maxPerConsumer: number;
  /** Unfinished jobs of all consumers together; beyond it 503. */
  readonly maxTotal: number;
  /** How long a finished job's manifest and files stay; then 404 and the files are deleted. */
  readonly expiryMinutes: number;
  /** Patients read from the store per batch. */
  readonly batchSize: number;
  /** A running job whose process has not reported for this long is taken over (crash or restart). */
  readonly staleSeconds: number;
  /** Retry-After on a running job's status. */
  readonly retryAfterSeconds: number;
}

export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  /** Require a client certificate issued by this CA (the Spine Secure Proxy's). */
  readonly clientCaFile?: string;
  /** Accept only client certificates whose CN or DNS subjectAltName is one of these. */
  readonly clientNames?: readonly string[];
}

export interface PatientSearchConfig {
  /** The demographic search (family, given, birthdate) beyond GP Connect's identifier search. */
  readonly demographicEnabled: boolean;
  /** Most patients one search may return; a search matching more is asked to narrow (D-63). */
  readonly maxResults: number;
}

/** Monitoring, audit, throttling, maintenance, shutdown and server timeouts (issue 7). */
export interface OpsConfig {
  /** Prometheus exposition path, outside BASE_PATH and without Spine headers. */
  readonly metricsPath: string;
  /** Where the audit trail goes: "stdout" or a file path (appended to). It cannot be switched off. */
  readonly auditLog: string;
  /**
   * AUDIT_SINK: "file" (AUDIT_LOG, the default) or "postgres" (the audit_trail table of DATABASE_URL,
   * one chain for every instance, D-S1).
   */
  readonly auditSink: AuditSinkConfig;
  /** fdatasync after each group of audit records written to a file (D-40). */
  readonly auditFsync: boolean;
  /** Per consumer (Ssp-From) sustained rate, requests per minute; undefined (the default) is off. */
  readonly rateLimitPerMinute: number | undefined;
  /** Per consumer burst: the token bucket's capacity. */
  readonly rateLimitBurst: number;
  /** Global limit on FHIR requests admitted and not yet answered; beyond it requests are shed (503). */
  readonly maxInFlight: number;
  /** Queueing delay (ms) above which requests are shed (503) while others are in flight; 0 turns it off. */
  readonly maxQueueDelayMs: number;
  /** Deadline for reading a request body, from when the read starts; beyond it 408. */
  readonly bodyTimeoutMs: number;
  /** Retry-After (seconds) on a shed request or one that arrives while the process drains. */
  readonly retryAfterSeconds: number;
  /** A file whose existence puts the service in maintenance; "" disables the switch. */
  readonly maintenanceFile: string;
  /** How long the maintenance file's existence is cached, in ms (0 = check on every request). */
  readonly maintenancePollMs: number;
  readonly maintenanceRetryAfterSeconds: number;
  /** Longest wait for requests in flight at shutdown before their connections are cut. */
  readonly shutdownGraceMs: number;
  /** Node's server timeouts against slow clients (whole request, headers, idle keep-alive). */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export type AuditSinkConfig =
  { readonly kind: 'file' } | { readonly kind: 'postgres'; readonly url: string; readonly timeoutMs: number };

/** DATABASE_READ_URLS: comma-separated connection URLs of read replicas. */
const urlList = makeValidator<readonly string[]>((value) => {
  const urls = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const url of urls) databaseUrlOf(url);
  return urls;
});

const plainPath = makeValidator<string>((value) => {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new Error('must be a path of one or more segments, starting with "/" and not ending with "/"');
  }
  return value;
});

/** The base path template: segments, exactly one of which is `{ods}`. */
const basePathTemplate = makeValidator<string>((value) => {
  if (!/^(\/([A-Za-z0-9._~-]+|\{ods\}))+$/.test(value) || value.split('{ods}').length !== 2) {
    throw new Error(
      'must be a path template with exactly one {ods} segment, e.g. /{ods}/STU3/1/gpconnect/structured ' +
        '(every practice in the store is now served under its own ODS code; see CHANGELOG)',
    );
  }
  return value;
});

const databaseUrl = makeValidator<string>((value) => databaseUrlOf(value));

function databaseUrlOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be a PostgreSQL connection URL, e.g. postgres://user@localhost:5432/gpconnect');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error('must be a postgres:// or postgresql:// URL');
  }
  return value;
}

const byteSize = makeValidator<number>((value) => {
  const m = /^([0-9]+)\s*(b|kb|mb)?$/i.exec(value.trim());
  if (!m) throw new Error('must be a size such as 1mb, 512kb or 1048576');
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
});

/** A positive whole number, with an upper bound that catches unit mistakes (ms given as µs, say). */
function wholeNumber(min: number, max: number) {
  return makeValidator<number>((value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  });
}

const auditTarget = makeValidator<string>((value) => {
  if (value.trim() === '')
    throw new Error('must be "stdout" or a file path; the audit trail cannot be switched off');
  return value.trim();
});

const nameList = makeValidator<readonly string[]>((value) => {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new Error('must list one or more certificate subject names, comma-separated');
  return names;
});

/** Paths the service answers outside BASE_PATH without Spine headers (src/ops). */
export const OPS_PATHS = {
  live: '/health/live',
  ready: '/health/ready',
  codingSchemes: '/coding-schemes',
} as const;

/** Defaults describe the embedded test practice; each is documented in the README. */
export const DEFAULTS = {
  BASE_PATH: '/{ods}/STU3/1/gpconnect/structured',
  /** Under /run: runtime state that only the operator can create, and that no checkout can contain by accident. */
  MAINTENANCE_FILE: '/run/gpconnect-structured/maintenance',
  /** A file of its own, apart from the application log on stdout; relative to the working directory. */
  AUDIT_LOG: 'audit/audit.log',
  ADMIN_PORT: 8081,
  /** Relative to the working directory, like the audit log. */
  EXPORT_DIR: 'exports',
} as const;

export class ConfigError extends Error {}

/** Settings of the one-practice releases that are now per-practice data in the store. */
const MOVED_TO_STORE = [
  'PROVIDER_ASID',
  'GPC_ENABLED',
  'GPC_STRUCTURED_ENABLED',
  'GPC_DISABLED_AREAS',
] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = cleanEnv(
    env,
    {
      PORT: port({ default: 8080 }),
      HOST: str({ default: '0.0.0.0' }),
      ADMIN_PORT: wholeNumber(0, 65_535)({ default: DEFAULTS.ADMIN_PORT }),
      ADMIN_HOST: str({ default: '127.0.0.1' }),
      WORKERS: wholeNumber(1, 256)({ default: availableParallelism() }),
      TLS_CERT_FILE: str({ default: undefined }),
      TLS_KEY_FILE: str({ default: undefined }),
      TLS_CLIENT_CA_FILE: str({ default: undefined }),
      TLS_CLIENT_NAMES: nameList({ default: undefined }),
      BASE_PATH: basePathTemplate({ default: DEFAULTS.BASE_PATH }),
      PRACTICE_FILES: str({ default: '' }),
      PRACTICE_CACHE_MS: wholeNumber(0, 600_000)({ default: 1000 }),
      RESOURCE_MEMO_MB: wholeNumber(0, 1_048_576)({ default: 512 }),
      ITEM_CACHE_MB: wholeNumber(0, 1_048_576)({ default: 256 }),
      REPOSITORY: str({ default: 'memory', choices: ['memory', 'postgres'] }),
      DATABASE_URL: databaseUrl({ default: undefined }),
      DATABASE_READ_URLS: urlList({ default: [] }),
      DB_POOL_SIZE: wholeNumber(1, 1000)({ default: 10 }),
      DB_STATEMENT_TIMEOUT_MS: wholeNumber(100, 600_000)({ default: 2_000 }),
      DB_RETRY_AFTER_SECONDS: wholeNumber(1, 3600)({ default: 5 }),
      PREDEFINED_MEDICATION_DAYS_MIN: num({ default: 365 }),
      PREDEFINED_MEDICATION_DAYS_MAX: num({ default: 366 }),
      BODY_LIMIT: byteSize({ default: 1024 * 1024 }),
      PATIENT_DEMOGRAPHIC_SEARCH: bool({ default: true }),
      PATIENT_SEARCH_MAX_RESULTS: wholeNumber(1, 1000)({ default: 50 }),
      LOG_LEVEL: str({ default: 'info', choices: ['error', 'warn', 'info', 'debug', 'silent'] }),
      // Operating the service: the defaults and their reasons are in docs/decisions.md.
      METRICS_PATH: plainPath({ default: '/metrics' }),
      AUDIT_LOG: auditTarget({ default: DEFAULTS.AUDIT_LOG }),
      AUDIT_FSYNC: bool({ default: true }),
      AUDIT_SINK: str({ default: 'file', choices: ['file', 'postgres'] }),
      // Off unless set (docs/decisions.md, "Admission").
      RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000)({ default: undefined }),
      RATE_LIMIT_BURST: wholeNumber(1, 1_000_000)({ default: 60 }),
      MAX_IN_FLIGHT: wholeNumber(1, 100_000)({ default: 64 }),
      MAX_QUEUE_DELAY_MS: wholeNumber(0, 60_000)({ default: 200 }),
      BODY_TIMEOUT_MS: wholeNumber(100, 600_000)({ default: 5_000 }),
      RETRY_AFTER_SECONDS: wholeNumber(1, 3600)({ default: 1 }),
      MAINTENANCE_FILE: str({ default: DEFAULTS.MAINTENANCE_FILE }),
      MAINTENANCE_POLL_MS: wholeNumber(0, 60_000)({ default: 1000 }),
      MAINTENANCE_RETRY_AFTER_SECONDS: wholeNumber(1, 86_400)({ default: 300 }),
      SHUTDOWN_GRACE_MS: wholeNumber(0, 600_000)({ default: 10_000 }),
      REQUEST_TIMEOUT_MS: wholeNumber(100, 600_000)({ default: 10_000 }),
      HEADERS_TIMEOUT_MS: wholeNumber(100, 600_000)({ default: 5_000 }),
      KEEP_ALIVE_TIMEOUT_MS: wholeNumber(100, 600_000)({ default: 5_000 }),
      EXPORT_STORAGE: str({ default: undefined, choices: ['database', 'directory'] }),
      EXPORT_DIR: str({ default: DEFAULTS.EXPORT_DIR }),
      EXPORT_FILE_MAX_BYTES: byteSize({ default: 64 * 1024 * 1024 }),
      EXPORT_MAX_PER_CONSUMER: wholeNumber(1, 1000)({ default: 1 }),
      EXPORT_MAX_TOTAL: wholeNumber(1, 10_000)({ default: 4 }),
      EXPORT_EXPIRY_MINUTES: wholeNumber(1, 43_200)({ default: 1440 }),
      EXPORT_BATCH_SIZE: wholeNumber(1, 10_000)({ default: 100 }),
      EXPORT_STALE_SECONDS: wholeNumber(1, 86_400)({ default: 60 }),
      EXPORT_RETRY_AFTER_SECONDS: wholeNumber(1, 3600)({ default: 5 }),
    },
    {
      reporter: ({ errors }) => {
        const [name, error] = Object.entries(errors)[0] ?? [];
        if (name) throw new ConfigError(`Invalid configuration: ${name} ${error?.message ?? 'is invalid'}`);
      },
    },
  );
  const moved = MOVED_TO_STORE.find((name) => env[name] !== undefined);
  if (moved !== undefined) {
    throw new ConfigError(
      `Invalid configuration: ${moved} is no longer a setting: each practice's ASID and switches are data in the ` +
        'store, changed with `gpc-admin practice set|enable|disable` (see CHANGELOG)',
    );
  }
  if (e.REPOSITORY === 'postgres' && e.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration: DATABASE_URL is required when REPOSITORY=postgres');
  }
  if (e.AUDIT_SINK === 'postgres' && e.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration: DATABASE_URL is required when AUDIT_SINK=postgres');
  }
  if (e.DATABASE_READ_URLS.length > 0 && e.REPOSITORY !== 'postgres') {
    throw new ConfigError('Invalid configuration: DATABASE_READ_URLS needs REPOSITORY=postgres');
  }
  if (e.EXPORT_STORAGE === 'database' && e.REPOSITORY !== 'postgres') {
    throw new ConfigError(
      'Invalid configuration: EXPORT_STORAGE=database needs REPOSITORY=postgres (export files are kept in the ' +
        'database of the jobs); with the memory store use EXPORT_STORAGE=directory or leave it unset',
    );
  }
  const min = e.PREDEFINED_MEDICATION_DAYS_MIN;
  const max = e.PREDEFINED_MEDICATION_DAYS_MAX;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new ConfigError(
      'Invalid configuration: PREDEFINED_MEDICATION_DAYS_MIN and _MAX must be whole numbers with 0 <= MIN <= MAX',
    );
  }
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  }
  const tls = tlsOf(e);
  if (tls === undefined && (e.TLS_CLIENT_CA_FILE !== undefined || e.TLS_CLIENT_NAMES !== undefined)) {
    throw new ConfigError(
      'Invalid configuration: TLS_CLIENT_CA_FILE and TLS_CLIENT_NAMES need TLS_CERT_FILE and TLS_KEY_FILE',
    );
  }
  if (tls !== undefined && tls.clientNames !== undefined && tls.clientCaFile === undefined) {
    throw new ConfigError(
      'Invalid configuration: TLS_CLIENT_NAMES needs TLS_CLIENT_CA_FILE (client certificates are only asked for then)',
    );
  }
  if (e.ADMIN_PORT !== 0 && e.ADMIN_PORT === e.PORT) {
    throw new ConfigError(`Invalid configuration: ADMIN_PORT ${e.ADMIN_PORT} must differ from PORT`);
  }
  const opsPaths = [e.METRICS_PATH, ...Object.values(OPS_PATHS)];
  // An operational path the template would take for a practice's FHIR base (or one below it).
  const underBase = basePathMatcher(e.BASE_PATH);
  const clash = opsPaths.find((p) => underBase(p) !== undefined);
  if (clash !== undefined) {
    throw new ConfigError(
      `Invalid configuration: ${clash} and BASE_PATH ${e.BASE_PATH} overlap; operational paths live outside the FHIR base`,
    );
  }
  if (Object.values(OPS_PATHS).some((p) => p === e.METRICS_PATH)) {
    throw new ConfigError(
      `Invalid configuration: METRICS_PATH ${e.METRICS_PATH} is taken by another operational endpoint`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    adminPort: e.ADMIN_PORT,
    adminHost: e.ADMIN_HOST,
    workers: e.WORKERS,
    ...(tls ? { tls } : {}),
    basePath: e.BASE_PATH,
    predefinedMedicationDays: { minDays: min, maxDays: max },
    bodyLimitBytes: e.BODY_LIMIT,
    resourceMemoBytes: e.RESOURCE_MEMO_MB * 1024 * 1024,
    patientSearch: {
      demographicEnabled: e.PATIENT_DEMOGRAPHIC_SEARCH,
      maxResults: e.PATIENT_SEARCH_MAX_RESULTS,
    },
    logLevel: e.LOG_LEVEL,
    ops: {
      metricsPath: e.METRICS_PATH,
      auditLog: e.AUDIT_LOG,
      auditFsync: e.AUDIT_FSYNC,
      auditSink:
        e.AUDIT_SINK === 'postgres' && e.DATABASE_URL !== undefined
          ? { kind: 'postgres', url: e.DATABASE_URL, timeoutMs: e.DB_STATEMENT_TIMEOUT_MS }
          : { kind: 'file' },
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      rateLimitBurst: e.RATE_LIMIT_BURST,
      maxInFlight: e.MAX_IN_FLIGHT,
      maxQueueDelayMs: e.MAX_QUEUE_DELAY_MS,
      bodyTimeoutMs: e.BODY_TIMEOUT_MS,
      retryAfterSeconds: e.RETRY_AFTER_SECONDS,
      maintenanceFile: e.MAINTENANCE_FILE.trim(),
      maintenancePollMs: e.MAINTENANCE_POLL_MS,
      maintenanceRetryAfterSeconds: e.MAINTENANCE_RETRY_AFTER_SECONDS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    },
    bulkExport: {
      storage: e.EXPORT_STORAGE ?? (e.REPOSITORY === 'postgres' ? 'database' : 'directory'),
      dir: e.EXPORT_DIR.trim() === '' ? DEFAULTS.EXPORT_DIR : e.EXPORT_DIR.trim(),
      fileMaxBytes: Math.max(1024, e.EXPORT_FILE_MAX_BYTES),
      maxPerConsumer: e.EXPORT_MAX_PER_CONSUMER,
      maxTotal: e.EXPORT_MAX_TOTAL,
      expiryMinutes: e.EXPORT_EXPIRY_MINUTES,
      batchSize: e.EXPORT_BATCH_SIZE,
      staleSeconds: e.EXPORT_STALE_SECONDS,
      retryAfterSeconds: e.EXPORT_RETRY_AFTER_SECONDS,
    },
    repository:
      e.REPOSITORY === 'postgres' && e.DATABASE_URL !== undefined
        ? {
            kind: 'postgres',
            url: e.DATABASE_URL,
            readUrls: e.DATABASE_READ_URLS,
            poolSize: e.DB_POOL_SIZE,
            statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
            retryAfterSeconds: e.DB_RETRY_AFTER_SECONDS,
            practiceCacheMs: e.PRACTICE_CACHE_MS,
            itemCacheBytes: e.ITEM_CACHE_MB * 1024 * 1024,
          }
        : {
            kind: 'memory',
            practiceFiles: e.PRACTICE_FILES.split(',')
              .map((f) => f.trim())
              .filter((f) => f !== ''),
          },
  };
}

function tlsOf(e: {
  readonly TLS_CERT_FILE?: string;
  readonly TLS_KEY_FILE?: string;
  readonly TLS_CLIENT_CA_FILE?: string;
  readonly TLS_CLIENT_NAMES?: readonly string[];
}): TlsConfig | undefined {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = e;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError('Invalid configuration: TLS_CERT_FILE and TLS_KEY_FILE must be given together');
  }
  return {
    certFile,
    keyFile,
    ...(e.TLS_CLIENT_CA_FILE !== undefined ? { clientCaFile: e.TLS_CLIENT_CA_FILE } : {}),
    ...(e.TLS_CLIENT_NAMES !== undefined ? { clientNames: e.TLS_CLIENT_NAMES } : {}),
  };
}

/**
 * What an operator should know at start that no error says: a practice in the store with a switch
 * off refuses every request (403 ACCESS DENIED) until `gpc-admin practice enable` (a migrated
 * one-practice database starts with both off, D-M6). main.ts logs these at warn.
 */
export function startupNotices(practices: readonly PracticeSummary[]): string[] {
  return practices
    .filter((p) => !p.gpConnectEnabled || !p.structuredEnabled)
    .map(
      (p) =>
        `Practice ${p.odsCode}: ${p.gpConnectEnabled ? 'Access Record: Structured' : 'GP Connect'} is switched off, ` +
        `so every FHIR request for it is refused with 403 ACCESS DENIED (gpc-admin practice enable ${p.odsCode})`,
    );
}
