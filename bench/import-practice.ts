/**
 * `npm run bench:import [-- N]`: time and peak memory of `gpc-admin import` for an N-patient synthetic
 * practice file (100,000 by default). The file is written first by tools/synthetic-practice-file.ts in
 * its own process, then imported by gpc-admin in another, so the import's peak resident set is its
 * own. Uses DATABASE_URL, or a throwaway PostgreSQL cluster when it is not set.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startThrowawayPostgres } from '../tools/throwaway-postgres';

const ROOT = resolve(__dirname, '..');
const TS_NODE = [require.resolve('ts-node/dist/bin.js'), '--transpile-only'];

function run(args: string[], env: NodeJS.ProcessEnv, stdout?: NodeJS.WritableStream): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...TS_NODE, ...args], {
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

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '100000');
  const dir = mkdtempSync(join(tmpdir(), 'gpc-bench-import-'));
  const server = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
  const url = process.env.DATABASE_URL ?? server?.url ?? '';
  try {
    const file = join(dir, 'synthetic.jsonl');
    let started = Date.now();
    const out = createWriteStream(file);
    await run(['tools/synthetic-practice-file.ts', String(count), 'P99100'], process.env, out);
    await new Promise((done) => out.end(done));
    process.stdout.write(
      `wrote ${count} patients (${(statSync(file).size / 1048576).toFixed(0)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const env = { ...process.env, DATABASE_URL: url };
    await run(['src/cli/admin.ts', 'migrate'], env);
    started = Date.now();
    const log = await run(['src/cli/admin.ts', 'import', file], env);
    const peak = /peak (\d+) MB resident/.exec(log)?.[1];
    process.stdout.write(
      `gpc-admin import: ${count} patients in ${((Date.now() - started) / 1000).toFixed(1)} s (check and load), peak RSS ${peak} MB\n`,
    );
  } finally {
    server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
