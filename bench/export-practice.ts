/**
 * `npm run bench:export-practice [-- N]`: a bulk export of an N-patient synthetic practice (10,000 by default)
 * over PostgreSQL, through the real server: the practice file is written and imported (gpc-admin), the
 * server started in its own process (REPOSITORY=postgres), `Patient/$export` kicked off over HTTP and
 * polled until the manifest; then every file is downloaded (its lines checked against the manifest)
 * and the duration, the rate per 1,000 patients, the lines and bytes written, the download time and
 * the server's peak resident set (VmHWM, Linux) are printed. With EXPORT_STORAGE=database (the default
 * over PostgreSQL) also the chunks the files are stored in. Uses DATABASE_URL, or a throwaway
 * PostgreSQL cluster when it is not set.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from 'pg';

import { jwt, validClaims } from '../tools/test-jwt';
import { freePort, startThrowawayPostgres } from '../tools/throwaway-postgres';
import { childrenOf, vmHwmKb } from './service-process';

const ROOT = resolve(__dirname, '..');
const TS_NODE = [require.resolve('ts-node/dist/bin.js'), '--transpile-only'];
const ODS = 'P99100';
/** The synthetic practice's ASID (tools/synthetic-practice-file.ts). */
const PRACTICE_ASID = '200000000999';
const INTERACTION = 'urn:nhs:names:services:gpconnect:structured:fhir:operation:export-1';

function run(args: string[], env: NodeJS.ProcessEnv, stdout?: NodeJS.WritableStream): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...TS_NODE, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'inherit'],
    });
    if (stdout) child.stdout?.pipe(stdout);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

function headers(): Record<string, string> {
  return {
    'Ssp-TraceID': '629ea9ba-a077-4d99-b289-7a9b19fd4e03',
    'Ssp-From': '200000000115',
    'Ssp-To': PRACTICE_ASID,
    'Ssp-InteractionID': INTERACTION,
    Authorization: `Bearer ${jwt(validClaims(Math.floor(Date.now() / 1000)))}`,
    Accept: 'application/fhir+json',
    Prefer: 'respond-async',
  };
}

/** The server's peak RSS (MiB): the primary's and its cluster workers' summed (the export runs in a worker). */
function peakMiB(pid: number): number {
  return [pid, ...childrenOf(pid)].reduce((kb, p) => kb + vmHwmKb(p), 0) / 1024;
}

/** Downloads a file as a stream (never whole in memory here either): its bytes and lines. */
async function downloadFile(url: string): Promise<{ bytes: number; lines: number }> {
  const res = await fetch(url, { headers: headers() });
  if (res.status !== 200 || !res.body) throw new Error(`download of ${url} answered ${res.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  return { bytes, lines };
}

/** How the job's files are stored in the database (EXPORT_STORAGE=database). */
async function chunkFigures(url: string, jobId: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ files: number; chunks: number; largest: number }>(
      'SELECT count(*)::int AS files, coalesce(sum(chunks), 0)::int AS chunks, coalesce(max(chunks), 0)::int AS largest FROM export_file WHERE job_id = $1',
      [jobId],
    );
    const { files, chunks, largest } = rows[0];
    return files === 0
      ? 'files on disk (EXPORT_STORAGE=directory)'
      : `${chunks} chunks in the database, the largest file ${largest} chunks`;
  } finally {
    await client.end();
  }
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error('the server did not start');
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '10000');
  const dir = mkdtempSync(join(tmpdir(), 'gpc-bench-export-'));
  const pg = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
  const url = process.env.DATABASE_URL ?? pg?.url ?? '';
  let server: ReturnType<typeof spawn> | undefined;
  try {
    const file = join(dir, 'synthetic.jsonl');
    const out = createWriteStream(file);
    await run(['tools/synthetic-practice-file.ts', String(count), ODS], process.env, out);
    await new Promise((done) => out.end(done));
    const env = { ...process.env, DATABASE_URL: url };
    await run(['src/cli/admin.ts', 'migrate'], env);
    await run(['src/cli/admin.ts', 'import', file], env);
    process.stdout.write(`imported ${count} synthetic patients\n`);

    const port = await freePort();
    const exportDir = join(dir, 'exports');
    server = spawn(process.execPath, [...TS_NODE, 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...env,
        REPOSITORY: 'postgres',
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_PORT: '0',
        AUDIT_LOG: join(dir, 'audit.log'),
        AUDIT_FSYNC: 'false',
        MAINTENANCE_FILE: '',
        LOG_LEVEL: 'warn',
        EXPORT_DIR: exportDir,
        DB_STATEMENT_TIMEOUT_MS: '30000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}/${ODS}/STU3/1/gpconnect/structured`;
    await waitForServer(`${base}/metadata`);
    const startRss = peakMiB(server.pid ?? 0);
    const started = performance.now();
    const kicked = await fetch(`${base}/Patient/$export`, { headers: headers() });
    if (kicked.status !== 202) throw new Error(`kick-off answered ${kicked.status}: ${await kicked.text()}`);
    const status = kicked.headers.get('content-location') ?? '';
    let manifest: { output: { type: string; url: string; count: number }[] } | undefined;
    let last = '';
    while (!manifest) {
      await sleep(1000);
      const res = await fetch(status, { headers: headers() });
      if (res.status === 200) manifest = (await res.json()) as typeof manifest;
      else if (res.status === 202) {
        const progress = res.headers.get('x-progress') ?? '';
        if (progress !== last) process.stdout.write(`  ${progress}\n`);
        last = progress;
      } else throw new Error(`status answered ${res.status}: ${await res.text()}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = peakMiB(server.pid ?? 0);
    const lines = manifest.output.reduce((n, o) => n + o.count, 0);
    const loadStarted = performance.now();
    let bytes = 0;
    for (const output of manifest.output) {
      const file = await downloadFile(output.url);
      if (file.lines !== output.count) {
        throw new Error(`${output.url}: ${file.lines} lines downloaded, the manifest says ${output.count}`);
      }
      bytes += file.bytes;
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const afterDownloads = peakMiB(server.pid ?? 0);
    const stored = await chunkFigures(url, status.slice(status.lastIndexOf('/') + 1));
    process.stdout.write(
      `export of ${count} patients: ${seconds.toFixed(1)} s (${((seconds / count) * 1000).toFixed(1)} s per 1,000 ` +
        `patients), ${manifest.output.length} files, ${lines} resources, ${(bytes / 1048576).toFixed(0)} MB ` +
        `(${stored}); server peak RSS (primary and workers summed) ${peak.toFixed(0)} MB (${startRss.toFixed(0)} MB before the export); ` +
        `every file downloaded in ${loadSeconds.toFixed(1)} s, peak RSS then ${afterDownloads.toFixed(0)} MB\n`,
    );
  } finally {
    server?.kill('SIGTERM');
    await sleep(500);
    pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:export-practice failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
