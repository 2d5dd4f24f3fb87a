/**
 * `npm run bench:export-practice [-- N]`: a bulk export of an N-patient synthetic practice (10,000 by default)
 * over PostgreSQL, through the real server: the practice file is written and imported (gpc-admin), the
 * server started in its own process (REPOSITORY=postgres), `Patient/$export` kicked off over HTTP and
 * polled until the manifest; then the duration, the rate per 1,000 patients, the lines and bytes
 * written and the server's peak resident set (VmHWM, Linux) are printed. Uses DATABASE_URL, or a
 * throwaway PostgreSQL cluster when it is not set.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { jwt, validClaims } from '../tools/test-jwt';
import { freePort, startThrowawayPostgres } from '../tools/throwaway-postgres';
import { vmHwmKb } from './service-process';

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
    const startRss = vmHwmKb(server.pid ?? 0) / 1024;
    const started = performance.now();
    const kicked = await fetch(`${base}/Patient/$export`, { headers: headers() });
    if (kicked.status !== 202) throw new Error(`kick-off answered ${kicked.status}: ${await kicked.text()}`);
    const status = kicked.headers.get('content-location') ?? '';
    let manifest: { output: { type: string; count: number }[] } | undefined;
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
    const peak = vmHwmKb(server.pid ?? 0) / 1024;
    const lines = manifest.output.reduce((n, o) => n + o.count, 0);
    const jobDir = join(exportDir, status.slice(status.lastIndexOf('/') + 1));
    const bytes = readdirSync(jobDir).reduce((n, f) => n + statSync(join(jobDir, f)).size, 0);
    process.stdout.write(
      `export of ${count} patients: ${seconds.toFixed(1)} s (${((seconds / count) * 1000).toFixed(1)} s per 1,000 ` +
        `patients), ${manifest.output.length} files, ${lines} resources, ${(bytes / 1048576).toFixed(0)} MB; ` +
        `server peak RSS ${peak.toFixed(0)} MB (${startRss.toFixed(0)} MB before the export)\n`,
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
