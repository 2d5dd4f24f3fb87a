/**
 * The README's "Production" commands, run as printed on a clean clone of this repository: install
 * (which builds dist/ once), prune to production dependencies, migrate, import a practice, start the
 * compiled server and send one request with gpc. Only the clone's location, the database and the port
 * differ from the README: the test puts its own in their place.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort } from '../../tools/throwaway-postgres';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const ROOT = resolve(__dirname, '..', '..');

/** The fenced block between the README's production markers. */
export function productionCommands(readme: string): string {
  const block = /<!-- production:begin -->\s*```sh\n([\s\S]*?)```\s*<!-- production:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no production block');
  return block[1];
}

describe('README "Production": clone to a running PostgreSQL-backed service', () => {
  let dir: string;
  let db: TestDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpc-production-'));
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'runs as printed',
    async () => {
      const commands = productionCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
      const lines = commands.split('\n');
      expect(lines[0]).toMatch(/^git clone "\$REPO_URL" gpconnect-structured && cd gpconnect-structured /);
      const port = String(await freePort());
      const adminPort = String(await freePort());
      const script = [
        // The clone: this checkout's committed state, not the network.
        `git clone --quiet ${JSON.stringify(ROOT)} gpconnect-structured && cd gpconnect-structured`,
        ...lines.slice(1),
      ]
        .join('\n')
        .replace(/postgres:\/\/gpconnect:secret@localhost:5432\/gpconnect/g, db.url)
        .replace(/8081/g, adminPort)
        .replace(/8080/g, port);
      const run = spawn('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? dir, '.npm'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so nothing it started can outlive the test.
        detached: true,
      });
      let output = '';
      run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const closed = new Promise<void>((done) => run.on('close', () => done()));
      let code: number | null;
      try {
        code = await new Promise<number | null>((done) => run.on('exit', done));
      } finally {
        try {
          process.kill(-(run.pid ?? 0), 'SIGKILL');
        } catch {
          // The group has already gone: the README's `kill %1 && wait` stopped the server.
        }
      }
      await closed;
      if (code !== 0) throw new Error(`exit ${code}\n${output.slice(-4000)}`);
      // Pruned: the compiler is gone, so nothing can have compiled at start.
      expect(existsSync(join(dir, 'gpconnect-structured', 'node_modules', 'typescript'))).toBe(false);
      expect(output).toContain(
        'migrations applied: 001_clinical_record, 002_patient_search, 003_many_practices, 004_audit_trail',
      );
      expect(output).toMatch(/practice P99002 replaced: 3 patients/);
      expect(output).toMatch(/^P99002 +Canal Street Surgery +asid=200000000216/m);
      expect(output).toContain('HTTP 200 application/fhir+json');
      expect(output).toContain('Patient: Mrs Lucy Baker (NHS 9690941003)');
    },
    15 * 60_000,
  );
});
