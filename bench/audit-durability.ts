/**
 * What the audit's durability costs (issue 12 item 7, docs/decisions.md D-40):
 *
 *   npm run bench:audit        (or: npx ts-node --transpile-only bench/audit-durability.ts)
 *
 * Part 1 writes BENCH_RECORDS (2000) request-sized records straight to AuditLog on a file on disk
 * (ext4 here; BENCH_AUDIT_DIR picks another directory), with C of them outstanding at once (C = 1,
 * 8, 64: one client, a few, the in-flight limit), for each durability:
 *   - write only (AUDIT_FSYNC=false): the page cache, lost on power loss or a kernel crash;
 *   - write + fdatasync, group-committed (the default): records queued while a sync runs leave
 *     together in one write and one fdatasync.
 * It prints records per second, the p50/p99 wait for one record, and records per fdatasync.
 *
 * Part 2 is end to end: BENCH_REQUESTS (300) small getstructuredrecord requests (patient2, allergies:
 * little work besides the audit, so its share shows)
 * through the HTTP server on loopback, sequential and then 16 at a time, with the audit to a file
 * with and without fdatasync, and to a stream that discards it (no audit cost at all), p50/p99.
 * Loopback only; stops by itself.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { createApp } from '../src/app';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { type AuditFileHandle, AuditLog, type AuditTarget, openAuditFile } from '../src/ops/audit';
import { createOps } from '../src/ops/ops';
import { createHttpServer } from '../src/ops/server';
import { testPractice } from '../src/record/memory/memory-practices';
import { MemoryRepository } from '../src/record/memory/memory-repository';
import { allOn, singlePracticeStore } from '../src/record/practices';
import { softwareInfo } from '../src/software';
import { jwt, validClaims } from '../tools/test-jwt';

const env = process.env;
/** The endpoint's ASID in the benchmark (Ssp-To). */
const ASID = '200000000116';
const RECORDS = Number(env.BENCH_RECORDS ?? 2000);
const REQUESTS = Number(env.BENCH_REQUESTS ?? 300);
const baseDir = env.BENCH_AUDIT_DIR ?? join(process.cwd(), '.bench-audit');

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0);

/** A request record about the size of a real one (~900 bytes of JSON). */
const REQUEST_EVENT = {
  type: 'request',
  traceId: '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
  interaction: 'getstructuredrecord',
  interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
  method: 'POST',
  path: '/P99001/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord',
  consumerAsid: '200000000115',
  providerAsid: '200000000116',
  organisation: {
    odsCode: 'RR8',
    odsSystem: 'https://fhir.nhs.uk/Id/ods-organization-code',
    name: 'Leeds Teaching Hospitals NHS Trust',
  },
  practitioner: {
    id: '1',
    sdsUserId: '111222333444',
    sdsRoleProfileId: '444555666777',
    name: 'Dr Claire Jones',
  },
  device: { identifier: 'CONS-APP-4', model: 'Consumer product name', version: '5.3.0' },
  reason: 'directcare',
  scope: 'patient/*.read',
  nhsNumber: '9690937286',
  requested: { areas: ['includeAllergies', 'includeMedication'], filters: {}, predefinedSearch: null },
  outcome: { status: 200, spineCode: null, released: true },
  durationMs: 12.345,
} as const;

async function partOne(dir: string): Promise<void> {
  console.log(`Part 1: ${RECORDS} records straight to AuditLog, file in ${dir}`);
  console.log('durability                 outstanding  records/s   p50 ms   p99 ms   records per sync');
  for (const fsync of [false, true]) {
    for (const concurrency of [1, 8, 64]) {
      const file = join(dir, `part1-${fsync}-${concurrency}.log`);
      let syncs = 0;
      const opener = async (path: string): Promise<AuditFileHandle> => {
        const handle = await openAuditFile(path);
        return {
          stat: () => handle.stat(),
          read: (b, o, l, p) => handle.read(b, o, l, p),
          write: (b, o, l) => handle.write(b, o, l),
          datasync: () => ((syncs += 1), handle.datasync()),
          truncate: (l) => handle.truncate(l),
          close: () => handle.close(),
        };
      };
      const log = new AuditLog({ file }, { now: () => new Date(), fsync, opener });
      await log.record({ type: 'service.start' });
      syncs = 0;
      const waits: number[] = [];
      let next = 0;
      const started = performance.now();
      const client = async () => {
        while (next < RECORDS) {
          next += 1;
          const t0 = performance.now();
          await log.record(REQUEST_EVENT);
          waits.push(performance.now() - t0);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, client));
      const seconds = (performance.now() - started) / 1000;
      await log.close();
      waits.sort((a, b) => a - b);
      const label = fsync ? 'write + fdatasync (group)' : 'write only (no sync)';
      console.log(
        `${label.padEnd(27)}${String(concurrency).padStart(11)}  ${fmt(RECORDS / seconds).padStart(9)}  ${fmt(percentile(waits, 50)).padStart(7)}  ${fmt(percentile(waits, 99)).padStart(7)}   ${fsync ? fmt(RECORDS / Math.max(1, syncs)) : '-'}`,
      );
    }
  }
}

async function partTwo(dir: string): Promise<void> {
  console.log(`\nPart 2: ${REQUESTS} allergies requests (patient2) over HTTP on loopback, per audit setting`);
  console.log('audit                      clients  req/s   p50 ms   p99 ms');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_BURST: '1000000',
    MAX_EVENT_LOOP_UTILISATION: '1',
    MAX_IN_FLIGHT: '1000',
    MAINTENANCE_FILE: '',
  });
  const body = JSON.stringify({
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'patientNHSNumber',
        valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9690937286' },
      },
      { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
    ],
  });
  const settings: [string, AuditTarget, boolean][] = [
    ['none (discarded stream)', { stream: new Writable({ write: (_c, _e, cb) => cb() }) }, false],
    ['file, write only', { file: join(dir, 'part2-nosync.log') }, false],
    ['file, write + fdatasync', { file: join(dir, 'part2-sync.log') }, true],
  ];
  for (const [label, audit, fsync] of settings) {
    const logger = createLogger('silent');
    const software = softwareInfo();
    const ops = createOps(
      { ...config, ops: { ...config.ops, auditFsync: fsync } },
      { software, logger, now: () => new Date(), audit },
    );
    const dataset = testPractice(systemClock.today());
    const practices = singlePracticeStore(dataset.practice, allOn(ASID), new MemoryRepository(dataset));
    const app = createApp({ config, practices, clock: systemClock, logger, software, ops }, ops);
    const server = createHttpServer(app, config, { audit: ops.audit, logger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${config.basePath.replace('{ods}', 'P99001')}/Patient/$gpc.getstructuredrecord`;
    const headers = {
      'Ssp-TraceID': '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
      'Ssp-From': '200000000115',
      'Ssp-To': ASID,
      'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
      Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000), 'patient/*.read'))}`,
      'Content-Type': 'application/fhir+json',
    };
    for (const clients of [1, 16]) {
      const times: number[] = [];
      let next = 0;
      let failed = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next < REQUESTS) {
            next += 1;
            const t0 = performance.now();
            const res = await fetch(url, { method: 'POST', headers, body });
            await res.arrayBuffer();
            if (res.status !== 200) failed += 1;
            times.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      times.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(27)}${String(clients).padStart(7)}  ${fmt(REQUESTS / seconds).padStart(5)}  ${fmt(percentile(times, 50)).padStart(7)}  ${fmt(percentile(times, 99)).padStart(7)}${failed ? `  (${failed} not 200!)` : ''}`,
      );
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await ops.audit.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(baseDir, { recursive: true });
  const dir = mkdtempSync(join(baseDir, 'run-'));
  try {
    await partOne(dir);
    await partTwo(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
