/**
 * PostgreSQL beside memory with wrk (issue 15's PostgreSQL target), compiled servers, one run:
 *
 *   npm run build && npx ts-node --transpile-only bench/pg-vs-memory.ts [--patients 10000]
 *     [--rotate 1000] [--connections 32] [--seconds 10] [--warmup 10] [--pool 10]
 *
 * A synthetic practice of N patients (tools/synthetic-practice-file.ts) is written to a temporary
 * practice file, imported into a fresh database (DATABASE_URL's server when set, else a throwaway
 * cluster) with the compiled gpc-admin, and served twice by dist/src/main.js: REPOSITORY=memory over
 * the same file, and REPOSITORY=postgres. wrk (`-t2 -c<connections>`, Debian's package) sends
 * predefined search 2 rotating over the first --rotate patients to each in turn, and the script prints
 * requests/s, p50, p99 and non-2xx per store and the ratio. The audit trail goes to /dev/null for both
 * stores: the figure compares the stores, not the disk. Loopback only; everything started is stopped.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Client } from 'pg';

import { systemClock } from '../src/clock';
import { syntheticPatients } from '../tools/synthetic-practice';
import { startThrowawayPostgres } from '../tools/throwaway-postgres';
import { Cleanup } from './cleanup';
import { startCompiledServer } from './compiled-server';
import type { LoadResult } from './load-result';
import { predefinedSearch2Target, writeSyntheticPractice } from './rotation';
import { findWrk, runWrk } from './wrk';

const ROOT = resolve(__dirname, '..');
const ODS = 'P99100';
const ASID = '200000000999';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number`);
  return n;
}

async function main(): Promise<void> {
  const patients = option('patients', 10_000);
  const rotate = Math.min(patients, option('rotate', 1000));
  const connections = option('connections', 32);
  const seconds = option('seconds', 10);
  const pool = option('pool', 10);
  const warmup = option('warmup', 10);
  const dir = mkdtempSync(join(tmpdir(), 'gpc-pg-vs-memory-'));
  const cleanups: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const today = systemClock.today();
    const cleanup = new Cleanup();
    cleanups.push(() => void cleanup.run());
    const file = join(dir, 'practice.jsonl');
    await writeSyntheticPractice(file, patients, ODS, cleanup);
    let url = process.env.DATABASE_URL;
    if (!url) {
      const server = await startThrowawayPostgres();
      cleanups.push(() => server.destroy());
      url = server.url;
    }
    const name = `gpc_bench_${process.pid}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(() => {
      execFileSync('psql', [url ?? '', '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
    });
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const dbUrl = u.toString();
    const gpcAdmin = (...args: string[]) =>
      execFileSync(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'admin.js'), ...args], {
        env: { ...process.env, DATABASE_URL: dbUrl },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    gpcAdmin('migrate');
    gpcAdmin('import', file);
    execFileSync('psql', [dbUrl, '-qc', 'ANALYZE']);

    // Predefined search 2 for the first `rotate` patients in turn.
    const nhs = [...syntheticPatients(rotate, today)].map((p) => p.patient.nhsNumber);
    const wrkPath = findWrk();
    if (wrkPath === undefined) throw new Error("Debian's wrk is needed (apt-get install wrk)");
    let runs = 0;
    const wrk = (port: number, runSeconds: number) => {
      const runDir = join(dir, `wrk-${++runs}`);
      mkdirSync(runDir);
      return runWrk(
        wrkPath,
        predefinedSearch2Target(port, ODS, ASID, nhs),
        { threads: 2, connections, seconds: runSeconds },
        runDir,
        cleanup,
        { traceIdPerRequest: true },
      );
    };

    const results: Record<string, LoadResult> = {};
    for (const store of ['memory', 'postgres'] as const) {
      const server = await startCompiledServer(
        ROOT,
        store === 'memory'
          ? { REPOSITORY: 'memory', PRACTICE_FILES: file }
          : { REPOSITORY: 'postgres', DATABASE_URL: dbUrl, DB_POOL_SIZE: String(pool) },
        900_000,
      );
      try {
        // Warm-up (JIT, connections, plans, and every patient of the rotation asked for once at least,
        // as npm run bench's warm-up does), not counted.
        await wrk(server.port, warmup);
        results[store] = await wrk(server.port, seconds);
      } catch (error) {
        const { exitCode, signalCode } = server.child;
        throw new Error(`${store}: ${String(error)} (server exit ${exitCode}, signal ${signalCode})`);
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
      }
    }
    console.log(
      `patients=${patients} rotating over ${rotate}, wrk -t2 -c${connections} -d${seconds}s, DB_POOL_SIZE=${pool}, ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    for (const [store, r] of Object.entries(results)) {
      console.log(
        `${store.padEnd(8)} ${r.requestsPerSecond.toFixed(1).padStart(8)} req/s  ` +
          `p50 ${`${r.p50Ms.toFixed(1)}ms`.padStart(8)}  p99 ${`${r.p99Ms.toFixed(1)}ms`.padStart(8)}  ` +
          `http errors ${r.httpErrors}`,
      );
    }
    const ratio = results.postgres.requestsPerSecond / results.memory.requestsPerSecond;
    console.log(`postgres/memory requests/s: ${(ratio * 100).toFixed(0)}%`);
  } finally {
    for (const undo of cleanups.reverse()) {
      try {
        undo();
      } catch (error) {
        console.error(`cleanup: ${String(error)}`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
