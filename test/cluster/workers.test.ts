/**
 * WORKERS=2 (issue 15, "Every core"; docs/decisions.md D-70): two workers serve one port; the primary
 * writes one audit trail that verifies, with exactly one record per request and the worker that
 * served it; metrics are summed across workers; maintenance reaches every worker; a killed worker is
 * replaced while the port keeps answering; SIGTERM with requests in flight answers them all and exits
 * cleanly; a trail that cannot be written gives 503 from every worker; a start that cannot succeed
 * is reported once and the process exits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { verifyAuditFile } from '../../src/ops/verify-audit';
import {
  type AuditLine,
  get,
  postRecord,
  postRecordInTwoHalves,
  type RunningService,
  startService,
} from '../support/cluster';

const recordsOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditLine);

const requestsOf = (file: string) => recordsOf(file).filter((r) => r.type === 'request');

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function readyWorkers(service: RunningService): Promise<number> {
  const ready = await get(service.adminPort, '/health/ready');
  return (JSON.parse(ready.body) as { checks: { workers: { ready: number } } }).checks.workers.ready;
}

describe('WORKERS=2 on one port', () => {
  let dir: string;
  let audit: string;
  let maintenance: string;
  let service: RunningService;
  const traceIds: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpc-cluster-'));
    audit = join(dir, 'audit.log');
    maintenance = join(dir, 'maintenance');
    service = await startService({
      AUDIT_LOG: audit,
      MAINTENANCE_FILE: maintenance,
      MAINTENANCE_POLL_MS: '200',
      SHUTDOWN_GRACE_MS: '20000',
    });
    await service.waitFor(/"message":"listening".*"workers":2/);
    await service.waitFor(/"message":"admin listening"/);
  }, 300_000);
  afterAll(() => {
    service.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready once both workers are; requests are spread over both; metrics are summed', async () => {
    const ready = await get(service.adminPort, '/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({
      status: 'ready',
      checks: { audit: true, repository: true, workers: { expected: 2, ready: 2 } },
    });
    const ids = Array.from({ length: 40 }, (_, i) => `spread-${i}`);
    traceIds.push(...ids);
    const answers = await Promise.all(ids.map((id) => postRecord(service.port, id)));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(JSON.parse(answers[0].body)).toMatchObject({ resourceType: 'Bundle' });

    const served = requestsOf(audit).filter((r) => ids.includes(r.traceId as string));
    expect(served).toHaveLength(ids.length);
    expect(new Set(served.map((r) => r.worker)).size).toBe(2);

    const metrics = await get(service.adminPort, '/metrics');
    expect(metrics.body).toContain(
      `gpc_practice_requests_total{practice_ods="P99001",status="200"} ${ids.length}`,
    );
    expect(metrics.body).toMatch(/^gpc_workers 2$/m);
    expect(metrics.body).toMatch(/^gpc_build_info\{version="[^"]+",gp_connect_version="1.6.2"\} 1$/m);
  }, 60_000);

  it('maintenance: every worker answers 503 within the poll interval, and again 200 when it is off', async () => {
    writeFileSync(maintenance, '');
    // MAINTENANCE_POLL_MS is 200; give a loaded machine a margin.
    await new Promise((r) => setTimeout(r, 1000));
    const ids = Array.from({ length: 8 }, (_, i) => `maintenance-${i}`);
    traceIds.push(...ids);
    const answers = await Promise.all(ids.map((id) => postRecord(service.port, id)));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 503));
    expect(answers[0].body).toContain('maintenance');
    const refused = requestsOf(audit).filter((r) => ids.includes(r.traceId as string));
    expect(new Set(refused.map((r) => r.worker)).size).toBe(2);
    expect((await get(service.adminPort, '/health/ready')).status).toBe(503);
    // The toggle is audited once, by the primary, not once per worker.
    await eventually(
      async () => recordsOf(audit).some((r) => r.type === 'config.change' && r.value === true),
      5000,
    );
    expect(recordsOf(audit).filter((r) => r.type === 'config.change' && r.value === true)).toHaveLength(1);

    rmSync(maintenance);
    await new Promise((r) => setTimeout(r, 1000));
    const back = Array.from({ length: 6 }, (_, i) => `after-maintenance-${i}`);
    traceIds.push(...back);
    expect((await Promise.all(back.map((id) => postRecord(service.port, id)))).map((a) => a.status)).toEqual(
      back.map(() => 200),
    );
  }, 60_000);

  it('a killed worker is logged, audited and replaced; the port keeps answering meanwhile', async () => {
    const pids = /"message":"listening".*"pids":\[(\d+),(\d+)\]/.exec(service.output());
    expect(pids).not.toBeNull();
    process.kill(Number(pids?.[1]), 'SIGKILL');
    await service.waitFor(/worker ended unasked; replacing it/, 10_000);
    const during = Array.from({ length: 4 }, (_, i) => `during-respawn-${i}`);
    traceIds.push(...during);
    expect(
      (await Promise.all(during.map((id) => postRecord(service.port, id)))).map((a) => a.status),
    ).toEqual(during.map(() => 200));
    await eventually(async () => (await readyWorkers(service)) === 2, 90_000);
    const exit = recordsOf(audit).find((r) => r.type === 'worker.exit');
    expect(exit).toMatchObject({ pid: Number(pids?.[1]), signal: 'SIGKILL', startedListening: true });
    expect((await get(service.adminPort, '/metrics')).body).toMatch(/^gpc_worker_exits_total 1$/m);
  }, 300_000);

  it('SIGTERM with requests in flight: every one is answered, the exit is clean, the trail verifies', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `in-flight-${i}`);
    // Each request's body stops halfway: the workers hold them, in flight, when the signal comes.
    const held = ids.map((id) => postRecordInTwoHalves(service.port, id));
    await new Promise((r) => setTimeout(r, 2000));
    service.child.kill('SIGTERM');
    await service.waitFor(/"message":"shutting down".*"worker"/, 10_000);
    for (const request of held) request.finish();
    const answers = await Promise.all(held.map((h) => h.answer));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(answers.map((a) => a.headers.connection)).toEqual(ids.map(() => 'close'));
    expect(await service.exited).toBe(0);
    expect(service.output()).toMatch(/"drained":true,"level":"info","message":"stopped"/);
    traceIds.push(...ids);

    const check = await verifyAuditFile(audit);
    expect(check).toMatchObject({ ok: true, partialLastLine: false });
    const records = requestsOf(audit);
    // Exactly one record per request, whichever worker served it.
    for (const id of traceIds) expect(records.filter((r) => r.traceId === id)).toHaveLength(1);
    expect(records).toHaveLength(traceIds.length);
    const types = recordsOf(audit).map((r) => r.type);
    expect(types[0]).toBe('service.start');
    expect(types[types.length - 1]).toBe('service.stop');
    expect(types.filter((t) => t === 'worker.stop').length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});

describe('WORKERS=2: an audit trail that cannot be written', () => {
  it('every worker refuses with 503, readiness says why, the primary stays up', async () => {
    const service = await startService({ AUDIT_LOG: '/dev/full' });
    try {
      await service.waitFor(/"message":"listening".*"workers":2/);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => postRecord(service.port, `dev-full-${i}`)),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.body).toContain('audit trail cannot be written');
        expect(answer.headers['retry-after']).toBe('1');
      }
      const ready = await get(service.adminPort, '/health/ready');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toMatchObject({ checks: { audit: false } });
      expect(service.output()).toMatch(/the audit trail cannot be written.*ENOSPC/);
      expect(service.output()).not.toContain('worker ended unasked');
    } finally {
      service.kill();
    }
  }, 300_000);
});

describe('WORKERS=2: a start that cannot succeed', () => {
  it('says why once and exits non-zero, without forking again', async () => {
    const service = await startService({
      REPOSITORY: 'postgres',
      // Nothing listens on port 1.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      AUDIT_LOG: '/dev/null',
    });
    try {
      expect(await service.exited).toBe(1);
      const out = service.output();
      const lines = out.split('\n').filter((l) => /PostgreSQL|database|127\.0\.0\.1:1/i.test(l));
      expect(lines).toHaveLength(1);
      expect(out).not.toContain('replacing it');
    } finally {
      service.kill();
    }
  }, 300_000);
});
