/**
 * Choosing the store at start: REPOSITORY=postgres with DATABASE_URL serves from PostgreSQL; a
 * database that is down, unmigrated or empty stops the process at once with one clear line; the
 * practice switches ship off for a real store.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Client } from 'pg';

import { systemClock } from '../../src/clock';
import { ConfigError, loadConfig } from '../../src/config';
import { testPractice } from '../../src/record/memory/memory-practices';
import { Database } from '../../src/record/postgres/database';
import { migrate } from '../../src/record/postgres/migrate';
import { jwt, validClaims } from '../../tools/test-jwt';
import { freePort } from '../../tools/throwaway-postgres';
import { CONSUMER_ASID, INTERACTION, NHS, PROVIDER_ASID } from '../support/app';
import { nhsNumber, parameters } from '../support/parameters';
import { createTestDatabase, postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const root = join(__dirname, '..', '..');

const mainArgs = ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')];

function startOnce(env: Record<string, string>) {
  return spawnSync(process.execPath, mainArgs, {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '18433',
      ADMIN_PORT: '0',
      LOG_LEVEL: 'silent',
      AUDIT_LOG: '/dev/null',
      // One process, as before WORKERS (test/cluster covers a start that fails with two).
      WORKERS: '1',
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('store configuration', () => {
  it('REPOSITORY=postgres needs DATABASE_URL, and DATABASE_URL must be a postgres URL', () => {
    expect(() => loadConfig({ REPOSITORY: 'postgres' })).toThrow(
      new ConfigError('Invalid configuration: DATABASE_URL is required when REPOSITORY=postgres'),
    );
    expect(() => loadConfig({ REPOSITORY: 'postgres', DATABASE_URL: 'mysql://x/y' })).toThrow(
      'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
    expect(() => loadConfig({ REPOSITORY: 'oracle' })).toThrow(/Invalid configuration: REPOSITORY/);
    expect(() => loadConfig({ DB_POOL_SIZE: '0' })).toThrow(
      /Invalid configuration: DB_POOL_SIZE must be a whole number/,
    );
  });

  it('PostgreSQL settings, with the practice settings cache', () => {
    const postgres = loadConfig({ REPOSITORY: 'postgres', DATABASE_URL: 'postgres://u@h/db' });
    expect(postgres.repository).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
      poolSize: 10,
      statementTimeoutMs: 2000,
      retryAfterSeconds: 5,
      practiceCacheMs: 1000,
      readUrls: [],
      itemCacheBytes: 256 * 1024 * 1024,
    });
  });

  it('DATABASE_READ_URLS lists read replicas, each a PostgreSQL URL, for the PostgreSQL store only', () => {
    const env = { REPOSITORY: 'postgres', DATABASE_URL: 'postgres://u@h/db' };
    const config = loadConfig({ ...env, DATABASE_READ_URLS: ' postgres://u@r1/db, postgresql://u@r2/db ,' });
    expect(config.repository).toMatchObject({ readUrls: ['postgres://u@r1/db', 'postgresql://u@r2/db'] });
    expect(() => loadConfig({ ...env, DATABASE_READ_URLS: 'postgres://u@r1/db,mysql://r2/db' })).toThrow(
      /Invalid configuration: DATABASE_READ_URLS must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(() => loadConfig({ DATABASE_READ_URLS: 'postgres://u@r1/db' })).toThrow(
      'Invalid configuration: DATABASE_READ_URLS needs REPOSITORY=postgres',
    );
  });

  it('AUDIT_SINK is the file trail by default, or the database named by DATABASE_URL', () => {
    expect(loadConfig({}).ops.auditSink).toEqual({ kind: 'file' });
    expect(
      loadConfig({
        AUDIT_SINK: 'postgres',
        DATABASE_URL: 'postgres://u@h/db',
        DB_STATEMENT_TIMEOUT_MS: '3000',
      }).ops.auditSink,
    ).toEqual({ kind: 'postgres', url: 'postgres://u@h/db', timeoutMs: 3000 });
    expect(() => loadConfig({ AUDIT_SINK: 'postgres' })).toThrow(
      'Invalid configuration: DATABASE_URL is required when AUDIT_SINK=postgres',
    );
    expect(() => loadConfig({ AUDIT_SINK: 'none' })).toThrow(/Invalid configuration: AUDIT_SINK/);
  });

  it('EXPORT_STORAGE is database over PostgreSQL and directory over memory by default; database needs PostgreSQL', () => {
    const postgres = { REPOSITORY: 'postgres', DATABASE_URL: 'postgres://u@h/db' };
    expect(loadConfig(postgres).bulkExport.storage).toBe('database');
    expect(loadConfig({ ...postgres, EXPORT_STORAGE: 'directory' }).bulkExport.storage).toBe('directory');
    expect(loadConfig({}).bulkExport.storage).toBe('directory');
    expect(() => loadConfig({ EXPORT_STORAGE: 'database' })).toThrow(
      new ConfigError(
        'Invalid configuration: EXPORT_STORAGE=database needs REPOSITORY=postgres (export files are kept in the ' +
          'database of the jobs); with the memory store use EXPORT_STORAGE=directory or leave it unset',
      ),
    );
    expect(() => loadConfig({ ...postgres, EXPORT_STORAGE: 's3' })).toThrow(
      /Invalid configuration: EXPORT_STORAGE/,
    );
  });

  it('EXPORT_STORAGE=database with the memory store stops the process at start with that line', () => {
    const run = startOnce({ EXPORT_STORAGE: 'database' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid configuration: EXPORT_STORAGE=database needs REPOSITORY=postgres/),
    ]);
  });

  it('the one-practice settings now held per practice in the store stop the process with the way to change them', () => {
    for (const name of ['PROVIDER_ASID', 'GPC_ENABLED', 'GPC_STRUCTURED_ENABLED', 'GPC_DISABLED_AREAS']) {
      expect(() => loadConfig({ [name]: 'x' })).toThrow(
        new ConfigError(
          `Invalid configuration: ${name} is no longer a setting: each practice's ASID and switches are data in the store, ` +
            'changed with `gpc-admin practice set|enable|disable` (see CHANGELOG)',
        ),
      );
    }
  });

  it('BASE_PATH is a template with one {ods} segment', () => {
    expect(loadConfig({}).basePath).toBe('/{ods}/STU3/1/gpconnect/structured');
    expect(() => loadConfig({ BASE_PATH: '/A12345/STU3/1/gpconnect/structured' })).toThrow(
      /BASE_PATH must be a path template with exactly one \{ods\} segment/,
    );
    expect(() => loadConfig({ BASE_PATH: '/{ods}/{ods}/x' })).toThrow(/BASE_PATH must be a path template/);
    expect(loadConfig({ BASE_PATH: '/gpc/{ods}/STU3/1/gpconnect/structured' }).basePath).toBe(
      '/gpc/{ods}/STU3/1/gpconnect/structured',
    );
  });
});

describe('starting over PostgreSQL', () => {
  let empty: TestDatabase;
  let seeded: TestDatabase;

  beforeAll(async () => {
    empty = await createTestDatabase();
    const { repository, database } = await postgresRepositoryFor(testPractice(systemClock.today()));
    await repository.close();
    seeded = database;
  });
  afterAll(async () => {
    await empty.drop();
    await seeded.drop();
  });

  it('a database that cannot be reached stops the process with one line', () => {
    const run = startOnce({
      REPOSITORY: 'postgres',
      DATABASE_URL: 'postgres://gpc@127.0.0.1:1/none',
      DB_STATEMENT_TIMEOUT_MS: '1000',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'PostgreSQL at 127.0.0.1:1/none cannot be reached (within DB_STATEMENT_TIMEOUT_MS=1000)',
    ]);
  });

  it('an unmigrated database stops the process with one line naming the fix', () => {
    const run = startOnce({ REPOSITORY: 'postgres', DATABASE_URL: empty.url });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^PostgreSQL at .+ has no schema: run `gpc-admin migrate`$/),
    ]);
  });

  it('a migrated database with no practice stops the process with one line', async () => {
    const db = new Database({ url: empty.url, poolSize: 1, statementTimeoutMs: 5000, retryAfterSeconds: 5 });
    await migrate(db);
    await db.close();
    const run = startOnce({ REPOSITORY: 'postgres', DATABASE_URL: empty.url });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/holds no practice: run `gpc-admin import FILE` or `gpc-admin seed`$/),
    ]);
  });

  it('a seeded database: the server starts, is ready, and answers from PostgreSQL', async () => {
    const port = await freePort();
    const adminPort = await freePort();
    const child = spawn(process.execPath, mainArgs, {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        LOG_LEVEL: 'info',
        AUDIT_LOG: '/dev/null',
        WORKERS: '1',
        REPOSITORY: 'postgres',
        DATABASE_URL: seeded.url,
        // About the store, not shedding: a busy test machine must not turn the request into a 503 (test/ops covers that).
        MAX_QUEUE_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const listening = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('"listening"') && out.includes('"admin listening"')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(listening).toContain('"repository":"postgres"');
      expect(listening).toContain('"exportStorage":"database"');
      const ready = await fetch(`http://127.0.0.1:${adminPort}/health/ready`);
      expect(ready.status).toBe(200);
      const now = Math.floor(Date.now() / 1000);
      const res = await fetch(
        `http://127.0.0.1:${port}/P99001/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`,
        {
          method: 'POST',
          headers: {
            'Ssp-TraceID': 'startup-test-1',
            'Ssp-From': CONSUMER_ASID,
            'Ssp-To': PROVIDER_ASID,
            'Ssp-InteractionID': INTERACTION.record,
            Authorization: `Bearer ${jwt(validClaims(now))}`,
            'Content-Type': 'application/fhir+json',
          },
          body: JSON.stringify(parameters(nhsNumber(NHS.patient2))),
        },
      );
      expect(res.status).toBe(200);
      const bundle = (await res.json()) as {
        id: string;
        entry: { resource: { resourceType: string; id: string } }[];
      };
      expect(bundle.id).toBe('startup-test-1');
      expect(bundle.entry.map((e) => e.resource.resourceType)).toContain('Patient');
      // The database really is the source: the patient count matches what was seeded.
      const client = new Client({ connectionString: seeded.url });
      await client.connect();
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM patients');
      await client.end();
      expect(Number(rows[0].n)).toBe(testPractice(systemClock.today()).patients.length);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 60_000);
});
