/**
 * AUDIT_SINK=postgres (D-S1): records from many writers land in one table as one verifiable chain;
 * the verifier sees any edit, gap or removal; the database going away refuses answers (503, nothing
 * released), says not ready, and recovers by itself when it is back. This file starts its own
 * PostgreSQL so that stopping it disturbs no other test.
 */
import { Client } from 'pg';
import request from 'supertest';

import { runAdmin } from '../../src/cli/admin';
import type { AuditRecord } from '../../src/ops/audit';
import { PostgresAuditTrail } from '../../src/ops/postgres-audit';
import { verifyAuditTable } from '../../src/ops/verify-audit-postgres';
import { Database } from '../../src/record/postgres/database';
import { migrate } from '../../src/record/postgres/migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../tools/throwaway-postgres';
import { NHS, postRecord, testApp } from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';

const body = parameters(nhsNumber(NHS.patient2));

let server: ThrowawayPostgres;
let url: string;

async function sql<R extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function freshTrail(): Promise<void> {
  await sql('ALTER TABLE audit_trail DISABLE TRIGGER USER');
  await sql('TRUNCATE audit_trail');
  await sql('ALTER TABLE audit_trail ENABLE TRIGGER USER');
  await sql(`UPDATE audit_chain_head SET seq = 0, hash = repeat('0', 64)`);
}

const trail = (instance: string, retryMs = 60_000) =>
  new PostgresAuditTrail({ url, instance, timeoutMs: 1000, retryMs, now: () => new Date() });

beforeAll(async () => {
  server = await startThrowawayPostgres();
  url = server.url;
  const db = new Database({ url, poolSize: 1, statementTimeoutMs: 5000, retryAfterSeconds: 5 });
  await migrate(db);
  await db.close();
}, 60_000);
afterAll(() => server.destroy());
beforeEach(() => freshTrail());

describe('one chain for every instance', () => {
  it('two writers recording at once: every record is in the table once, in one chain that verifies', async () => {
    const a = trail('host-a:1');
    const b = trail('host-b:2');
    const written: AuditRecord[] = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 === 0 ? a : b).record({ type: 'request', traceId: `t-${i}` }),
      ),
    );
    await Promise.all([a.close(), b.close()]);
    expect(new Set(written.map((r) => r.seq)).size).toBe(300);
    const rows = await sql<{ line: string }>('SELECT line FROM audit_trail ORDER BY seq');
    const traces = rows.map((r) => (JSON.parse(r.line) as { traceId: string }).traceId);
    expect(traces.sort()).toEqual(Array.from({ length: 300 }, (_, i) => `t-${i}`).sort());
    const check = await verifyAuditTable(url);
    expect(check).toMatchObject({ ok: true, records: 300, instances: { 'host-a:1': 150, 'host-b:2': 150 } });
    // The head names the last record.
    expect(Number((await sql<{ seq: string }>('SELECT seq FROM audit_chain_head'))[0].seq)).toBe(300);
  });

  it('the table is append-only for the service, and the verifier finds an edit, a gap and a cut end', async () => {
    const a = trail('host-a:1');
    for (let i = 0; i < 5; i++) await a.record({ type: 'request', traceId: `t-${i}` });
    await a.close();
    await expect(sql("UPDATE audit_trail SET instance = 'x'")).rejects.toThrow(/append-only/);
    await expect(sql('DELETE FROM audit_trail WHERE seq = 2')).rejects.toThrow(/append-only/);

    const out: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(l),
      env: { DATABASE_URL: url },
    };
    expect(await runAdmin(['verify-audit', '--postgres'], io)).toBe(0);
    expect(out).toEqual(['audit_trail: the chain verifies (5 records; host-a:1: 5)']);

    // Someone with the table owner's rights goes around the trigger.
    await sql('ALTER TABLE audit_trail DISABLE TRIGGER USER');
    await sql(`UPDATE audit_trail SET line = replace(line, '"t-2"', '"t-9"') WHERE seq = 3`);
    expect(await verifyAuditTable(url)).toMatchObject({ ok: false, records: 2 });
    expect((await verifyAuditTable(url)).problem).toBe('the chain is BROKEN at record 3');
    await sql(`UPDATE audit_trail SET line = replace(line, '"t-9"', '"t-2"') WHERE seq = 3`);
    await sql('DELETE FROM audit_trail WHERE seq = 2');
    expect((await verifyAuditTable(url)).problem).toBe('record 2 is missing (the next is 3)');
    await sql('DELETE FROM audit_trail WHERE seq > 1');
    expect((await verifyAuditTable(url)).problem).toBe(
      'the chain head (record 5) does not name the last record (1)',
    );
    out.length = 0;
    expect(await runAdmin(['verify-audit', '--postgres'], io)).toBe(1);
    expect(out[0]).toMatch(/^audit_trail: the chain head .* \(after 1 good records\)$/);
    await sql('ALTER TABLE audit_trail ENABLE TRIGGER USER');
  });
});

describe('AUDIT_SINK=postgres in the service', () => {
  it('database down: answers refused 503 with nothing released, not ready; back: recovers by itself', async () => {
    const t = testApp({
      env: {
        AUDIT_SINK: 'postgres',
        DATABASE_URL: url,
        DB_STATEMENT_TIMEOUT_MS: '1000',
        RETRY_AFTER_SECONDS: '7',
      },
      auditFromSettings: true,
      auditRetryMs: 100,
    });
    try {
      expectBundle(await postRecord(t, body, { traceId: 'before' }));
      expect((await request(t.admin).get('/health/ready')).status).toBe(200);

      server.stop();
      const started = Date.now();
      const refused = await postRecord(t, body, { traceId: 'refused' });
      expect(Date.now() - started).toBeLessThan(5000);
      const outcome = expectOperationOutcome(refused, 503, 'SERVICE_UNAVAILABLE');
      expect(outcome.issue[0].diagnostics).toContain('audit trail cannot be written');
      expect(refused.headers['retry-after']).toBe('7');
      expect(refused.text).not.toContain('Bundle');
      const ready = await request(t.admin).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ checks: { audit: false } });

      server.start();
      const deadline = Date.now() + 15_000;
      while ((await request(t.admin).get('/health/ready')).status !== 200) {
        if (Date.now() > deadline) throw new Error('the trail did not recover within 15 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      expectBundle(await postRecord(t, body, { traceId: 'after' }));
    } finally {
      await t.ops.audit.close();
    }
    const records = (await sql<{ line: string }>('SELECT line FROM audit_trail ORDER BY seq')).map(
      (r) => JSON.parse(r.line) as { type: string; traceId?: string; refusedResponses?: number },
    );
    expect(records.filter((r) => r.type === 'request').map((r) => r.traceId)).toEqual(['before', 'after']);
    expect(records.find((r) => r.type === 'audit.recovered')).toMatchObject({ refusedResponses: 1 });
    expect(records.map((r) => r.type)).toContain('service.start');
    expect(await verifyAuditTable(url)).toMatchObject({ ok: true });
  }, 60_000);
});
