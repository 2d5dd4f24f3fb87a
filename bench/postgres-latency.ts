/**
 * Latency of predefined search 2 on the PostgreSQL store beside the in-memory store, in one run
 * (issue 6):
 *
 *   npx ts-node --transpile-only bench/postgres-latency.ts [--patients 10000] [--requests 400]
 *   npm run bench:postgres -- --patients 10000
 *
 * Options: --patients N synthetic patients (10000), --requests R requests per store (400),
 * --concurrency C requests in flight over both stores (8), --seed S generator and sampling seed (1),
 * --max-seconds T bound on the measured phase (180), --warmup W requests per store first (40).
 *
 * PostgreSQL: DATABASE_URL when set (it must be allowed to CREATE DATABASE: the bench makes a fresh
 * database beside the one named and drops it at the end), else a throwaway cluster from Debian's server
 * binaries (startThrowawayPostgres), deleted at the end. The bench migrates the fresh database, seeds
 * the embedded practice plus N synthetic patients (tools/synthetic-practice.ts) with seedDataset, runs
 * ANALYZE, and prints the seed time and row counts. It then builds two apps in this process, one over
 * PostgresRepository and one over a MemoryRepository holding the same dataset, listens on ephemeral
 * 127.0.0.1 ports (loopback only), and sends predefined search 2 (medicationSearchFromDate today-365,
 * valid Spine headers and JWT) for synthetic patients drawn at random: the same sequence to both stores,
 * interleaved A/B so that both share the machine's noise, from a client in a worker thread (so the
 * client does not share the servers' event loop), with bounded concurrency, count and time.
 *
 * Prints per store p50/p90/p99/max (ms), the PG/memory ratios, SQL statements per request
 * (PostgresRepository.database.queryCount), the bundle size range, and every non-200 (there should be
 * none: the exit code is 1 if there is one). Stops by itself.
 */
import http from 'node:http';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

import { allOn, singlePracticeStore } from '../src/record/practices';
import { percentile, runInWorker } from './worker-run';

/** The endpoint's ASID in the benchmark (Ssp-To). */
const ASID = '200000000116';

type Store = 'postgres' | 'memory';
const STORES: readonly Store[] = ['postgres', 'memory'];

/** One request the client sends. */
interface Planned {
  readonly store: Store;
  /** Index into the synthetic patients. */
  readonly patient: number;
  readonly body: string;
}

interface ClientJob {
  readonly ports: Readonly<Record<Store, number>>;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly requests: readonly Planned[];
  readonly concurrency: number;
  /** Nothing new is sent after this long. */
  readonly maxMs: number;
  /** A request with no complete answer after this long is abandoned (and counted). */
  readonly timeoutMs: number;
}

interface Outcome {
  readonly store: Store;
  readonly patient: number;
  /** HTTP status, or 0 for a connection error / timeout. */
  readonly status: number;
  readonly ms: number;
  readonly bytes: number;
  readonly error?: string;
}

interface ClientResult {
  readonly outcomes: Outcome[];
  readonly elapsedMs: number;
  /** Requests not sent because the time bound was reached. */
  readonly skipped: number;
}

// ---- The client (worker thread) ----------------------------------------------------------------

function send(
  job: ClientJob,
  agents: Readonly<Record<Store, http.Agent>>,
  planned: Planned,
  traceId: string,
): Promise<Outcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    const done = (status: number, bytes: number, error?: string) =>
      resolve({
        store: planned.store,
        patient: planned.patient,
        status,
        ms: elapsed(),
        bytes,
        ...(error !== undefined && { error }),
      });
    const req = http.request(
      {
        host: '127.0.0.1',
        port: job.ports[planned.store],
        method: 'POST',
        path: job.path,
        agent: agents[planned.store],
        headers: {
          ...job.headers,
          'Ssp-TraceID': traceId,
          'Content-Length': String(Buffer.byteLength(planned.body)),
        },
        timeout: job.timeoutMs,
      },
      (res) => {
        let bytes = 0;
        const head: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (bytes < 2000) head.push(chunk);
          bytes += chunk.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          done(
            status,
            bytes,
            status === 200 ? undefined : Buffer.concat(head).toString('utf8').slice(0, 400),
          );
        });
        res.on('error', (e) => done(0, bytes, e.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${job.timeoutMs} ms`)));
    req.on('error', (e) => done(0, 0, e.message));
    req.end(planned.body);
  });
}

async function runClient(job: ClientJob): Promise<ClientResult> {
  const agents = {
    postgres: new http.Agent({ keepAlive: true, maxSockets: job.concurrency }),
    memory: new http.Agent({ keepAlive: true, maxSockets: job.concurrency }),
  };
  const outcomes: Outcome[] = [];
  const start = Date.now();
  let next = 0;
  const loop = async () => {
    while (next < job.requests.length && Date.now() - start < job.maxMs) {
      const index = next++;
      const traceId = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      outcomes.push(await send(job, agents, job.requests[index], traceId));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  agents.postgres.destroy();
  agents.memory.destroy();
  return { outcomes, elapsedMs: Date.now() - start, skipped: job.requests.length - next };
}

const inWorker = (job: ClientJob) => runInWorker<ClientJob, ClientResult>(__filename, job);

// ---- Statistics --------------------------------------------------------------------------------

const sortedOf = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const fmt = (ms: number) => (Number.isNaN(ms) ? '   n/a' : ms.toFixed(1).padStart(7));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

// ---- Arguments ---------------------------------------------------------------------------------

function options(argv: readonly string[]) {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    const inline = argv.find((a) => a.startsWith(`--${name}=`));
    const raw = inline !== undefined ? inline.slice(name.length + 3) : i >= 0 ? argv[i + 1] : undefined;
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not ${raw}`);
    return n;
  };
  const known = ['patients', 'requests', 'concurrency', 'seed', 'max-seconds', 'warmup'];
  const unknown = argv.filter((a) => a.startsWith('--') && !known.includes(a.slice(2).split('=')[0]));
  if (unknown.length > 0)
    throw new Error(`unknown option ${unknown.join(' ')}; known: ${known.map((k) => `--${k}`).join(' ')}`);
  return {
    patients: Math.max(1, value('patients', 10_000)),
    requests: Math.max(1, value('requests', 400)),
    concurrency: Math.max(1, value('concurrency', 8)),
    seed: value('seed', 1),
    maxSeconds: Math.max(1, value('max-seconds', 180)),
    warmup: value('warmup', 40),
  };
}

// ---- The benchmark (main thread) ---------------------------------------------------------------

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  // Loaded here, not at the top, so that the client worker (this file too) stays light.
  const { Writable } = await import('node:stream');
  const { loadavg, cpus } = await import('node:os');
  const { testPractice } = await import('../src/record/memory/memory-practices');
  const { createApp } = await import('../src/app');
  const { fixedClock } = await import('../src/clock');
  const { loadConfig } = await import('../src/config');
  const { addDays } = await import('../src/fhir/dates');
  const { createLogger } = await import('../src/logger');
  const { createOps } = await import('../src/ops/ops');
  const { createHttpServer } = await import('../src/ops/server');
  const { MemoryRepository } = await import('../src/record/memory/memory-repository');
  const { migrate } = await import('../src/record/postgres/migrate');
  const { PostgresRepository } = await import('../src/record/postgres/postgres-repository');
  const { TABLE_ORDER } = await import('../src/record/postgres/rows');
  const { seedDataset } = await import('../src/record/postgres/seed');
  const { scratchPostgres } = await import('./scratch-postgres');
  const { softwareInfo } = await import('../src/software');
  const { jwt, validClaims } = await import('../tools/test-jwt');
  const { parameters, predefinedSearch2 } = await import('../test/support/parameters');
  const { summariseMix, syntheticPatients, syntheticProfile } = await import('../tools/synthetic-practice');

  const log = (line = '') => console.log(line);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mb = () => `${Math.round(process.memoryUsage().rss / 1e6)} MB RSS`;
  /** Undone in reverse order of registration. */
  const cleanups: (() => Promise<void> | void)[] = [];
  let failed = false;

  try {
    const clock = fixedClock(new Date());
    const today = clock.today();
    log(
      `bench:postgres  patients=${opts.patients} requests=${opts.requests}/store concurrency=${opts.concurrency} seed=${opts.seed} ` +
        `today=${today}; ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}`,
    );

    // -- PostgreSQL: a fresh database --
    const scratch = await scratchPostgres();
    cleanups.push(() => scratch.drop());
    log(scratch.description);
    const url = scratch.url;

    // -- The dataset: the embedded practice plus N synthetic patients --
    let started = Date.now();
    const embedded = testPractice(today);
    const synthetic = [...syntheticPatients(opts.patients, today, opts.seed)];
    const dataset = { ...embedded, patients: [...embedded.patients, ...synthetic] };
    log(`generated ${synthetic.length} synthetic patients in ${seconds(Date.now() - started)} (${mb()})`);
    const mix = summariseMix(synthetic, opts.seed);
    const areas = [
      'allergies',
      'problems',
      'consultations',
      'medicationPlans',
      'medicationIssues',
      'immunisations',
      'observations',
      'investigations',
      'testResults',
      'referrals',
      'diaryEntries',
    ] as const;
    log(
      `  average items per patient  ${'profile'.padEnd(12)} ${'n'.padStart(5)}  ${areas.map((a) => a.replace('medication', 'med').slice(0, 10).padStart(10)).join(' ')}`,
    );
    for (const [profile, { patients, average }] of Object.entries(mix)) {
      log(
        `                             ${profile.padEnd(12)} ${String(patients).padStart(5)}  ${areas.map((a) => String(average[a]).padStart(10)).join(' ')}`,
      );
    }

    // -- Seed PostgreSQL --
    const repository = new PostgresRepository(
      {
        url: url.toString(),
        poolSize: opts.concurrency + 2,
        statementTimeoutMs: 60_000,
        retryAfterSeconds: 5,
      },
      embedded.practice.odsCode,
    );
    cleanups.push(() => repository.close());
    started = Date.now();
    await migrate(repository.database);
    const migrated = Date.now() - started;
    started = Date.now();
    const seeded = await seedDataset(repository.database, embedded, synthetic);
    const seedMs = Date.now() - started;
    started = Date.now();
    await repository.database.query('ANALYZE');
    const analyzeMs = Date.now() - started;
    log(
      `migrated in ${seconds(migrated)}; seeded ${seeded} patients in ${seconds(seedMs)} (${Math.round(seeded / (seedMs / 1000))} patients/s); ANALYZE ${seconds(analyzeMs)} (${mb()})`,
    );
    const counts = await repository.database.query<{ table: string; rows: string }>(
      TABLE_ORDER.map((t) => `SELECT '${t}' AS table, count(*)::text AS rows FROM ${t}`).join(' UNION ALL '),
    );
    const size = await repository.database.query<{ size: string }>(
      'SELECT pg_size_pretty(pg_database_size(current_database())) AS size',
    );
    const totalRows = counts.reduce((sum, r) => sum + Number(r.rows), 0);
    log(`rows (${totalRows} in all, database ${size[0]?.size}):`);
    for (let i = 0; i < counts.length; i += 4) {
      log(
        `  ${counts
          .slice(i, i + 4)
          .map((r) => `${r.table} ${r.rows}`.padEnd(34))
          .join('')}`,
      );
    }

    // -- The in-memory store over the same dataset --
    started = Date.now();
    const memory = new MemoryRepository(dataset);
    log(`memory store built (validated and indexed) in ${seconds(Date.now() - started)} (${mb()})`);

    // -- Two apps, loopback only --
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
      MAX_IN_FLIGHT: '10000',
      MAX_QUEUE_DELAY_MS: '0',
      MAINTENANCE_FILE: '',
    });
    const software = softwareInfo();
    const logger = createLogger('silent');
    const discard = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const ports = {} as Record<Store, number>;
    for (const store of STORES) {
      const ops = createOps(config, {
        software,
        logger,
        now: () => clock.now(),
        audit: { stream: discard() },
        processMetrics: false,
      });
      const practices = singlePracticeStore(
        embedded.practice,
        allOn(ASID),
        store === 'postgres' ? repository : memory,
      );
      const app = createApp({ config, practices, clock, logger, software, ops });
      const server = createHttpServer(app, config, { audit: ops.audit, logger });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      ports[store] = typeof address === 'object' && address ? address.port : 0;
      cleanups.push(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await ops.audit.close();
      });
    }
    log(`apps listening on 127.0.0.1:${ports.postgres} (postgres) and 127.0.0.1:${ports.memory} (memory)`);

    // -- The request sequence: random synthetic patients, the same to both stores, interleaved A/B --
    const medicationFrom = addDays(today, -365);
    let state = (opts.seed ^ 0x5bd1e995) >>> 0;
    const random = () => {
      // xorshift32: the sampling sequence depends only on the seed.
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state / 4294967296;
    };
    const plan = (count: number): Planned[] => {
      const out: Planned[] = [];
      for (let i = 0; i < count; i++) {
        const patient = Math.floor(random() * synthetic.length);
        const body = JSON.stringify(
          parameters(...predefinedSearch2(synthetic[patient].patient.nhsNumber, medicationFrom)),
        );
        const order: readonly Store[] = i % 2 === 0 ? STORES : [...STORES].reverse();
        for (const store of order) out.push({ store, patient, body });
      }
      return out;
    };
    const now = Math.floor(clock.now().getTime() / 1000);
    const baseJob = {
      ports,
      path: `${config.basePath.replace('{ods}', embedded.practice.odsCode)}/Patient/$gpc.getstructuredrecord`,
      headers: {
        'Ssp-From': '200000000115',
        'Ssp-To': ASID,
        'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
        Authorization: `Bearer ${jwt(validClaims(now, 'patient/*.read'))}`,
        Accept: 'application/fhir+json',
        'Content-Type': 'application/fhir+json',
      },
      concurrency: opts.concurrency,
      timeoutMs: 30_000,
    };

    if (opts.warmup > 0) {
      started = Date.now();
      const warm = await inWorker({ ...baseJob, requests: plan(opts.warmup), maxMs: 60_000 });
      const bad = warm.outcomes.filter((o) => o.status !== 200).length;
      log(
        `warm-up: ${warm.outcomes.length} requests in ${seconds(Date.now() - started)}${bad > 0 ? `, ${bad} not 200` : ''}`,
      );
    }

    const queriesBefore = repository.database.queryCount;
    const loadBefore = loadavg()[0] ?? 0;
    const result = await inWorker({
      ...baseJob,
      requests: plan(opts.requests),
      maxMs: opts.maxSeconds * 1000,
    });
    const queries = repository.database.queryCount - queriesBefore;
    log(
      `measured: ${result.outcomes.length} requests in ${seconds(result.elapsedMs)} at concurrency ${opts.concurrency}` +
        `${result.skipped > 0 ? `, ${result.skipped} not sent (time bound ${opts.maxSeconds} s)` : ''}; load average ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)} (${mb()})`,
    );

    // -- Report --
    const of = (store: Store) => result.outcomes.filter((o) => o.store === store);
    const ok = (store: Store) => of(store).filter((o) => o.status === 200);
    const stats = Object.fromEntries(
      STORES.map((store) => [store, sortedOf(ok(store).map((o) => o.ms))]),
    ) as Record<Store, number[]>;
    log();
    log(
      `predefined search 2 latency (ms, client-side, full body)     n     p50     p90     p99     max    mean`,
    );
    for (const store of STORES) {
      const s = stats[store];
      const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
      log(
        `  ${store.padEnd(58)} ${String(s.length).padStart(5)} ${fmt(percentile(s, 50))} ${fmt(percentile(s, 90))} ${fmt(percentile(s, 99))} ${fmt(s[s.length - 1] ?? Number.NaN)} ${fmt(mean)}`,
      );
    }
    const ratio = (p: number) => (percentile(stats.postgres, p) / percentile(stats.memory, p)).toFixed(2);
    log(`  ratio PG/memory: p50 ${ratio(50)}x, p90 ${ratio(90)}x, p99 ${ratio(99)}x`);
    const pgDone = of('postgres').length;
    log(
      `  SQL statements per PG request: ${(queries / Math.max(1, pgDone)).toFixed(2)} (${queries} statements / ${pgDone} requests)`,
    );

    const byProfile = new Map<string, Record<Store, number[]>>();
    for (const o of result.outcomes) {
      if (o.status !== 200) continue;
      const profile = syntheticProfile(o.patient + 1, opts.seed);
      const entry = byProfile.get(profile) ?? { postgres: [], memory: [] };
      entry[o.store].push(o.ms);
      byProfile.set(profile, entry);
    }
    log(`  by profile (p50 / p99 ms):`);
    for (const profile of ['healthy', 'longTerm', 'multimorbid']) {
      const entry = byProfile.get(profile);
      if (!entry) continue;
      const pg = sortedOf(entry.postgres);
      const mem = sortedOf(entry.memory);
      log(
        `    ${profile.padEnd(12)} n=${String(pg.length).padStart(4)}  postgres ${fmt(percentile(pg, 50))} / ${fmt(percentile(pg, 99))}   memory ${fmt(percentile(mem, 50))} / ${fmt(percentile(mem, 99))}`,
      );
    }

    for (const store of STORES) {
      const sizes = sortedOf(ok(store).map((o) => o.bytes));
      if (sizes.length > 0) {
        log(
          `  bundle size (${store}): min ${kb(sizes[0])}, median ${kb(percentile(sizes, 50))}, p99 ${kb(percentile(sizes, 99))}, max ${kb(sizes[sizes.length - 1])}`,
        );
      }
    }
    const sizeBy = (store: Store) => new Map(ok(store).map((o) => [o.patient, o.bytes]));
    const pgSizes = sizeBy('postgres');
    const memSizes = sizeBy('memory');
    const both = [...pgSizes.keys()].filter((p) => memSizes.has(p));
    const differing = both.filter((p) => pgSizes.get(p) !== memSizes.get(p));
    log(
      `  same bundle size from both stores: ${both.length - differing.length}/${both.length} patients` +
        (differing.length > 0
          ? ` (differ: ${differing
              .slice(0, 5)
              .map((p) => synthetic[p]?.patient.id)
              .join(', ')})`
          : ''),
    );

    const notOk = result.outcomes.filter((o) => o.status !== 200);
    for (const store of STORES) {
      const bad = notOk.filter((o) => o.store === store);
      const byStatus: Record<string, number> = {};
      for (const o of bad) byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
      log(
        `  non-200 (${store}): ${bad.length}${bad.length > 0 ? ` ${JSON.stringify(byStatus)}; first: ${bad[0]?.error ?? ''}` : ''}`,
      );
    }
    if (notOk.length > 0 || stats.postgres.length === 0 || stats.memory.length === 0) failed = true;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`cleanup: ${String(error)}`);
      }
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) {
  void main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  void runClient(workerData as ClientJob).then((result) => parentPort?.postMessage(result));
}
