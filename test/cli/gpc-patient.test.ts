/** `gpc patient` as a user runs it: a child process against the embedded practice on a loopback port. */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

import { systemClock } from '../../src/clock';
import { BASE, NHS, testApp } from '../support/app';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');

function gpc(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(testApp({ clock: systemClock }).app);
  const port = await new Promise<number>((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
  base = `http://127.0.0.1:${port}${BASE}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** patient2's birth date: absolute in the embedded practice whatever the day (docs/data-format.md). */
const BORN = '1948-09-30';
const PATIENT2_ROW = new RegExp(`9690937286\\s+Mrs Margaret Anne HUGHES\\s+${BORN}\\s+female\\s+.*patient2`);

describe('gpc patient', () => {
  it('finds patient2 by NHS number', async () => {
    const run = await gpc('patient', '--base', base, '--nhs', NHS.patient2);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `GET ${base}/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C${NHS.patient2}`,
    );
    expect(run.stdout).toContain('HTTP 200 application/fhir+json;charset=utf-8');
    expect(run.stdout).toContain('1 patient\n');
    expect(run.stdout).toMatch(PATIENT2_ROW);
  });

  it('finds patient2 by family name and birth date', async () => {
    const run = await gpc('patient', '--base', base, '--family', 'hughes', '--birthdate', BORN);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(PATIENT2_ROW);
  });

  it('says so when no patient matches, and exits 0', async () => {
    const run = await gpc('patient', '--base', base, '--nhs', NHS.patient9);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No patient matches');
  });

  it('prints the Spine code of a refused search and exits 1', async () => {
    const run = await gpc('patient', '--base', base, '--nhs', '1234567890');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 400');
    expect(run.stderr).toContain('INVALID_IDENTIFIER_VALUE');
  });

  it('exits 64 without a search term', async () => {
    const run = await gpc('patient', '--base', base);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('give --nhs');
  });
});
