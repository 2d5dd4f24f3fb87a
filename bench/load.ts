/**
 * Bounded load test of throttling and load shedding (issue 7):
 *
 *   npx ts-node --transpile-only bench/load.ts      (or: npm run bench:load)
 *
 * Starts the service in-process on an ephemeral loopback port over the embedded practice, measures
 * the unloaded p99 of a small valid request (one client), then drives 4 x MAX_IN_FLIGHT concurrent
 * clients (started over the first second) for 20 s and reports: every answer was 200, 429 or 503 (the latter two with an
 * OperationOutcome and Retry-After), no request hung, and the p99 of the 200s stayed within 2x of
 * the unloaded p99. Exits non-zero when a check fails. Stops by itself; loopback only.
 *
 * The in-memory store answers in microseconds, so every request would be CPU only and nothing would
 * ever be in flight for long: the in-flight limit protects a store with I/O latency. The bench
 * therefore puts STORE_LATENCY_MS (default 20 ms, a few PostgreSQL round trips) in front of
 * loadRecord. Settings (environment): BENCH_SECONDS (20), BENCH_CLIENTS (4 x MAX_IN_FLIGHT),
 * BENCH_CONSUMERS (8), STORE_LATENCY_MS (20), BENCH_HONOUR_RETRY_AFTER (true), and any service
 * setting (MAX_IN_FLIGHT, RATE_LIMIT_PER_MINUTE, ...).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { createApp } from '../src/app';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import type { StructuredQuery } from '../src/contract/structured-query';
import { createLogger } from '../src/logger';
import { createOps } from '../src/ops/ops';
import { createHttpServer } from '../src/ops/server';
import { testPractice } from '../src/record/memory/memory-practices';
import { MemoryRepository } from '../src/record/memory/memory-repository';
import type { Patient } from '../src/record/model/people';
import { allOn, singlePracticeStore } from '../src/record/practices';
import type { PatientRecord } from '../src/record/repository';
import { softwareInfo } from '../src/software';
import { jwt, validClaims } from '../tools/test-jwt';
import type { ClientJob, ClientResult } from './load-client';
import { percentile, runInWorker } from './worker-run';

/** The endpoint's ASID in the benchmark (Ssp-To). */
const ASID = '200000000116';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] !== undefined ? Number(env[name]) : fallback);

/** The embedded practice behind a fixed I/O delay, standing in for a real store. */
class LatencyRepository extends MemoryRepository {
  constructor(private readonly latencyMs: number) {
    super(testPractice(systemClock.today()));
  }

  override async loadRecord(patient: Patient, query: StructuredQuery): Promise<PatientRecord> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    return super.loadRecord(patient, query);
  }
}

const runClient = (job: ClientJob) =>
  runInWorker<ClientJob, ClientResult>(join(__dirname, 'load-client.ts'), job);

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main(): Promise<void> {
  const auditDir = mkdtempSync(join(tmpdir(), 'gpc-bench-'));
  // Throttling per consumer is not what this bench measures: unless told otherwise, set it out of reach.
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_BURST: '100000',
    MAINTENANCE_FILE: '',
    ...env,
    AUDIT_LOG: join(auditDir, 'audit.log'),
  });
  const seconds = number('BENCH_SECONDS', 20);
  const clients = number('BENCH_CLIENTS', 4 * config.ops.maxInFlight);
  const consumerCount = number('BENCH_CONSUMERS', 8);
  const latencyMs = number('STORE_LATENCY_MS', 20);
  const honourRetryAfter = env.BENCH_HONOUR_RETRY_AFTER !== 'false';

  const logger = createLogger('silent');
  const software = softwareInfo();
  const ops = createOps(config, { software, logger, now: () => systemClock.now() });
  const repository = new LatencyRepository(latencyMs);
  const practices = singlePracticeStore({ odsCode: 'P99001', name: 'load bench' }, allOn(ASID), repository);
  const app = createApp({ config, practices, clock: systemClock, logger, software, ops });
  const server = createHttpServer(app, config, { audit: ops.audit, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const now = Math.floor(Date.now() / 1000);
  const job: Omit<ClientJob, 'clients' | 'durationMs' | 'maxRequests'> = {
    port,
    path: `${config.basePath.replace('{ods}', 'P99001')}/Patient/$gpc.getstructuredrecord`,
    headers: {
      'Ssp-TraceID': '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
      'Ssp-To': ASID,
      'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
      Authorization: `Bearer ${jwt(validClaims(now, 'patient/*.read'))}`,
      Accept: 'application/fhir+json',
      'Content-Type': 'application/fhir+json',
    },
    body: JSON.stringify({
      resourceType: 'Parameters',
      parameter: [
        {
          name: 'patientNHSNumber',
          valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9690937286' },
        },
        { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: false }] },
      ],
    }),
    timeoutMs: 10_000,
    consumers: Array.from({ length: consumerCount }, (_, i) => String(200000000200 + i)),
    honourRetryAfter,
    rampMs: 0,
  };

  console.log(
    `service: MAX_IN_FLIGHT=${config.ops.maxInFlight} RETRY_AFTER_SECONDS=${config.ops.retryAfterSeconds} ` +
      `RATE_LIMIT_PER_MINUTE=${config.ops.rateLimitPerMinute} store latency ${latencyMs} ms; ` +
      `clients honour Retry-After: ${honourRetryAfter}; machine load average ${loadavg()[0].toFixed(1)}`,
  );
  // Warm-up (JIT, connections), then the unloaded baseline: one client, one request at a time.
  await runClient({ ...job, clients: 1, durationMs: 2000, maxRequests: 200 });
  const unloaded = await runClient({ ...job, clients: 1, durationMs: 15_000, maxRequests: 600 });
  const unloadedP99 = percentile(unloaded.latencies200, 99);
  console.log(
    `unloaded: ${unloaded.latencies200.length} requests, p50 ${ms(percentile(unloaded.latencies200, 50))}, p99 ${ms(unloadedP99)}`,
  );

  console.log(`loaded: ${clients} concurrent clients over ${consumerCount} consumers for ${seconds} s ...`);
  // The clients start over the first second (a ramp, as in the spec's RAMP tests), then all run to the end.
  const loaded = await runClient({
    ...job,
    clients,
    durationMs: seconds * 1000,
    maxRequests: 5_000_000,
    rampMs: 1000,
  });
  const loadedP99 = percentile(loaded.latencies200, 99);
  console.log(
    `machine load average after: ${loadavg()[0].toFixed(1)} (other processes compete for the same 2 cores)`,
  );
  const ratio = loadedP99 / unloadedP99;

  const statuses = Object.keys(loaded.byStatus);
  const onlyExpected = statuses.every((s) => ['200', '429', '503'].includes(s)) && loaded.errors === 0;
  const checks = {
    'every answer was 200, 429 or 503': onlyExpected,
    'every 429/503 was an OperationOutcome with Retry-After': loaded.malformed.length === 0,
    'no request hung (10 s client timeout)': loaded.hung === 0,
    'p99 of the 200s within 2x of unloaded': ratio <= 2,
  };
  console.log(
    `total requests: ${loaded.total} in ${(loaded.elapsedMs / 1000).toFixed(1)} s (${Math.round(loaded.total / (loaded.elapsedMs / 1000))}/s)`,
  );
  console.log(
    `by status: ${JSON.stringify(loaded.byStatus)}; connection errors: ${loaded.errors} ${JSON.stringify(loaded.errorCodes)}; stale keep-alive sockets retried: ${loaded.staleRetries}; hung: ${loaded.hung}`,
  );
  console.log(
    `200s: ${loaded.latencies200.length}, p50 ${ms(percentile(loaded.latencies200, 50))}, p99 ${ms(loadedP99)}; ` +
      `unloaded p99 ${ms(unloadedP99)}; ratio ${ratio.toFixed(2)}`,
  );
  if (env.BENCH_TIMELINE === 'true') {
    // p99 of the 200s sent in each second: shows whether the tail is a start-up burst or steady.
    for (let second = 0; second < seconds; second++) {
      const inSecond = loaded.latencies200.filter(
        (_, i) => Math.floor(loaded.sentAt200[i] / 1000) === second,
      );
      console.log(
        `  second ${second}: ${inSecond.length} x 200, p50 ${ms(percentile(inSecond, 50))}, p99 ${ms(percentile(inSecond, 99))}`,
      );
    }
  }
  if (loaded.malformed.length > 0) console.log(`malformed answers: ${loaded.malformed.join(' | ')}`);
  for (const [check, ok] of Object.entries(checks)) console.log(`${ok ? 'PASS' : 'FAIL'}  ${check}`);

  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await ops.audit.close();
  rmSync(auditDir, { recursive: true, force: true });
  process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
