/**
 * Server CPU per request on the HTTP path (issue 15), measured with CPU time rather than wall time so
 * that a shared, busy machine gives the same figure:
 *
 *   npx ts-node --transpile-only tools/synthetic-practice-file.ts 1200 P99100 > /tmp/syn.jsonl
 *   BENCH_PRACTICE=/tmp/syn.jsonl npx ts-node --transpile-only bench/cpu-per-request.ts
 *
 * Starts the service (src/, as main.ts wires it: winston at info to stdout, which is discarded, the
 * audit trail in a temporary file with fsync, prom-client metrics) in a child process on a loopback
 * port, over the synthetic practice (every patient of it in rotation) and the embedded P99001 (for
 * large1). This process drives it over keep-alive connections and asks the child for its
 * process.cpuUsage() before and after each phase, so the client's own CPU is never counted. Phases:
 *  1. predefined search 2 (JSON) over the rotating patients at BENCH_CONNECTIONS (32): server CPU ms
 *     per request, wall p50/p99, and the child's longest event-loop hold (monitorEventLoopDelay max);
 *  2. the CapabilityStatement (GET metadata, serialised once per process) at the same connections: the
 *     cost of the request path alone (Spine headers, JWT, middleware, audit, log, metrics);
 *  3. the whole record of large1 (3.8 MB) at one connection: CPU ms per request and the loop hold;
 *  4. fairness: the same small requests at 31 connections while one connection asks for large1 over
 *     and over: the small requests' p50/p99.
 * Settings (environment): BENCH_PRACTICE (a practice file; the embedded practices only without it),
 * BENCH_REQUESTS (2000), BENCH_CONNECTIONS (32), BENCH_LARGE (40), BENCH_GZIP (false), BENCH_PHASES
 * (search,metadata,large,mixed; or `stages` alone: the CPU of each stage of large1's whole record,
 * in this process, with no server) and any
 * service setting (MAX_QUEUE_DELAY_MS, ...). `--cpu-prof` profiles go to the child with
 * BENCH_CPU_PROF=DIR; other Node flags for the child (`--trace-gc`, heap sizes) with BENCH_NODE_ARGS.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { type AppDeps, createApp } from '../src/app';
import { buildBundle } from '../src/bundle/build-bundle';
import { systemClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { serialise } from '../src/http/respond';
import { bundleJson } from '../src/http/serialise-bundle';
import { createLogger } from '../src/logger';
import { createOps } from '../src/ops/ops';
import { createHttpServer } from '../src/ops/server';
import { type TimeSlice, timeSlice } from '../src/ops/time-slice';
import { embeddedPracticeFiles, testPractice } from '../src/record/memory/memory-practices';
import { MemoryRepository } from '../src/record/memory/memory-repository';
import { openPractices } from '../src/record/open-repository';
import { softwareInfo } from '../src/software';
import { jwt, validClaims } from '../tools/test-jwt';
import { wholeRecordQuery } from './whole-record-query';
import { percentile } from './worker-run';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] !== undefined ? Number(env[name]) : fallback);

interface CpuReport {
  readonly userMs: number;
  readonly systemMs: number;
  /** The longest event-loop delay since the last report (ms). */
  readonly loopMaxMs: number;
  readonly loopP99Ms: number;
}

type ToChild = { readonly type: 'cpu' };
type FromChild =
  { readonly type: 'listening'; readonly port: number } | ({ readonly type: 'cpu' } & CpuReport);

// ---------------------------------------------------------------------------------------------- server

async function serve(): Promise<void> {
  const auditDir = mkdtempSync(join(tmpdir(), 'gpc-cpu-audit-'));
  const files = [...(env.BENCH_PRACTICE ? [env.BENCH_PRACTICE] : []), ...embeddedPracticeFiles()];
  const config = loadConfig({
    ...env,
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    PRACTICE_FILES: files.join(','),
    AUDIT_LOG: join(auditDir, 'audit.log'),
    HOST: '127.0.0.1',
  });
  const logger = createLogger(config.logLevel);
  const software = softwareInfo();
  const ops = createOps(config, { software, logger, now: () => systemClock.now() });
  const practices = await openPractices(config.repository, systemClock.today());
  await ops.audit.whenTried();
  const deps: AppDeps = { config, practices, clock: systemClock, logger, software, ops };
  const server = createHttpServer(createApp(deps, ops), config, { audit: ops.audit, logger });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let last = process.cpuUsage();
  process.on('message', (message: ToChild) => {
    if (message.type !== 'cpu') return;
    const now = process.cpuUsage(last);
    last = process.cpuUsage();
    const report: FromChild = {
      type: 'cpu',
      userMs: now.user / 1000,
      systemMs: now.system / 1000,
      loopMaxMs: loop.max / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
    };
    loop.reset();
    process.send?.(report);
  });
  process.on('disconnect', () => {
    rmSync(auditDir, { recursive: true, force: true });
    process.exit(0);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
  });
}

// ---------------------------------------------------------------------------------------------- client

interface Target {
  readonly ods: string;
  readonly asid: string;
  readonly nhsNumber: string;
}

/** The practice's ODS code, ASID and patients' NHS numbers from a practice file. */
function targetsOf(file: string): Target[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const header = JSON.parse(lines[0]) as {
    practice: { odsCode: string };
    settings?: { asid?: string };
  };
  const asid = header.settings?.asid ?? '';
  return lines.slice(1).map((line) => {
    const { patient } = JSON.parse(line) as { patient: { nhsNumber: string } };
    return { ods: header.practice.odsCode, asid, nhsNumber: patient.nhsNumber };
  });
}

const LARGE1: Target = { ods: 'P99001', asid: '200000000116', nhsNumber: '9690939017' };
const TODAY = systemClock.today();

function daysAgo(days: number): string {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

const identifier = (nhs: string) => ({
  name: 'patientNHSNumber',
  valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs },
});

/** Predefined search 2 (examples/requests/predefined-2.json). */
function predefined2(nhs: string): string {
  return JSON.stringify({
    resourceType: 'Parameters',
    parameter: [
      identifier(nhs),
      { name: 'includeConsultations', part: [{ name: 'includeNumberOfMostRecent', valuePositiveInt: 3 }] },
      { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
      { name: 'includeMedication', part: [{ name: 'medicationSearchFromDate', valueDate: daysAgo(365) }] },
      { name: 'includeProblems' },
      { name: 'includeImmunisations' },
      { name: 'includeUncategorisedData' },
    ],
  });
}

/** Every clinical area, no filters: the whole record. */
function wholeRecord(nhs: string): string {
  const areas = [
    'includeAllergies',
    'includeMedication',
    'includeConsultations',
    'includeProblems',
    'includeImmunisations',
    'includeUncategorisedData',
    'includeInvestigations',
    'includeReferrals',
    'includeDiaryEntries',
  ];
  return JSON.stringify({
    resourceType: 'Parameters',
    parameter: [
      identifier(nhs),
      ...areas.map((name) =>
        name === 'includeAllergies'
          ? { name, part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] }
          : name === 'includeMedication'
            ? { name, part: [{ name: 'includePrescriptionIssues', valueBoolean: true }] }
            : { name },
      ),
    ],
  });
}

interface Sent {
  readonly status: number;
  readonly bytes: number;
  readonly ms: number;
}

/** A POST of `body` to $gpc.getstructuredrecord, or without a body a GET of /metadata. */
function send(port: number, agent: Agent, target: Target, body?: string): Promise<Sent> {
  const scope = body === undefined ? 'organization/*.read' : 'patient/*.read';
  const token = jwt(validClaims(Math.floor(Date.now() / 1000), scope));
  const base = `/${target.ods}/STU3/1/gpconnect/structured`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: body === undefined ? 'GET' : 'POST',
        path: body === undefined ? `${base}/metadata` : `${base}/Patient/$gpc.getstructuredrecord`,
        headers: {
          'Ssp-TraceID': '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
          'Ssp-From': '200000000115',
          'Ssp-To': target.asid,
          'Ssp-InteractionID':
            body === undefined
              ? 'urn:nhs:names:services:gpconnect:structured:fhir:rest:read:metadata-1'
              : 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
          Authorization: `Bearer ${token}`,
          Accept: 'application/fhir+json',
          ...(body !== undefined && { 'Content-Type': 'application/fhir+json;charset=utf-8' }),
          ...(env.BENCH_GZIP === 'true' && { 'Accept-Encoding': 'gzip' }),
        },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `total` requests from `connections` loops, each taking the next target in turn. */
async function drive(
  port: number,
  connections: number,
  total: number,
  next: (i: number) => { target: Target; body?: string },
): Promise<Sent[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const results: Sent[] = [];
  let issued = 0;
  const loop = async () => {
    while (issued < total) {
      const { target, body } = next(issued++);
      results.push(await send(port, agent, target, body));
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
  return results;
}

function cpuOf(child: ChildProcess): Promise<CpuReport> {
  return new Promise((resolve) => {
    const onMessage = (message: FromChild) => {
      if (message.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu' } satisfies ToChild);
  });
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

function summary(name: string, results: readonly Sent[], cpu: CpuReport): void {
  const ok = results.filter((r) => r.status === 200).length;
  const ms = results.map((r) => r.ms);
  const bytes = results.reduce((sum, r) => sum + r.bytes, 0) / Math.max(1, results.length);
  const cpuMs = (cpu.userMs + cpu.systemMs) / Math.max(1, results.length);
  process.stdout.write(
    `${name}: ${results.length} requests (${ok} x 200), mean ${f1(bytes / 1024)} KiB; ` +
      `server CPU ${f2(cpuMs)} ms/request (user ${f2(cpu.userMs / results.length)}, ` +
      `system ${f2(cpu.systemMs / results.length)}); wall p50 ${f1(percentile(ms, 50))} ms, ` +
      `p99 ${f1(percentile(ms, 99))} ms; event loop max hold ${f1(cpu.loopMaxMs)} ms ` +
      `(p99 ${f1(cpu.loopP99Ms)} ms)\n`,
  );
  // Each request's latency beside its answer's size, to see whether the tail is the large answers.
  if (env.BENCH_DUMP)
    appendFileSync(env.BENCH_DUMP, results.map((r) => `${name}\t${f1(r.ms)}\t${r.bytes}\n`).join(''));
}

/** CPU ms of one synchronous call. */
function cpuMs<T>(run: () => T): [T, number] {
  const start = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(start);
  return [result, (used.user + used.system) / 1000];
}

/**
 * The event-loop hold of each stage of large1's whole record, in CPU ms of this process (no server):
 * record assembly, mapping to FHIR, JSON in one go, and the longest slice of the sliced serialiser.
 */
async function stages(): Promise<void> {
  const repository = new MemoryRepository(testPractice(TODAY));
  const query = wholeRecordQuery(LARGE1.nhsNumber, TODAY);
  const patient = await repository.findPatient(LARGE1.nhsNumber);
  if (!patient) throw new Error('large1 not found');
  const runs = number('BENCH_STAGE_RUNS', 10);
  const sums = { assemble: 0, map: 0, json: 0, sliceMax: 0 };
  for (let i = 0; i < runs + 2; i++) {
    const start = process.cpuUsage();
    const record = await repository.loadRecord(patient, query);
    const used = process.cpuUsage(start);
    const assemble = (used.user + used.system) / 1000;
    const [bundle, map] = cpuMs(() =>
      buildBundle(record, query, { traceId: 'bench', newId: () => 'oo', date: TODAY, warnings: [] }),
    );
    const [, json] = cpuMs(() => serialise(bundle, 'json'));
    // The longest stretch between two yields of the sliced serialiser.
    let longest = 0;
    const inner = timeSlice();
    let since = process.cpuUsage();
    const measured: TimeSlice = {
      get spent() {
        return inner.spent;
      },
      async pause() {
        if (!inner.spent) return;
        const held = process.cpuUsage(since);
        longest = Math.max(longest, (held.user + held.system) / 1000);
        await inner.pause();
        since = process.cpuUsage();
      },
    };
    await bundleJson(bundle, measured);
    const last = process.cpuUsage(since);
    longest = Math.max(longest, (last.user + last.system) / 1000);
    if (i < 2) continue;
    sums.assemble += assemble;
    sums.map += map;
    sums.json += json;
    sums.sliceMax += longest;
  }
  process.stdout.write(
    `large1 whole record, stages (CPU ms, mean of ${runs}): assemble ${f1(sums.assemble / runs)}, ` +
      `map ${f1(sums.map / runs)}, JSON in one go ${f1(sums.json / runs)}; ` +
      `sliced JSON: longest hold ${f1(sums.sliceMax / runs)}\n`,
  );
}

async function main(): Promise<void> {
  if (env.BENCH_PHASES === 'stages') {
    await stages();
    return;
  }
  // The child runs this file's TypeScript through ts-node, as `npx ts-node` runs this one.
  const execArgv = [
    '-r',
    'ts-node/register/transpile-only',
    ...(env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : []),
    ...(env.BENCH_NODE_ARGS ? env.BENCH_NODE_ARGS.split(' ').filter(Boolean) : []),
  ];
  const child = fork(__filename, ['--serve'], {
    execArgv,
    stdio: ['ignore', env.BENCH_CHILD_STDOUT ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: FromChild) =>
      m.type === 'listening' ? resolve(m.port) : reject(new Error('unexpected message from the server')),
    );
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const small = env.BENCH_PRACTICE
    ? targetsOf(env.BENCH_PRACTICE)
    : embeddedPracticeFiles().flatMap(targetsOf);
  const connections = number('BENCH_CONNECTIONS', 32);
  const total = number('BENCH_REQUESTS', 2000);
  const largeCount = number('BENCH_LARGE', 40);
  const smallNext = (i: number) => {
    const target = small[i % small.length];
    return { target, body: predefined2(target.nhsNumber) };
  };
  process.stdout.write(
    `server CPU per request (process.cpuUsage of the server process); ${small.length} patients in rotation; ` +
      `load average ${loadavg().map(f2).join(' ')}\n`,
  );
  // Warm-up: JIT, the store's first touches.
  await drive(port, connections, Math.min(total, 500), smallNext);
  await drive(port, 1, 3, () => ({ target: LARGE1, body: wholeRecord(LARGE1.nhsNumber) }));
  await cpuOf(child);

  const phases = new Set((env.BENCH_PHASES ?? 'search,metadata,large,mixed').split(','));
  if (phases.has('search')) {
    summary(
      `predefined search 2, ${connections} connections`,
      await drive(port, connections, total, smallNext),
      await cpuOf(child),
    );
  }
  if (phases.has('metadata')) {
    summary(
      `metadata (the request path without a record), ${connections} connections`,
      await drive(port, connections, total, (i) => ({ target: small[i % small.length] })),
      await cpuOf(child),
    );
  }
  if (phases.has('large')) {
    summary(
      'large1 whole record, 1 connection',
      await drive(port, 1, largeCount, () => ({ target: LARGE1, body: wholeRecord(LARGE1.nhsNumber) })),
      await cpuOf(child),
    );
  }
  if (!phases.has('mixed')) {
    child.disconnect();
    return;
  }
  // Fairness: one connection keeps asking for large1 while the others send small requests.
  let smallDone = false;
  const largeLoop = (async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sent: Sent[] = [];
    while (!smallDone) sent.push(await send(port, agent, LARGE1, wholeRecord(LARGE1.nhsNumber)));
    agent.destroy();
    return sent;
  })();
  const mixed = await drive(port, Math.max(1, connections - 1), total, smallNext);
  smallDone = true;
  const large = await largeLoop;
  const cpu = await cpuOf(child);
  summary(`mixed: predefined search 2 at ${connections - 1} connections beside large1`, mixed, cpu);
  process.stdout.write(
    `mixed: large1 ${large.length} requests, wall p50 ${f1(
      percentile(
        large.map((r) => r.ms),
        50,
      ),
    )} ms\n`,
  );
  child.disconnect();
}

if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
