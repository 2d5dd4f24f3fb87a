/**
 * `npm run bench`: the service's speed in one run, beside a bare `node:http` server returning the same
 * bytes (issue 15). Starts the COMPILED service (run `npm run build` first) on loopback ephemeral
 * ports, throttles off, audit trail to a temp file with fdatasync on (as production), and drives it
 * with Debian's wrk (autocannon where wrk is missing) over predefined search 2 for >= 1,000 distinct
 * synthetic patients. Sections (BENCH_ONLY=memory,bare,postgres,large,workers; all by default):
 *
 * - memory:   the memory store, -t2 -c32 -d10s (BENCH_THREADS, BENCH_CONNECTIONS, BENCH_SECONDS);
 * - bare:     the bare server with the service's stored answers, same load; ratio service/bare;
 * - postgres: a throwaway PostgreSQL, 10,000 patients imported by gpc-admin, same load; ratio PG/memory;
 * - large:    the whole record of large1 at one connection (-t1 -c1);
 * - workers:  WORKERS=1 against WORKERS=2 with -t1 -c32 on the memory store; ratio 2/1.
 *
 * Prints peak RSS per server, the load average at start and end, and the figures as one JSON line
 * (prefixed BENCH_JSON). Every child process and temp dir is removed on exit, error or Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { startThrowawayPostgres } from '../tools/throwaway-postgres';
import { type BenchOptions, benchOptions, type Section } from './bench-options';
import { Cleanup } from './cleanup';
import { drive, type Driver } from './drive';
import type { LoadShape, LoadTarget } from './load-result';
import { HEADER, ratio, ratioText, row, type RunFigures, summaryJson } from './report';
import {
  fetchAnswers,
  freshAuthorization,
  type PracticeFileFacts,
  predefinedSearch2Target,
  readPracticeFacts,
  spread,
  wholeRecordTarget,
  writeSyntheticPractice,
} from './rotation';
import { childrenOf, ROOT, type Server, staleBuild, startBareServer, startService } from './service-process';
import { findWrk } from './wrk';

/** large1 of the embedded practice P99001 (data/practices/P99001.jsonl). */
const LARGE1 = { odsCode: 'P99001', asid: '200000000116', nhs: '9690939017' };
const EMBEDDED_P99001 = join(ROOT, 'data', 'practices', 'P99001.jsonl');
const SYNTHETIC_ODS = 'P99100';

const say = (line = '') => process.stdout.write(`${line}\n`);
const load1 = () => (loadavg()[0] ?? 0).toFixed(2);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Settings every service run shares: loopback, quiet, throttles off, audit to a file with fsync. */
function serviceSettings(dir: string, workers: number): Record<string, string> {
  return {
    LOG_LEVEL: 'error',
    AUDIT_LOG: join(dir, 'audit', 'audit.log'),
    AUDIT_FSYNC: 'true',
    MAX_IN_FLIGHT: '100000',
    MAX_QUEUE_DELAY_MS: '0',
    MAINTENANCE_FILE: '',
    WORKERS: String(workers),
  };
}

interface Context {
  readonly options: BenchOptions;
  readonly driver: Driver;
  readonly dir: string;
  readonly cleanup: Cleanup;
  readonly runs: Record<string, RunFigures>;
  /** The table header is printed before a section's first row. */
  headerDue: boolean;
}

async function measure(
  ctx: Context,
  key: string,
  label: string,
  target: LoadTarget,
  shape: LoadShape,
  server: Server,
): Promise<RunFigures> {
  const runDir = join(ctx.dir, `run-${key}`);
  mkdirSync(runDir);
  // A token made just before each run: a run must end within its 5 minutes (BENCH_SECONDS and
  // BENCH_WARMUP_SECONDS are bounded for that).
  const withToken = () => ({
    ...target,
    headers: { ...target.headers, Authorization: freshAuthorization() },
  });
  // The same load first, not counted: a server just started (each worker of several) is still
  // compiling its hot paths and sizing its heap, which a 10 s run would otherwise average in.
  if (ctx.options.warmupSeconds > 0) {
    const warmDir = join(ctx.dir, `warmup-${key}`);
    mkdirSync(warmDir);
    const warm = { ...shape, seconds: ctx.options.warmupSeconds };
    await drive(ctx.driver, withToken(), warm, warmDir, ctx.cleanup);
  }
  const result = await drive(ctx.driver, withToken(), shape, runDir, ctx.cleanup);
  if (ctx.headerDue) say(HEADER);
  ctx.headerDue = false;
  const figures: RunFigures = {
    ...result,
    label,
    shape,
    peakRssMiB: server.peakRssMiB(),
    processes: 1 + childrenOf(server.child.pid ?? 0).length,
  };
  ctx.runs[key] = figures;
  say(row(figures));
  return figures;
}

let memoryPractice: PracticeFileFacts | undefined;

async function syntheticPractice(ctx: Context, patients: number, name: string): Promise<PracticeFileFacts> {
  const started = Date.now();
  const file = join(ctx.dir, `${name}.jsonl`);
  await writeSyntheticPractice(file, patients, SYNTHETIC_ODS, ctx.cleanup);
  const facts = await readPracticeFacts(file);
  say(
    `  synthetic practice ${facts.odsCode}: ${facts.nhsNumbers.length} patients written in ` +
      seconds(started),
  );
  return facts;
}

async function memoryPracticeOf(ctx: Context): Promise<PracticeFileFacts> {
  memoryPractice ??= await syntheticPractice(ctx, ctx.options.patients, 'memory-practice');
  return memoryPractice;
}

async function startMemoryService(ctx: Context, name: string, workers: number): Promise<Server> {
  const practice = await memoryPracticeOf(ctx);
  const started = Date.now();
  const dir = join(ctx.dir, name);
  mkdirSync(dir);
  const server = await startService(
    name,
    { ...serviceSettings(dir, workers), PRACTICE_FILES: `${practice.file},${EMBEDDED_P99001}` },
    dir,
    ctx.cleanup,
  );
  say(`  ${name}: listening on 127.0.0.1:${server.port} after ${seconds(started)} (WORKERS=${workers})`);
  return server;
}

const mainShape = (o: BenchOptions): LoadShape => ({
  threads: o.threads,
  connections: o.connections,
  seconds: o.seconds,
});

/** memory, large and bare share one service run (the bare server needs the service's answers). */
async function memorySections(ctx: Context): Promise<void> {
  const { sections } = ctx.options;
  const server = await startMemoryService(ctx, 'service-memory', ctx.options.workers);
  const practice = await memoryPracticeOf(ctx);
  const target = predefinedSearch2Target(
    server.port,
    practice.odsCode,
    practice.asid,
    spread(practice.nhsNumbers, ctx.options.rotation),
  );
  let answersFile: string | undefined;
  if (sections.has('memory') || sections.has('bare')) {
    const started = Date.now();
    const { file, meanBytes } = await fetchAnswers(target);
    say(
      `  rotation: predefined search 2 for ${target.bodies.length} distinct patients, ` +
        'each answered 200 once ' +
        `(warm-up, ${seconds(started)}); mean answer ${(meanBytes / 1024).toFixed(1)} KiB`,
    );
    answersFile = join(ctx.dir, 'answers.json');
    writeFileSync(answersFile, JSON.stringify(file));
  }
  if (sections.has('memory')) {
    await measure(ctx, 'memory', 'service, memory store', target, mainShape(ctx.options), server);
  }
  if (sections.has('large')) {
    const large = wholeRecordTarget(server.port, LARGE1.odsCode, LARGE1.asid, LARGE1.nhs);
    const { meanBytes } = await fetchAnswers({
      ...large,
      bodies: Array.from({ length: 3 }, () => large.bodies[0]),
    });
    say(`  large1 whole record: ${(meanBytes / 1048576).toFixed(2)} MiB per answer`);
    const shape = { threads: 1, connections: 1, seconds: ctx.options.seconds };
    await measure(ctx, 'large', 'large1 whole record', large, shape, server);
  }
  await server.stop();
  if (answersFile !== undefined && sections.has('bare')) {
    const bare = await startBareServer(answersFile, ctx.cleanup);
    // The same requests, headers included; the bare server looks only at the body.
    const bareTarget = { ...target, url: target.url.replace(`:${server.port}/`, `:${bare.port}/`) };
    await measure(ctx, 'bare', 'bare node:http', bareTarget, mainShape(ctx.options), bare);
    await bare.stop();
  }
}

async function postgresSection(ctx: Context): Promise<void> {
  let started = Date.now();
  const pg = await startThrowawayPostgres();
  ctx.cleanup.add('throwaway PostgreSQL', () => pg.destroy());
  say(`  throwaway PostgreSQL on 127.0.0.1:${pg.port} (${seconds(started)})`);
  const practice = await syntheticPractice(ctx, ctx.options.pgPatients, 'pg-practice');
  const admin = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'admin.js'), ...args], {
        cwd: ctx.dir,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: pg.url },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const forget = ctx.cleanup.killOnExit(child);
      let err = '';
      child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      child.once('close', (code) => {
        forget();
        if (code === 0) resolve();
        else reject(new Error(`gpc-admin ${args[0]} exited ${code}: ${err.slice(-800)}`));
      });
    });
  started = Date.now();
  await admin(['migrate']);
  await admin(['import', practice.file]);
  const { Client } = await import('pg');
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  await client.query('ANALYZE');
  await client.end();
  say(
    `  gpc-admin migrate + import of ${practice.nhsNumbers.length} patients, then ANALYZE: ` +
      seconds(started),
  );
  const dir = join(ctx.dir, 'service-postgres');
  mkdirSync(dir);
  started = Date.now();
  const server = await startService(
    'service-postgres',
    { ...serviceSettings(dir, ctx.options.workers), REPOSITORY: 'postgres', DATABASE_URL: pg.url },
    dir,
    ctx.cleanup,
  );
  say(`  service-postgres: listening on 127.0.0.1:${server.port} after ${seconds(started)}`);
  const target = predefinedSearch2Target(
    server.port,
    practice.odsCode,
    practice.asid,
    spread(practice.nhsNumbers, ctx.options.rotation),
  );
  started = Date.now();
  const { meanBytes } = await fetchAnswers(target);
  say(
    `  rotation: ${target.bodies.length} distinct patients spread over the ` +
      `${practice.nhsNumbers.length}, each answered ` +
      `200 once (${seconds(started)}); mean answer ${(meanBytes / 1024).toFixed(1)} KiB`,
  );
  await measure(ctx, 'postgres', 'service, PostgreSQL', target, mainShape(ctx.options), server);
  await server.stop();
}

async function workersSection(ctx: Context): Promise<void> {
  const practice = await memoryPracticeOf(ctx);
  const nhs = spread(practice.nhsNumbers, ctx.options.rotation);
  for (const workers of [1, 2]) {
    const server = await startMemoryService(ctx, `service-workers-${workers}`, workers);
    const target = predefinedSearch2Target(server.port, practice.odsCode, practice.asid, nhs);
    await fetchAnswers(target);
    const figures = await measure(
      ctx,
      `workers${workers}`,
      `service, WORKERS=${workers}`,
      target,
      { threads: 1, connections: ctx.options.connections, seconds: ctx.options.seconds },
      server,
    );
    if (workers === 2 && (figures.processes ?? 1) === 1) {
      say('  note: WORKERS=2 ran as one process: this build ignores WORKERS');
    }
    await server.stop();
  }
}

async function main(): Promise<void> {
  const options = benchOptions();
  const stale = staleBuild();
  if (stale !== undefined) throw new Error(stale);
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const wrk = findWrk();
  const driver: Driver = wrk ? { tool: 'wrk', path: wrk } : { tool: 'autocannon' };
  const dir = mkdtempSync(join(tmpdir(), 'gpc-bench-'));
  cleanup.removeDir(dir);
  const ctx: Context = { options, driver, dir, cleanup, runs: {}, headerDue: true };
  const loadStart = load1();
  const started = Date.now();
  say(
    `npm run bench: ${[...options.sections].join(', ')}; ${options.seconds} s per run; ` +
      `${cpus().length} CPUs; ` +
      `load average at start ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  say(
    wrk
      ? `load generator: wrk (${wrk})`
      : 'load generator: wrk NOT FOUND, falling back to autocannon ' +
          "(install Debian's wrk for comparable figures)",
  );
  try {
    const run = async (title: string, sections: readonly Section[], body: () => Promise<void>) => {
      if (!sections.some((s) => options.sections.has(s))) return;
      say();
      say(`== ${title}`);
      ctx.headerDue = true;
      await body();
    };
    await run('memory store, bare server, large1', ['memory', 'bare', 'large'], () => memorySections(ctx));
    await run('PostgreSQL', ['postgres'], () => postgresSection(ctx));
    await run('WORKERS=1 against WORKERS=2', ['workers'], () => workersSection(ctx));
  } finally {
    await cleanup.run();
  }
  const { runs } = ctx;
  const ratios = {
    serviceOverBare: ratio(runs.memory, runs.bare),
    postgresOverMemory: ratio(runs.postgres, runs.memory),
    workers2OverWorkers1: ratio(runs.workers2, runs.workers1),
  };
  const loadEnd = load1();
  say();
  say('== summary');
  say(HEADER);
  for (const figures of Object.values(runs)) say(row(figures));
  if (ratios.serviceOverBare !== undefined)
    say(`ratio service/bare (req/s):        ${ratioText(ratios.serviceOverBare)}`);
  if (ratios.postgresOverMemory !== undefined)
    say(`ratio PostgreSQL/memory (req/s):   ${ratioText(ratios.postgresOverMemory)}`);
  if (ratios.workers2OverWorkers1 !== undefined)
    say(`ratio WORKERS=2/WORKERS=1 (req/s): ${ratioText(ratios.workers2OverWorkers1)}`);
  say(`load average (1 min): ${loadStart} at start, ${loadEnd} at end; ${seconds(started)} in all`);
  const json = summaryJson(runs, ratios, {
    at: new Date().toISOString(),
    tool: driver.tool,
    cpus: cpus().length,
    loadAverageStart: Number(loadStart),
    loadAverageEnd: Number(loadEnd),
    patients: options.patients,
    pgPatients: options.pgPatients,
    rotation: options.rotation,
  });
  say(`BENCH_JSON ${JSON.stringify(json)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
