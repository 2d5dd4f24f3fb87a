/** Issue 7: every operational setting is validated at start, with one clear line for a bad value. */
import { ConfigError, loadConfig, startupNotices } from '../../src/config';
import { allOn } from '../../src/record/practices';

describe('operational configuration', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).ops).toEqual({
      metricsPath: '/metrics',
      auditLog: 'audit/audit.log',
      auditFsync: true,
      auditSink: { kind: 'file' },
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

  it('the resource memo: 512 MB by default, 0 turns it off, a bad value is refused', () => {
    expect(loadConfig({}).resourceMemoBytes).toBe(512 * 1024 * 1024);
    expect(loadConfig({ RESOURCE_MEMO_MB: '0' }).resourceMemoBytes).toBe(0);
    expect(() => loadConfig({ RESOURCE_MEMO_MB: 'lots' })).toThrow(/RESOURCE_MEMO_MB/);
  });

  it('the PostgreSQL documents shared across requests: 256 MB by default, 0 turns them off', () => {
    const postgres = { REPOSITORY: 'postgres', DATABASE_URL: 'postgres://gpc@db.example:5432/gpc' };
    const itemCache = (env: Record<string, string>) => {
      const repository = loadConfig({ ...postgres, ...env }).repository;
      return repository.kind === 'postgres' ? repository.itemCacheBytes : undefined;
    };
    expect(itemCache({})).toBe(256 * 1024 * 1024);
    expect(itemCache({ ITEM_CACHE_MB: '0' })).toBe(0);
    expect(() => loadConfig({ ...postgres, ITEM_CACHE_MB: '-1' })).toThrow(/ITEM_CACHE_MB/);
  });

  it.each([
    [
      { RATE_LIMIT_PER_MINUTE: 'lots' },
      'Invalid configuration: RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 1000000',
    ],
    [
      { RATE_LIMIT_BURST: '0' },
      'Invalid configuration: RATE_LIMIT_BURST must be a whole number from 1 to 1000000',
    ],
    [
      { MAX_IN_FLIGHT: '2.5' },
      'Invalid configuration: MAX_IN_FLIGHT must be a whole number from 1 to 100000',
    ],
    [
      { MAX_QUEUE_DELAY_MS: '0.5' },
      'Invalid configuration: MAX_QUEUE_DELAY_MS must be a whole number from 0 to 60000',
    ],
    [
      { BODY_TIMEOUT_MS: '10' },
      'Invalid configuration: BODY_TIMEOUT_MS must be a whole number from 100 to 600000',
    ],
    // A practice's ASID is data in the store now (test/postgres/practices-admin.test.ts checks its format).
    [{ PROVIDER_ASID: '1234567890123' }, 'Invalid configuration: PROVIDER_ASID is no longer a setting'],
    [
      { RETRY_AFTER_SECONDS: '-1' },
      'Invalid configuration: RETRY_AFTER_SECONDS must be a whole number from 1 to 3600',
    ],
    [
      { SHUTDOWN_GRACE_MS: '' },
      'Invalid configuration: SHUTDOWN_GRACE_MS must be a whole number from 0 to 600000',
    ],
    [
      { METRICS_PATH: 'metrics' },
      'Invalid configuration: METRICS_PATH must be a path of one or more segments',
    ],
    [
      { METRICS_PATH: '/P99001/STU3/1/gpconnect/structured/metrics' },
      'overlap; operational paths live outside the FHIR base',
    ],
    [{ METRICS_PATH: '/health/live' }, 'Invalid configuration: METRICS_PATH /health/live is taken'],
    [
      { AUDIT_LOG: ' ' },
      'Invalid configuration: AUDIT_LOG must be "stdout" or a file path; the audit trail cannot be switched off',
    ],
    [
      { HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' },
      'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS',
    ],
    [{ KEEP_ALIVE_TIMEOUT_MS: '5s' }, 'Invalid configuration: KEEP_ALIVE_TIMEOUT_MS must be a whole number'],
  ])('%j → ConfigError', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('TLS settings: certificate and key together; client CA and names only with them', () => {
    expect(loadConfig({}).tls).toBeUndefined();
    expect(
      loadConfig({
        TLS_CERT_FILE: 'c.pem',
        TLS_KEY_FILE: 'k.pem',
        TLS_CLIENT_CA_FILE: 'ca.pem',
        TLS_CLIENT_NAMES: 'ssp.nhs.uk, b',
      }).tls,
    ).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
      clientCaFile: 'ca.pem',
      clientNames: ['ssp.nhs.uk', 'b'],
    });
    expect(() => loadConfig({ TLS_CERT_FILE: 'c.pem' })).toThrow(
      'TLS_CERT_FILE and TLS_KEY_FILE must be given together',
    );
    expect(() => loadConfig({ TLS_CLIENT_CA_FILE: 'ca.pem' })).toThrow('need TLS_CERT_FILE and TLS_KEY_FILE');
    expect(() =>
      loadConfig({ TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem', TLS_CLIENT_NAMES: 'a' }),
    ).toThrow('TLS_CLIENT_NAMES needs TLS_CLIENT_CA_FILE');
  });

  it('the admin listener: loopback port 8081 by default, never the FHIR port', () => {
    expect(loadConfig({})).toMatchObject({ adminHost: '127.0.0.1', adminPort: 8081 });
    expect(() => loadConfig({ PORT: '9000', ADMIN_PORT: '9000' })).toThrow(
      'ADMIN_PORT 9000 must differ from PORT',
    );
  });

  it('says at start which practices have a switch off (issue 12 item 9; the switches are store data)', () => {
    const on = { odsCode: 'P99001', name: 'On', ...allOn('200000000116') };
    const off = { odsCode: 'P99003', name: 'Off', ...allOn('200000000316'), structuredEnabled: false };
    const none = {
      odsCode: 'A12345',
      name: 'None',
      ...allOn('1'),
      gpConnectEnabled: false,
      structuredEnabled: false,
    };
    expect(startupNotices([on, off, none])).toEqual([
      expect.stringMatching(
        /^Practice P99003: Access Record: Structured is switched off, .*403 ACCESS DENIED/,
      ),
      expect.stringMatching(
        /^Practice A12345: GP Connect is switched off, .*gpc-admin practice enable A12345/,
      ),
    ]);
    expect(startupNotices([on])).toEqual([]);
  });
});
