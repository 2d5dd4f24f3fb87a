/**
 * Issue 12 item 7: the audit record is written before the response leaves; a trail that cannot be
 * written refuses answers (503), says not ready, never crashes and recovers by itself; a partial last
 * line is repaired at start; requests Node rejects before the app are audited.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { OperationOutcome } from 'fhir/r3';
import request from 'supertest';

import { createLogger } from '../../src/logger';
import { AuditLog, verifyAuditChain } from '../../src/ops/audit';
import { createHttpServer } from '../../src/ops/server';
import { jwt, validClaims } from '../../tools/test-jwt';
import { freePort } from '../../tools/throwaway-postgres';
import {
  CONSUMER_ASID,
  INTERACTION,
  NHS,
  postRecord,
  PROVIDER_ASID,
  RECORD_PATH,
  testApp,
} from '../support/app';
import { FaultyDisk } from '../support/faulty-disk';
import { conditionOf, expectBundle, expectOperationOutcome } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';
import { validateResource } from '../support/profiles';
import { expectXmlOperationOutcome } from '../support/xml';

const body = parameters(nhsNumber(NHS.patient2));
const root = join(__dirname, '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpc-audit-durability-'));
});
// Each test's audit trails are closed, so no file handle is left for the garbage collector.
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((trail) => trail.close().catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown> & { type: string; seq: number };
const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
const recordsOf = (file: string) => linesOf(file).map((l) => JSON.parse(l) as Line);

function faultyApp(disk: FaultyDisk, file = join(dir, 'audit.log'), auditRetryMs = 60_000) {
  const t = testApp({
    auditTarget: { file },
    auditOpener: disk.opener,
    auditRetryMs,
    env: { RETRY_AFTER_SECONDS: '7' },
  });
  opened.push(t.ops.audit);
  return { file, t };
}

describe('audit before release', () => {
  it('no byte of the answer leaves until its audit record is on disk', async () => {
    const disk = new FaultyDisk();
    const { t, file } = faultyApp(disk);
    await request(t.admin).get('/health/live');
    let unstall: () => void = () => undefined;
    disk.stall = new Promise<void>((resolve) => (unstall = resolve));
    let answered = false;
    const pending = postRecord(t, body, { traceId: 'held-1' }).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    disk.stall = undefined;
    unstall();
    expectBundle(await pending);
    expect(recordsOf(file).find((r) => r.traceId === 'held-1')).toMatchObject({
      outcome: { status: 200, released: true },
    });
  });

  it.each(['ENOSPC', 'EIO', 'EACCES'] as const)(
    '%s: 503 + Retry-After with an OperationOutcome, not ready, no crash; recovers with the next request',
    async (fault) => {
      const disk = new FaultyDisk();
      const { t, file } = faultyApp(disk);
      expectBundle(await postRecord(t, body, { traceId: 'before' }));
      disk.fault = fault;
      const refused = await postRecord(t, body, { traceId: 'refused' });
      const outcome = expectOperationOutcome(refused, 503, 'SERVICE_UNAVAILABLE');
      expect(outcome.issue[0].diagnostics).toContain('audit trail cannot be written');
      expect(refused.headers['retry-after']).toBe('7');
      expect(refused.text).not.toContain('Bundle');
      const ready = await request(t.admin).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', checks: { audit: false } });

      disk.fault = undefined;
      expectBundle(await postRecord(t, body, { traceId: 'after' }));
      expect((await request(t.admin).get('/health/ready')).status).toBe(200);
      const records = recordsOf(file);
      // The refused answer has no request record: only the recovery, counting it.
      expect(records.filter((r) => r.type === 'request').map((r) => r.traceId)).toEqual(['before', 'after']);
      expect(records.find((r) => r.type === 'audit.recovered')).toMatchObject({
        refusedResponses: 1,
        cause: expect.stringContaining(fault),
      });
      expect(verifyAuditChain(linesOf(file))).toMatchObject({ ok: true });
    },
  );

  it('a request that asked for XML is refused in XML', async () => {
    const disk = new FaultyDisk();
    const { t } = faultyApp(disk);
    disk.fault = 'ENOSPC';
    const refused = await postRecord(t, body, { headers: { Accept: 'application/fhir+xml' } });
    const outcome = expectXmlOperationOutcome(refused, 503, 'SERVICE_UNAVAILABLE');
    expect(outcome.issue[0].diagnostics).toContain('audit trail cannot be written');
    expect(refused.headers['retry-after']).toBe('7');
  });

  it('recovers by itself, with no traffic, when the disk can be written again', async () => {
    const disk = new FaultyDisk();
    const { t, file } = faultyApp(disk, join(dir, 'audit.log'), 50);
    await postRecord(t, body);
    disk.fault = 'ENOSPC';
    expectOperationOutcome(await postRecord(t, body), 503, 'SERVICE_UNAVAILABLE');
    disk.fault = undefined;
    await new Promise((r) => setTimeout(r, 300));
    expect((await request(t.admin).get('/health/ready')).status).toBe(200);
    expect(recordsOf(file).map((r) => r.type)).toContain('audit.recovered');
  });

  it('a write cut short by a full disk: the partial line is cut off and the chain still verifies', async () => {
    const disk = new FaultyDisk();
    const { t, file } = faultyApp(disk);
    expectBundle(await postRecord(t, body, { traceId: 'one' }));
    disk.shortWriteBytes = 40;
    expectOperationOutcome(await postRecord(t, body, { traceId: 'cut' }), 503, 'SERVICE_UNAVAILABLE');
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(false);
    expectBundle(await postRecord(t, body, { traceId: 'two' }));
    const records = recordsOf(file);
    expect(records.filter((r) => r.type === 'request').map((r) => r.traceId)).toEqual(['one', 'two']);
    expect(records.find((r) => r.type === 'audit.repaired')).toMatchObject({ removedBytes: 40 });
    expect(verifyAuditChain(linesOf(file))).toMatchObject({ ok: true });
  });

  it('the service events (start, maintenance toggles) wait for the disk rather than being lost', async () => {
    const disk = new FaultyDisk();
    disk.fault = 'ENOSPC';
    const { t, file } = faultyApp(disk);
    expectOperationOutcome(await postRecord(t, body), 503, 'SERVICE_UNAVAILABLE');
    disk.fault = undefined;
    expectBundle(await postRecord(t, body));
    // The recovery record comes first, then the start record that waited for it.
    expect(recordsOf(file).map((r) => r.type)).toEqual(['audit.recovered', 'service.start', 'request']);
  });
});

describe('repair at start', () => {
  it('a partial last line (a crash mid-write) is cut off, recorded, and the chain verifies', async () => {
    const file = join(dir, 'audit.log');
    const now = () => new Date('2026-11-21T12:00:00Z');
    const first = new AuditLog({ file }, { now });
    await first.record({ type: 'service.start' });
    await first.record({ type: 'request', traceId: 'a' });
    await first.close();
    const partial = '{"seq":3,"time":"2026-11-21T12:00:00.000Z","ty';
    writeFileSync(file, `${readFileSync(file, 'utf8')}${partial}`);
    expect(verifyAuditChain(readFileSync(file, 'utf8').split('\n'))).toMatchObject({ ok: false });

    const second = new AuditLog({ file }, { now });
    await second.record({ type: 'service.start' });
    await second.close();
    const records = recordsOf(file);
    expect(records.map((r) => r.type)).toEqual([
      'service.start',
      'request',
      'audit.repaired',
      'service.start',
    ]);
    expect(records[2]).toMatchObject({ reason: 'partial last line', removedBytes: partial.length });
    expect(verifyAuditChain(linesOf(file))).toEqual({ ok: true, records: 4 });
  });
});

describe('requests Node rejects before the app', () => {
  it('431 (headers too large) and a malformed request are audited, with the trace id when it can be read', async () => {
    const t = testApp();
    const server = createHttpServer(t.app, t.config, { audit: t.ops.audit, logger: createLogger('silent') });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const exchange = (text: string) =>
      new Promise<string>((resolve) => {
        let received = '';
        const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
        socket.on('data', (d) => (received += d.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received));
      });
    try {
      const big = await exchange(
        `POST ${RECORD_PATH} HTTP/1.1\r\nHost: x\r\nSsp-TraceID: trace-431\r\nX-Pad: ${'x'.repeat(20_000)}\r\n\r\n`,
      );
      expect(big).toMatch(/^HTTP\/1\.1 431 /);
      expect(await exchange('HELLO THERE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const rejected = t.audit.records.filter((r) => r.type === 'request.rejected');
    expect(rejected).toEqual([
      expect.objectContaining({
        traceId: 'trace-431',
        reason: 'HPE_HEADER_OVERFLOW',
        outcome: { status: 431, spineCode: 'REQUEST_HEADERS_TOO_LARGE' },
      }),
      expect.objectContaining({ traceId: null, outcome: { status: 400, spineCode: 'BAD_REQUEST' } }),
    ]);
    expect(verifyAuditChain(t.audit.lines)).toMatchObject({ ok: true });
  });
});

describe('a real process with AUDIT_LOG=/dev/full', () => {
  it('starts (no crash loop), is not ready, answers 503 with an OperationOutcome, logs the cause, stays up', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
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
          AUDIT_LOG: '/dev/full',
          LOG_LEVEL: 'info',
          MAINTENANCE_FILE: '',
          // One process, as before WORKERS; test/cluster/workers.test.ts has the same case with two.
          WORKERS: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    try {
      const deadline = Date.now() + 90_000;
      while (
        !(out.includes('"admin listening"') && out.includes('"listening"')) &&
        exited === undefined &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(exited).toBeUndefined();
      expect(out).toContain('"admin listening"');
      const ready = await fetch(`http://127.0.0.1:${adminPort}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { audit: false } });
      for (let i = 0; i < 3; i++) {
        const now = Math.floor(Date.now() / 1000);
        const res = await fetch(`http://127.0.0.1:${port}${RECORD_PATH}`, {
          method: 'POST',
          headers: {
            'Ssp-TraceID': `dev-full-${i}`,
            'Ssp-From': CONSUMER_ASID,
            'Ssp-To': PROVIDER_ASID,
            'Ssp-InteractionID': INTERACTION.record,
            Authorization: `Bearer ${jwt(validClaims(now))}`,
            'Content-Type': 'application/fhir+json',
          },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
        // SERVICE_UNAVAILABLE is provider-local: sent as INTERNAL_SERVER_ERROR, named in details.text (D-34).
        const outcome = validateResource((await res.json()) as OperationOutcome);
        expect(conditionOf(outcome.issue[0])).toBe('SERVICE_UNAVAILABLE');
        expect(outcome.issue[0].details?.coding?.[0]?.code).toBe('INTERNAL_SERVER_ERROR');
      }
      expect(exited).toBeUndefined();
      expect(out).toMatch(
        /"level":"error".*the audit trail cannot be written.*ENOSPC|ENOSPC.*"level":"error"/,
      );
    } finally {
      child.kill('SIGKILL');
    }
  }, 150_000);
});
