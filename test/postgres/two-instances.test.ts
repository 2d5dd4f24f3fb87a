/**
 * Beyond one machine (issue 15): two server processes over one PostgreSQL database, both with
 * AUDIT_SINK=postgres, answer requests spread across them at once; the audit_trail table then holds
 * exactly one request record per request, both instances' records, and one chain that verifies.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { systemClock } from '../../src/clock';
import { verifyAuditTable } from '../../src/ops/verify-audit-postgres';
import { testPractice } from '../../src/record/memory/memory-practices';
import { jwt, validClaims } from '../../tools/test-jwt';
import { freePort } from '../../tools/throwaway-postgres';
import { CONSUMER_ASID, INTERACTION, NHS, PROVIDER_ASID } from '../support/app';
import { nhsNumber, parameters } from '../support/parameters';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const root = join(__dirname, '..', '..');
const REQUESTS = 40;

interface Instance {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
}

async function startInstance(url: string): Promise<Instance> {
  const port = await freePort();
  const adminPort = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PORT: String(adminPort),
        LOG_LEVEL: 'info',
        REPOSITORY: 'postgres',
        DATABASE_URL: url,
        AUDIT_SINK: 'postgres',
        // About the audit, not shedding: a busy test machine must not turn a request into a 503.
        MAX_QUEUE_DELAY_MS: '0',
      },
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"listening"') && out.includes('"admin listening"')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const ready = await fetch(`http://127.0.0.1:${adminPort}/health/ready`);
  expect(ready.status).toBe(200);
  return { child, port };
}

async function stop(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once('exit', resolve));
  instance.child.kill('SIGTERM');
  await exited;
}

function send(instance: Instance, traceId: string): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  return fetch(
    `http://127.0.0.1:${instance.port}/P99001/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`,
    {
      method: 'POST',
      headers: {
        'Ssp-TraceID': traceId,
        'Ssp-From': CONSUMER_ASID,
        'Ssp-To': PROVIDER_ASID,
        'Ssp-InteractionID': INTERACTION.record,
        Authorization: `Bearer ${jwt(validClaims(now))}`,
        'Content-Type': 'application/fhir+json',
      },
      body: JSON.stringify(parameters(nhsNumber(NHS.patient2))),
    },
  ).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });
}

describe('two instances over one PostgreSQL, AUDIT_SINK=postgres', () => {
  let database: TestDatabase;
  let a: Instance | undefined;
  let b: Instance | undefined;

  beforeAll(async () => {
    const seeded = await postgresRepositoryFor(testPractice(systemClock.today()));
    await seeded.repository.close();
    database = seeded.database;
  });
  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    await database.drop();
  });

  it('one audit record per request across both, both instances present, one chain that verifies', async () => {
    [a, b] = await Promise.all([startInstance(database.url), startInstance(database.url)]);
    const instances = [a, b];
    const traceIds = Array.from({ length: REQUESTS }, (_, i) => `two-instances-${i}`);
    const statuses = await Promise.all(traceIds.map((id, i) => send(instances[i % 2], id)));
    expect(statuses).toEqual(traceIds.map(() => 200));
    await Promise.all([stop(a), stop(b)]);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ line: string }>('SELECT line FROM audit_trail ORDER BY seq');
    await client.end();
    const records = rows.map(
      (r) => JSON.parse(r.line) as { type: string; traceId?: string; instance: string },
    );
    const requests = records.filter((r) => r.type === 'request');
    expect(requests.map((r) => r.traceId).sort()).toEqual([...traceIds].sort());
    const names = instances.map((i) => `${hostname()}:${i.child.pid}`);
    for (const [k, name] of names.entries()) {
      // Each instance audited exactly the requests sent to it, and its own start and stop.
      expect(
        requests
          .filter((r) => r.instance === name)
          .map((r) => r.traceId)
          .sort(),
      ).toEqual(traceIds.filter((_, i) => i % 2 === k).sort());
      expect(records.filter((r) => r.instance === name).map((r) => r.type)).toEqual(
        expect.arrayContaining(['service.start', 'service.stop']),
      );
    }
    const check = await verifyAuditTable(database.url);
    expect(check).toMatchObject({ ok: true, records: records.length });
    expect(Object.keys(check.instances).sort()).toEqual([...names].sort());
  }, 120_000);
});
