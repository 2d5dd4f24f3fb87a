/**
 * `npm run bench:import [-- N] [--reimport]`: time, rate and peak memory of `gpc-admin import` for an
 * N-patient synthetic practice file (100,000 by default). With `--reimport` the file is imported once
 * untimed and then again, timed: the second import replaces the practice (the cascade of
 * `DELETE FROM practice` through every table), the case that had no index to follow its foreign keys. The file is written to disk first by
 * tools/synthetic-practice-file.ts in its own process; then the compiled gpc-admin (dist/, built by
 * `npm run build` if missing) imports it in another, under /usr/bin/time when installed, so the peak
 * resident set is the import's own (neither the generator's nor ts-node's). Prints file size, time,
 * patients/s, peak RSS and the load average beside them. PostgreSQL: a scratch database
 * (bench/scratch-postgres.ts), dropped at the end with the file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { scratchPostgres } from './scratch-postgres';

const ROOT = resolve(__dirname, '..');
const ADMIN = join(ROOT, 'dist', 'src', 'cli', 'admin.js');
const TIME = '/usr/bin/time';

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdout?: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', stdout ? 'pipe' : 'inherit', 'pipe'],
    });
    if (stdout) child.stdout?.pipe(stdout);
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('close', (code) =>
      code === 0 ? done(err) : fail(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const reimport = args.includes('--reimport');
  const count = Number(args.find((a) => a !== '--reimport') ?? '100000');
  if (!Number.isInteger(count) || count < 1) throw new Error('usage: bench:import [-- N] [--reimport]');
  if (!existsSync(ADMIN)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'gpc-bench-import-'));
  const scratch = await scratchPostgres();
  process.stdout.write(`${scratch.description}\n`);
  // Interrupted (Ctrl-C, a time limit): the file and the scratch database still go.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      rmSync(dir, { recursive: true, force: true });
      void scratch.drop().finally(() => process.exit(130));
    });
  try {
    const file = join(dir, 'synthetic.jsonl');
    let started = Date.now();
    const out = createWriteStream(file);
    const tsNode = [require.resolve('ts-node/dist/bin.js'), '--transpile-only'];
    await run(
      process.execPath,
      [...tsNode, 'tools/synthetic-practice-file.ts', String(count), 'P99100'],
      process.env,
      out,
    );
    await new Promise((done) => out.end(done));
    const megabytes = statSync(file).size / 1048576;
    const wrote = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`wrote ${count} patients (${megabytes.toFixed(0)} MB) in ${wrote} s\n`);
    const env = { ...process.env, DATABASE_URL: scratch.url };
    await run(process.execPath, [ADMIN, 'migrate'], env);
    if (reimport) {
      started = Date.now();
      await run(process.execPath, [ADMIN, 'import', file], env);
      const first = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`first import (not timed below): ${first} s; now replacing the practice\n`);
    }
    const timed = existsSync(TIME);
    const before = load();
    started = Date.now();
    const log = await run(
      timed ? TIME : process.execPath,
      timed ? ['-v', process.execPath, ADMIN, 'import', file] : [ADMIN, 'import', file],
      env,
    );
    const seconds = (Date.now() - started) / 1000;
    // /usr/bin/time's figure (KiB) when there is one, else gpc-admin's own maxRSS line.
    const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(log)?.[1];
    const peak = kib ? Math.round(Number(kib) / 1024) : Number(/peak (\d+) MB resident/.exec(log)?.[1]);
    const loaded = /replaced: \d+ patients in ([0-9.]+) s/.exec(log)?.[1];
    process.stdout.write(
      `gpc-admin import${reimport ? ' (replacing the practice)' : ''}: ${count} patients, ${megabytes.toFixed(0)} MB file, in ${seconds.toFixed(1)} s ` +
        `(check and load; load pass ${loaded ?? '?'} s), ${Math.round(count / seconds)} patients/s, ` +
        `peak RSS ${peak} MB; load average before ${before}, after ${load()}\n`,
    );
  } finally {
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
