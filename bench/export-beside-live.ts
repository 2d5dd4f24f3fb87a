/**
 * `npm run bench:export [-- --patients 10000 --duration 30 --connections 4 --live-patients 2000]`:
 * live predefined-search p99 with a bulk export running beside it (issue 17; target: within 1.5x of
 * the p99 without).
 *
 * A throwaway PostgreSQL cluster (or DATABASE_URL: a database the bench may fill), a synthetic practice
 * P99100 of N patients (tools/synthetic-practice-file.ts, imported with the compiled gpc-admin), and the
 * compiled server (`npm run build` first unless --no-build) on a loopback port. Debian's wrk sends
 * predefined search 2 for --live-patients patients in rotation (each request a new Ssp-TraceID), with
 * --connections connections for --duration seconds, in three phases:
 *
 *   1. live alone (after a short warm-up);
 *   2. an export of the whole practice alone: its duration, the figure per 1,000 patients;
 *   3. an export kicked off just before wrk starts, then live beside it; the export's duration.
 *
 * Load shedding is off (MAX_QUEUE_DELAY_MS=0) unless --shed: a shed request is a quick 503, and the
 * p99 of a mix of answers and refusals says little. The export still gives way to queued requests.
 *
 * The server is started and stopped by bench/service-process.ts and wrk driven by bench/wrk.ts, as in
 * `npm run bench`. Prints p50/p99/req/s and non-2xx of each live phase, the export durations and resources, the ratio of
 * the p99s, the server's peak RSS (VmHWM) and the load average (timings on a shared machine are noisy:
 * read them with `uptime`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { BULK_EXPORT_INTERACTION, kickOff, type Manifest, pollStatus } from '../src/cli/bulk-export';
import {
  DEFAULT_IDENTITY,
  londonToday,
  predefinedSearch,
  resolvePlaceholders,
  spineHeaders,
} from '../src/cli/request';
import { startThrowawayPostgres } from '../tools/throwaway-postgres';
import { Cleanup } from './cleanup';
import type { LoadResult } from './load-result';
import { readPracticeFacts, writeSyntheticPractice } from './rotation';
import { ROOT, type Server, startService } from './service-process';
import { findWrk, runWrk } from './wrk';

const ODS = 'P99100';
/** The synthetic practice's ASID (tools/synthetic-practice-file.ts): Ssp-To. */
const ASID = '200000000999';
const IDENTITY = { ...DEFAULT_IDENTITY, providerAsid: ASID };

interface Options {
  readonly patients: number;
  readonly livePatients: number;
  readonly duration: number;
  readonly connections: number;
  readonly build: boolean;
  readonly shed: boolean;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a whole number`);
    return n;
  };
  const o = {
    patients: value('patients', 10_000),
    livePatients: value('live-patients', 2000),
    duration: value('duration', 30),
    connections: value('connections', 4),
    build: !argv.includes('--no-build'),
    shed: argv.includes('--shed'),
  };
  if (o.livePatients > o.patients) throw new Error('--live-patients cannot exceed --patients');
  return o;
}

/** Runs the compiled gpc-admin (or another script) with node; its stdout is not needed. */
function node(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** Predefined search 2 for each patient in rotation (each request a new Ssp-TraceID), with wrk. */
function live(
  driver: Driver,
  nhs: readonly string[],
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const base = `http://127.0.0.1:${driver.port}/${ODS}/STU3/1/gpconnect/structured`;
  // a JWT lives 300 s: a new one for each run
  const { headers } = spineHeaders(IDENTITY, base);
  const body = JSON.stringify(resolvePlaceholders(predefinedSearch(2, '__NHS__'), londonToday()));
  const target = {
    url: `${base}/Patient/$gpc.getstructuredrecord`,
    headers,
    bodies: nhs.map((n) => body.replace('__NHS__', n)),
  };
  const shape = { threads: 1, connections, seconds };
  return runWrk(driver.wrk, target, shape, driver.dir, driver.cleanup, { traceIdPerRequest: true });
}

interface ExportRun {
  readonly seconds: number;
  readonly resources: number;
  readonly files: number;
  readonly polls: number;
}

async function exportJob(port: number): Promise<{ finished: Promise<ExportRun> }> {
  const base = `http://127.0.0.1:${port}/${ODS}/STU3/1/gpconnect/structured`;
  const headers = () =>
    spineHeaders(IDENTITY, base, {
      interactionId: BULK_EXPORT_INTERACTION,
      reasonForRequest: 'secondaryuses',
    }).headers;
  const started = Date.now();
  const kicked = await kickOff(base, {}, headers(), 30_000);
  if (kicked.kind !== 'accepted') throw new Error(`export kick-off refused: ${JSON.stringify(kicked)}`);
  const finished = (async () => {
    let polls = 0;
    for (;;) {
      const status = await pollStatus(kicked.statusUrl, headers(), 30_000);
      polls += 1;
      if (status.kind === 'complete') {
        const m: Manifest = status.manifest;
        return {
          seconds: (Date.now() - started) / 1000,
          resources: m.output.reduce((sum, o) => sum + (o.count ?? 0), 0),
          files: m.output.length,
          polls,
        };
      }
      if (status.kind !== 'running') throw new Error(`export failed: ${JSON.stringify(status)}`);
      // poll often (not the Retry-After) so the duration is measured to the second
      await sleep(1000);
    }
  })();
  return { finished };
}

function peakRss(server: Server): string {
  const mib = server.peakRssMiB();
  return mib > 0 ? `${Math.round(mib)} MB` : 'unknown';
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (label: string, r: LoadResult) =>
  `${label.padEnd(18)} p50 ${ms(r.p50Ms).padStart(9)}  p99 ${ms(r.p99Ms).padStart(9)}  ` +
  `${r.requestsPerSecond.toFixed(1).padStart(6)} req/s  ${r.requests} requests, ${r.httpErrors} non-2xx, ` +
  `${r.socketErrors} socket errors`;

/** What each live run needs: the wrk binary, the server's port, a scratch directory, the cleanup list. */
interface Driver {
  readonly wrk: string;
  readonly port: number;
  readonly dir: string;
  readonly cleanup: Cleanup;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const wrk = findWrk();
  if (wrk === undefined) throw new Error('wrk is not installed (apt-get install wrk)');
  const dir = mkdtempSync(join(tmpdir(), 'gpc-bench-export-'));
  cleanup.removeDir(dir);
  try {
    const pg = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
    if (pg) cleanup.add('throwaway PostgreSQL', () => pg.destroy());
    const url = process.env.DATABASE_URL ?? pg?.url ?? '';
    if (o.build) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const file = join(dir, 'practice.jsonl');
    await writeSyntheticPractice(file, o.patients, ODS, cleanup);
    const env = { ...process.env, DATABASE_URL: url };
    await node(['dist/src/cli/admin.js', 'migrate'], env);
    let t = Date.now();
    await node(['dist/src/cli/admin.js', 'import', file], env);
    process.stdout.write(`imported ${o.patients} patients in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    const nhs = (await readPracticeFacts(file)).nhsNumbers.slice(0, o.livePatients);

    const server = await startService(
      'service',
      {
        DATABASE_URL: url,
        REPOSITORY: 'postgres',
        AUDIT_LOG: join(dir, 'audit.log'),
        EXPORT_DIR: join(dir, 'exports'),
        MAINTENANCE_FILE: join(dir, 'maintenance'),
        LOG_LEVEL: 'error',
        // load shedding off unless --shed: a shed request is a quick 503 that would flatter the p99
        ...(o.shed ? {} : { MAX_QUEUE_DELAY_MS: '0' }),
      },
      dir,
      cleanup,
    );
    const driver: Driver = { wrk, port: server.port, dir, cleanup };

    await live(driver, nhs, 5, o.connections); // warm-up: JIT, pool, caches
    const alone = await live(driver, nhs, o.duration, o.connections);
    // each phase's figures as soon as it ends: a long run cut short keeps what it measured
    process.stdout.write(`${line('without an export', alone)}\n`);

    const solo = await (await exportJob(server.port)).finished;
    process.stdout.write(`export alone: ${solo.seconds.toFixed(1)} s, ${solo.resources} resources\n`);

    const job = await exportJob(server.port);
    t = Date.now();
    const beside = await live(driver, nhs, o.duration, o.connections);
    const liveEnded = Date.now() - t;
    const during = await job.finished;

    const say = (text: string) => process.stdout.write(`${text}\n`);
    const perThousand = (solo.seconds * 1000) / o.patients;
    const covered = during.seconds * 1000 >= liveEnded;
    const ratio = beside.p99Ms / alone.p99Ms;
    say('');
    say(`live predefined search 2: ${o.livePatients} patients in rotation, ${o.connections} connections`);
    say(line('without an export', alone));
    say(line('beside an export', beside));
    say(`export of ${o.patients} patients alone: ${solo.seconds.toFixed(1)} s`);
    say(
      `  ${perThousand.toFixed(1)} s per 1,000 patients, ${solo.resources} resources in ${solo.files} files`,
    );
    say(`export beside live: ${during.seconds.toFixed(1)} s, ${during.resources} resources`);
    say(
      `  it ran through the whole live window: ${covered ? 'yes' : `no (live lasted ${liveEnded / 1000} s)`}`,
    );
    say(
      `p99 beside / without: ${ratio.toFixed(2)}x (target: within 1.5x) ${ratio <= 1.5 ? 'MET' : 'NOT MET'}`,
    );
    say(`server peak RSS (VmHWM): ${peakRss(server)}`);
    say(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await cleanup.run();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:export failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
