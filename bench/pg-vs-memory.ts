/**
 * PostgreSQL beside memory with wrk (issue 15's PostgreSQL target), compiled servers, one run:
 *
 *   npm run build && npx ts-node --transpile-only bench/pg-vs-memory.ts [--patients 10000]
 *     [--rotate 1000] [--connections 32] [--seconds 10] [--pool 10]
 *
 * A synthetic practice of N patients (tools/synthetic-practice-file.ts) is written to a temporary
 * practice file, imported into a fresh database (DATABASE_URL's server when set, else a throwaway
 * cluster) with the compiled gpc-admin, and served twice by dist/src/main.js: REPOSITORY=memory over
 * the same file, and REPOSITORY=postgres. wrk (`-t2 -c<connections>`, Debian's package) sends
 * predefined search 2 rotating over the first --rotate patients to each in turn, and the script prints
 * requests/s, p50, p99 and non-2xx per store and the ratio. The audit trail goes to /dev/null for both
 * stores: the figure compares the stores, not the disk. Loopback only; everything started is stopped.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Client } from 'pg';

import { systemClock } from '../src/clock';
import { addDays } from '../src/fhir/dates';
import { parameters, predefinedSearch2 } from '../test/support/parameters';
import { syntheticPatients } from '../tools/synthetic-practice';
import { jwt, validClaims } from '../tools/test-jwt';
import { freePort, startThrowawayPostgres } from '../tools/throwaway-postgres';

const ROOT = resolve(__dirname, '..');
const ODS = 'P99100';
const ASID = '200000000999';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number`);
  return n;
}

interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p50: string;
  readonly p99: string;
  readonly non2xx: number;
}

function wrk(port: number, script: string, connections: number, seconds: number): WrkResult {
  const out = execFileSync(
    'wrk',
    ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}`],
    { encoding: 'utf8' },
  );
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(out)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(out)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1];
  const non2xx = Number(/Non-2xx or 3xx responses:\s+([0-9]+)/.exec(out)?.[1] ?? '0');
  if (!rps || !p50 || !p99) throw new Error(`cannot read wrk's output:\n${out}`);
  return { requestsPerSecond: Number(rps), p50, p99, non2xx };
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_PORT: '0',
      LOG_LEVEL: 'warn',
      AUDIT_LOG: '/dev/null',
      MAINTENANCE_FILE: '',
      MAX_IN_FLIGHT: '1000',
      MAX_QUEUE_DELAY_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 900_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return { child, port };
    } catch {
      if (Date.now() > deadline) throw new Error('server did not listen within 900 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function main(): Promise<void> {
  const patients = option('patients', 10_000);
  const rotate = Math.min(patients, option('rotate', 1000));
  const connections = option('connections', 32);
  const seconds = option('seconds', 10);
  const pool = option('pool', 10);
  const dir = mkdtempSync(join(tmpdir(), 'gpc-pg-vs-memory-'));
  const cleanups: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const today = systemClock.today();
    const file = join(dir, 'practice.jsonl');
    writeFileSync(
      file,
      execFileSync(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          join(ROOT, 'tools', 'synthetic-practice-file.ts'),
          String(patients),
          ODS,
        ],
        { cwd: ROOT, maxBuffer: 1 << 30 },
      ),
    );
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

    // wrk's script: predefined search 2 for the first `rotate` patients in turn.
    const nhs = [...syntheticPatients(rotate, today)].map((p) => p.patient.nhsNumber);
    const from = addDays(today, -365);
    const bodies = nhs.map((n) => JSON.stringify(parameters(...predefinedSearch2(n, from))));
    const headers = {
      'Ssp-From': '200000000115',
      'Ssp-To': ASID,
      'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
      Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000)))}`,
      'Content-Type': 'application/fhir+json',
    };
    const script = join(dir, 'rotate.lua');
    writeFileSync(
      script,
      `local bodies = {${bodies.map((b) => JSON.stringify(b)).join(',\n')}}
local n = 0
wrk.method = "POST"
wrk.path = "/${ODS}/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord"
${Object.entries(headers)
  .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
  .join('\n')}
request = function()
  n = n + 1
  wrk.headers["Ssp-TraceID"] = string.format("00000000-0000-4000-8000-%012d", n)
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end
`,
    );

    const results: Record<string, WrkResult> = {};
    for (const store of ['memory', 'postgres'] as const) {
      const server = await startServer(
        store === 'memory'
          ? { REPOSITORY: 'memory', PRACTICE_FILES: file }
          : { REPOSITORY: 'postgres', DATABASE_URL: dbUrl, DB_POOL_SIZE: String(pool) },
      );
      try {
        wrk(server.port, script, connections, 3); // warm-up (JIT, connections, plans)
        results[store] = wrk(server.port, script, connections, seconds);
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
        `${store.padEnd(8)} ${r.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${r.p50.padStart(8)}  ` +
          `p99 ${r.p99.padStart(8)}  non-2xx ${r.non2xx}`,
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
