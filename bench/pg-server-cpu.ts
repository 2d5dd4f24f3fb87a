/**
 * PostgreSQL's own CPU per request beside the service's (issue 15), for comparing two builds side by
 * side on one throwaway cluster:
 *
 *   npx ts-node --transpile-only bench/pg-server-cpu.ts setup [--patients 10000]
 *       → a throwaway cluster (kept running) and the synthetic practice file; prints the state file
 *   npx ts-node --transpile-only bench/pg-server-cpu.ts import --root DIR --db NAME
 *       → a fresh database NAME migrated and imported with DIR's compiled gpc-admin, then ANALYZE
 *   npx ts-node --transpile-only bench/pg-server-cpu.ts measure --root DIR --db NAME [--seconds 10]
 *       → DIR's compiled service over NAME; wrk -t2 -c32 sends predefined search 2 rotating over the
 *         first 1,000 patients (--warmup s, long enough to ask for each, then --seconds); prints requests/s and the CPU ms per
 *         request of every process of the cluster (utime+stime from /proc) and of the service
 *   npx ts-node --transpile-only bench/pg-server-cpu.ts teardown
 *
 * DIR is a package root holding dist/ (a copy of an earlier build lets base and change alternate in
 * the same minutes). The audit trail goes to /dev/null; loopback only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const STATE = '/tmp/gpc-pg-server-cpu.json';
const ROTATE = 1000;

interface State {
  readonly url: string;
  readonly dir: string;
  readonly file: string;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const state = (): State => JSON.parse(readFileSync(STATE, 'utf8')) as State;

function dbUrl(name: string): string {
  const u = new URL(state().url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * utime + stime of a process in clock ticks (1/100 s), or 0 when it is gone; with `reaped`, also those
 * of its children that have exited (a backend that ends during the run is still counted).
 */
function ticks(pid: number, reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return reaped ? own + Number(fields[13]) + Number(fields[14]) : own;
  } catch {
    return 0;
  }
}

/** A process (the postmaster, the service) and every process it started, with their CPU ticks so far. */
function clusterTicks(postmaster: number): Map<number, number> {
  const out = new Map<number, number>([[postmaster, ticks(postmaster, true)]]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) out.set(Number(entry), ticks(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU ticks used between two snapshots (a process started meanwhile counts from zero). */
function used(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum;
}

async function setup(): Promise<void> {
  const patients = Number(option('patients') ?? 10_000);
  const server = await startThrowawayPostgres();
  const dir = '/tmp/gpc-pg-server-cpu';
  execFileSync('mkdir', ['-p', dir]);
  const file = join(dir, 'practice.jsonl');
  const cleanup = new Cleanup();
  try {
    await writeSyntheticPractice(file, patients, ODS, cleanup);
  } finally {
    await cleanup.run();
  }
  writeFileSync(STATE, JSON.stringify({ url: server.url, dir, file } satisfies State));
  console.log(`cluster ${server.url}, ${patients} patients in ${file}; state in ${STATE}`);
}

function importInto(root: string, name: string): void {
  const { url, file } = state();
  execFileSync('psql', [url, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  execFileSync('psql', [url, '-qc', `CREATE DATABASE ${name}`]);
  const admin = (...args: string[]) =>
    execFileSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'admin.js'), ...args], {
      env: { ...process.env, DATABASE_URL: dbUrl(name) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  admin('migrate');
  const started = Date.now();
  admin('import', file);
  console.log(`import ${((Date.now() - started) / 1000).toFixed(1)} s`);
  execFileSync('psql', [dbUrl(name), '-qc', 'VACUUM ANALYZE']);
}

/** wrk -t2 -c32 for `seconds`: predefined search 2 rotating over the first ROTATE patients. */
async function wrk(port: number, seconds: number, cleanup: Cleanup): Promise<LoadResult> {
  const path = findWrk();
  if (path === undefined) throw new Error("Debian's wrk is needed (apt-get install wrk)");
  const nhs = [...syntheticPatients(ROTATE, systemClock.today())].map((p) => p.patient.nhsNumber);
  const dir = mkdtempSync(join(tmpdir(), 'gpc-pg-server-cpu-wrk-'));
  cleanup.removeDir(dir);
  const target = predefinedSearch2Target(port, ODS, ASID, nhs);
  const result = await runWrk(path, target, { threads: 2, connections: 32, seconds }, dir, cleanup, {
    traceIdPerRequest: true,
  });
  if (result.httpErrors > 0) throw new Error(`${result.httpErrors} answers were errors`);
  return result;
}

async function measure(root: string, name: string): Promise<void> {
  const seconds = Number(option('seconds') ?? 10);
  const client = new Client({ connectionString: dbUrl(name) });
  await client.connect();
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
  await client.end();
  const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  const cleanup = new Cleanup();
  const server = await startCompiledServer(
    root,
    { REPOSITORY: 'postgres', DATABASE_URL: dbUrl(name), DB_POOL_SIZE: '10', WORKERS: '1' },
    120_000,
  );
  try {
    // Every patient of the rotation asked for before measuring, as npm run bench does (the caches).
    await wrk(server.port, Number(option('warmup') ?? 10), cleanup);
    const pg0 = clusterTicks(postmaster);
    const node0 = clusterTicks(server.child.pid ?? 0);
    const r = await wrk(server.port, seconds, cleanup);
    const pgMs = used(pg0, clusterTicks(postmaster)) * 10;
    const nodeMs = used(node0, clusterTicks(server.child.pid ?? 0)) * 10;
    console.log(
      `${root} ${name}: ${r.requestsPerSecond.toFixed(1)} req/s p50 ${r.p50Ms.toFixed(1)} ms ` +
        `p99 ${r.p99Ms.toFixed(1)} ms; ` +
        `postgres ${(pgMs / r.requests).toFixed(3)} ms/request, node ${(nodeMs / r.requests).toFixed(3)} ms/request ` +
        `(${r.requests} requests; load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
    );
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await cleanup.run();
  }
}

function teardown(): void {
  if (!existsSync(STATE)) return;
  const { url, dir } = state();
  const port = new URL(url).port;
  // The throwaway cluster's data directory is the one whose server listens on this port.
  const line = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.includes(`-p ${port}`) && l.includes(' -D '));
  const data = line ? /-D (\S+)/.exec(line)?.[1] : undefined;
  if (data) {
    const asRoot = process.getuid?.() === 0;
    const pgCtl = join(
      execFileSync('dirname', [line?.split(' ')[0] ?? ''])
        .toString()
        .trim(),
      'pg_ctl',
    );
    const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', pgCtl] : [pgCtl];
    execFileSync(cmd[0], [...cmd.slice(1), '-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(resolve(data, '..'), { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(STATE, { force: true });
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  const root = resolve(option('root') ?? ROOT);
  const name = option('db') ?? 'gpc_cpu';
  if (mode === 'setup') await setup();
  else if (mode === 'import') importInto(root, name);
  else if (mode === 'measure') await measure(root, name);
  else if (mode === 'teardown') teardown();
  else throw new Error('usage: pg-server-cpu.ts setup|import|measure|teardown [--root DIR] [--db NAME]');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
