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
 *         first 1,000 patients (3 s warm-up, then --seconds); prints requests/s and the CPU ms per
 *         request of every process of the cluster (utime+stime from /proc) and of the service
 *   npx ts-node --transpile-only bench/pg-server-cpu.ts teardown
 *
 * DIR is a package root holding dist/ (a copy of an earlier build lets base and change alternate in
 * the same minutes). The audit trail goes to /dev/null; loopback only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
const STATE = '/tmp/gpc-pg-server-cpu.json';
const ROTATE = 1000;

interface State {
  readonly url: string;
  readonly dir: string;
  readonly file: string;
  readonly script: string;
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

/** wrk's script: predefined search 2 for the first ROTATE patients in turn, with a fresh JWT. */
function writeScript(script: string): void {
  const today = systemClock.today();
  const nhs = [...syntheticPatients(ROTATE, today)].map((p) => p.patient.nhsNumber);
  const from = addDays(today, -365);
  const bodies = nhs.map((n) => JSON.stringify(parameters(...predefinedSearch2(n, from))));
  const headers = {
    'Ssp-From': '200000000115',
    'Ssp-To': ASID,
    'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
    Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000)))}`,
    'Content-Type': 'application/fhir+json',
  };
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
}

async function setup(): Promise<void> {
  const patients = Number(option('patients') ?? 10_000);
  const server = await startThrowawayPostgres();
  const dir = '/tmp/gpc-pg-server-cpu';
  execFileSync('mkdir', ['-p', dir]);
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
  const script = join(dir, 'rotate.lua');
  writeFileSync(STATE, JSON.stringify({ url: server.url, dir, file, script } satisfies State));
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

async function startServer(root: string, url: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
    cwd: root,
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
      REPOSITORY: 'postgres',
      DATABASE_URL: url,
      DB_POOL_SIZE: '10',
      WORKERS: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const deadline = Date.now() + 120_000; ;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return { child, port };
    } catch {
      if (Date.now() > deadline) throw new Error('server did not listen within 120 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function wrk(port: number, seconds: number): { requests: number; rps: number; p50: string; p99: string } {
  const out = execFileSync(
    'wrk',
    ['-t2', '-c32', `-d${seconds}s`, '--latency', '-s', state().script, `http://127.0.0.1:${port}`],
    { encoding: 'utf8' },
  );
  const requests = Number(/([0-9]+) requests in/.exec(out)?.[1]);
  const rps = Number(/Requests\/sec:\s+([0-9.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+([0-9]+)/.exec(out)?.[1] ?? '0');
  if (non2xx > 0) throw new Error(`${non2xx} answers were not 2xx`);
  return {
    requests,
    rps,
    p50: /^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    p99: /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
  };
}

async function measure(root: string, name: string): Promise<void> {
  const seconds = Number(option('seconds') ?? 10);
  const client = new Client({ connectionString: dbUrl(name) });
  await client.connect();
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
  await client.end();
  const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  writeScript(state().script);
  const server = await startServer(root, dbUrl(name));
  try {
    wrk(server.port, 3);
    const pg0 = clusterTicks(postmaster);
    const node0 = clusterTicks(server.child.pid ?? 0);
    const r = wrk(server.port, seconds);
    const pgMs = used(pg0, clusterTicks(postmaster)) * 10;
    const nodeMs = used(node0, clusterTicks(server.child.pid ?? 0)) * 10;
    console.log(
      `${root} ${name}: ${r.rps.toFixed(1)} req/s p50 ${r.p50} p99 ${r.p99}; ` +
        `postgres ${(pgMs / r.requests).toFixed(3)} ms/request, node ${(nodeMs / r.requests).toFixed(3)} ms/request ` +
        `(${r.requests} requests; load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
    );
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
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
