/** Issue 7: every operational setting is validated at start, with one clear line for a bad value. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('operational configuration', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).ops).toEqual({
      metricsPath: '/metrics',
      auditLog: 'stdout',
      rateLimitPerMinute: undefined,
      rateLimitBurst: 60,
      maxInFlight: 64,
      maxQueueDelayMs: 200,
      bodyTimeoutMs: 5000,
      retryAfterSeconds: 1,
      maintenanceFile: '/run/gpconnect-structured/maintenance',
      maintenancePollMs: 1000,
      maintenanceRetryAfterSeconds: 300,
      shutdownGraceMs: 10000,
      requestTimeoutMs: 10000,
      headersTimeoutMs: 5000,
      keepAliveTimeoutMs: 5000,
    });
  });

  it.each([
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, 'Invalid configuration: RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 1000000'],
    [{ RATE_LIMIT_BURST: '0' }, 'Invalid configuration: RATE_LIMIT_BURST must be a whole number from 1 to 1000000'],
    [{ MAX_IN_FLIGHT: '2.5' }, 'Invalid configuration: MAX_IN_FLIGHT must be a whole number from 1 to 100000'],
    [{ MAX_QUEUE_DELAY_MS: '0.5' }, 'Invalid configuration: MAX_QUEUE_DELAY_MS must be a whole number from 0 to 60000'],
    [{ BODY_TIMEOUT_MS: '10' }, 'Invalid configuration: BODY_TIMEOUT_MS must be a whole number from 100 to 600000'],
    [{ PROVIDER_ASID: '1234567890123' }, 'Invalid configuration: PROVIDER_ASID must be an ASID: 1 to 12 digits'],
    [{ RETRY_AFTER_SECONDS: '-1' }, 'Invalid configuration: RETRY_AFTER_SECONDS must be a whole number from 1 to 3600'],
    [{ SHUTDOWN_GRACE_MS: '' }, 'Invalid configuration: SHUTDOWN_GRACE_MS must be a whole number from 0 to 600000'],
    [{ METRICS_PATH: 'metrics' }, 'Invalid configuration: METRICS_PATH must be a path of one or more segments'],
    [{ METRICS_PATH: '/P99001/STU3/1/gpconnect/structured/metrics' }, 'overlap; operational paths live outside the FHIR base'],
    [{ METRICS_PATH: '/health/live' }, 'Invalid configuration: METRICS_PATH /health/live is taken'],
    [{ AUDIT_LOG: ' ' }, 'Invalid configuration: AUDIT_LOG must be "stdout" or a file path; the audit trail cannot be switched off'],
    [{ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' }, 'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS'],
    [{ KEEP_ALIVE_TIMEOUT_MS: '5s' }, 'Invalid configuration: KEEP_ALIVE_TIMEOUT_MS must be a whole number'],
  ])('%j → ConfigError', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('the process refuses to start, with one line, when the audit log cannot be opened', () => {
    const root = join(__dirname, '..', '..');
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '18099', HOST: '127.0.0.1', AUDIT_LOG: '/nonexistent-dir/audit.log', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: AUDIT_LOG \/nonexistent-dir\/audit\.log cannot be opened for appending: ENOENT/);
  });
});
