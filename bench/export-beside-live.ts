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
 * Prints p50/p99/req/s and non-2xx of each live phase, the export durations and resources, the ratio of
 * the p99s, the server's peak RSS (VmHWM) and the load average (timings on a shared machine are noisy:
 * read them with `uptime`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import { BULK_EXPORT_INTERACTION, kickOff, type Manifest, pollStatus } from '../src/cli/bulk-export';
import {
  DEFAULT_IDENTITY,
  londonToday,
  predefinedSearch,
  resolvePlaceholders,
  spineHeaders,
} from '../src/cli/request';
import { freePort, startThrowawayPostgres } from '../tools/throwaway-postgres';
import { vmHwmKb } from './service-process';

const ROOT = resolve(__dirname, '..');
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

function node(args: string[], env: NodeJS.ProcessEnv, stdout?: NodeJS.WritableStream): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    if (stdout) child.stdout.pipe(stdout);
    else child.stdout.resume();
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** The first `count` NHS numbers of the practice file, read line by line. */
async function nhsNumbers(file: string, count: number): Promise<string[]> {
  const found: string[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const m = /"nhsNumber":"(\d{10})"/.exec(line);
    if (m && !line.startsWith('{"format"')) found.push(m[1]);
    if (found.length >= count) break;
  }
  lines.close();
  return found;
}

interface Live {
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly non2xx: number;
  readonly socketErrors: number;
}

/** The wrk script: predefined search 2, NHS numbers in rotation, a new trace id per request. */
function wrkScript(path: string, nhs: readonly string[], headers: Record<string, string>): string {
  const body = JSON.stringify(resolvePlaceholders(predefinedSearch(2, '__NHS__'), londonToday()));
  const [before, after] = body.split('__NHS__');
  const lua = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string here (ASCII only)
  const setHeaders = Object.entries(headers)
    .filter(([name]) => name !== 'Ssp-TraceID')
    .map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`)
    .join('\n');
  return `
wrk.method = "POST"
${setHeaders}
local nhs = { ${nhs.map((n) => lua(n)).join(', ')} }
local before, after, path = ${lua(before)}, ${lua(after)}, ${lua(path)}
local counter = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
function init(args)
  counter = offset or 0
  math.randomseed(os.time() + counter)
end
local function hex(n)
  local s = ""
  for i = 1, n do s = s .. string.format("%x", math.random(0, 15)) end
  return s
end
function request()
  counter = counter + 1
  wrk.headers["Ssp-TraceID"] = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
  return wrk.format(nil, path, nil, before .. nhs[(counter % #nhs) + 1] .. after)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"p50":%d,"p99":%d,"requests":%d,"duration":%d,"non2xx":%d,"socket":%d}\\n',
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;
}

async function wrk(port: number, dir: string, nhs: readonly string[], seconds: number, connections: number) {
  const base = `http://127.0.0.1:${port}/${ODS}/STU3/1/gpconnect/structured`;
  // a JWT lives 300 s: a new one for each run
  const { headers } = spineHeaders(IDENTITY, base);
  const script = join(dir, 'live.lua');
  writeFileSync(
    script,
    wrkScript(`/${ODS}/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`, nhs, headers),
  );
  const child = spawn(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, base],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number];
  const line = /WRK (\{.*\})/.exec(out)?.[1];
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${out}`);
  const r = JSON.parse(line) as {
    p50: number;
    p99: number;
    requests: number;
    duration: number;
    non2xx: number;
    socket: number;
  };
  return {
    p50: r.p50 / 1000,
    p99: r.p99 / 1000,
    requests: r.requests,
    perSecond: r.requests / (r.duration / 1e6),
    non2xx: r.non2xx,
    socketErrors: r.socket,
  } satisfies Live;
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

function peakRss(pid: number | undefined): string {
  const kb = pid === undefined ? 0 : vmHwmKb(pid);
  return kb > 0 ? `${Math.round(kb / 1024)} MB` : 'unknown';
}

async function waitForServer(port: number, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error('the server did not start within 60 s');
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (label: string, r: Live) =>
  `${label.padEnd(18)} p50 ${ms(r.p50).padStart(9)}  p99 ${ms(r.p99).padStart(9)}  ` +
  `${r.perSecond.toFixed(1).padStart(6)} req/s  ${r.requests} requests, ${r.non2xx} non-2xx, ` +
  `${r.socketErrors} socket errors`;

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'gpc-bench-export-'));
  const pg = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
  const url = process.env.DATABASE_URL ?? pg?.url ?? '';
  let server: ChildProcess | undefined;
  try {
    if (o.build) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const file = join(dir, 'practice.jsonl');
    const out = createWriteStream(file);
    await node(
      ['-r', 'ts-node/register/transpile-only', 'tools/synthetic-practice-file.ts', String(o.patients), ODS],
      process.env,
      out,
    );
    await new Promise((done) => out.end(done));
    const env = { ...process.env, DATABASE_URL: url };
    await node(['dist/src/cli/admin.js', 'migrate'], env);
    let t = Date.now();
    await node(['dist/src/cli/admin.js', 'import', file], env);
    process.stdout.write(`imported ${o.patients} patients in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    const nhs = await nhsNumbers(file, o.livePatients);

    const port = await freePort();
    server = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: {
        ...env,
        REPOSITORY: 'postgres',
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_PORT: '0',
        ADMIN_HOST: '127.0.0.1',
        AUDIT_LOG: join(dir, 'audit.log'),
        EXPORT_DIR: join(dir, 'exports'),
        MAINTENANCE_FILE: join(dir, 'maintenance'),
        LOG_LEVEL: 'error',
        // load shedding off unless --shed: a shed request is a quick 503 that would flatter the p99
        ...(o.shed ? {} : { MAX_QUEUE_DELAY_MS: '0' }),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitForServer(port, server);

    await wrk(port, dir, nhs, 5, o.connections); // warm-up: JIT, pool, caches
    const alone = await wrk(port, dir, nhs, o.duration, o.connections);
    // each phase's figures as soon as it ends: a long run cut short keeps what it measured
    process.stdout.write(`${line('without an export', alone)}\n`);

    const solo = await (await exportJob(port)).finished;
    process.stdout.write(`export alone: ${solo.seconds.toFixed(1)} s, ${solo.resources} resources\n`);

    const job = await exportJob(port);
    t = Date.now();
    const beside = await wrk(port, dir, nhs, o.duration, o.connections);
    const liveEnded = Date.now() - t;
    const during = await job.finished;

    const say = (text: string) => process.stdout.write(`${text}\n`);
    const perThousand = (solo.seconds * 1000) / o.patients;
    const covered = during.seconds * 1000 >= liveEnded;
    const ratio = beside.p99 / alone.p99;
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
    say(`server peak RSS (VmHWM): ${peakRss(server.pid)}`);
    say(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'close');
    }
    pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:export failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
