/**
 * Beyond one machine (issue 15): two server processes over one PostgreSQL database, both with
 * AUDIT_SINK=postgres, answer requests spread across them at once; the audit_trail table then holds
 * exactly one request record per request, both instances' records, and one chain that verifies.
 */
import { hostname } from 'node:os';

import { Client } from 'pg';

import { systemClock } from '../../src/clock';
import { verifyAuditTable } from '../../src/ops/verify-audit-postgres';
import { testPractice } from '../../src/record/memory/memory-practices';
import { jwt, validClaims } from '../../tools/test-jwt';
import { CONSUMER_ASID, INTERACTION, NHS, PROVIDER_ASID } from '../support/app';
import { type Instance, startInstance, stopInstance } from '../support/instances';
import { nhsNumber, parameters } from '../support/parameters';
import { postgresRepositoryFor, type TestDatabase } from '../support/postgres';

const REQUESTS = 40;

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
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await database.drop();
  });

  it('one audit record per request across both, both instances present, one chain that verifies', async () => {
    const audited = { AUDIT_SINK: 'postgres' };
    [a, b] = await Promise.all([startInstance(database.url, audited), startInstance(database.url, audited)]);
    const instances = [a, b];
    const traceIds = Array.from({ length: REQUESTS }, (_, i) => `two-instances-${i}`);
    const statuses = await Promise.all(traceIds.map((id, i) => send(instances[i % 2], id)));
    expect(statuses).toEqual(traceIds.map(() => 200));
    await Promise.all([stopInstance(a), stopInstance(b)]);

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
