/**
 * `gpc export` as a user runs it (a child process) against this provider's own bulk export, in
 * process on a loopback port, over the store under test: the whole practice, `_type`, progress and
 * Ctrl-C, a failed job, another consumer's job, the per-consumer limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { systemClock } from '../../src/clock';
import type { ExportJob } from '../../src/record/export-jobs';
import { BASE, type TestApp, testApp } from '../support/app';
import { getUrl, kickOff, pathOf } from '../support/bulk-export';
import {
  type ExportDirectory,
  exportDirectory,
  gpc,
  gpcProcess,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/gpc-export';

jest.setTimeout(180_000);

/** What the next app's runner does after each batch (one patient a batch here). */
let afterBatch: (job: ExportJob, done: number) => Promise<void> = async () => undefined;

let t: TestApp;
let server: LoopbackServer;
let base: string;
let out: ExportDirectory;

beforeEach(async () => {
  afterBatch = async () => undefined;
  t = testApp({
    clock: systemClock,
    env: { EXPORT_BATCH_SIZE: '1', EXPORT_RETRY_AFTER_SECONDS: '1' },
    afterExportBatch: (job, done) => afterBatch(job, done),
  });
  server = await listenOnLoopback(t.app);
  base = `${server.origin}${BASE}`;
  out = exportDirectory('gpc-export-server-');
});

afterEach(async () => {
  afterBatch = async () => undefined;
  await t.bulkExport.runner.idle();
  await server.close();
  out.remove();
});

interface ManifestFile {
  readonly type: string;
  readonly url: string;
  readonly count: number;
}

const manifestOnDisk = () => JSON.parse(out.read('manifest.json')) as { output: ManifestFile[] };

const linesOf = (file: string) =>
  out
    .read(file)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { resourceType: string; id: string });

describe('gpc export against this provider', () => {
  it('exports the whole practice: every file written, counted as the manifest says, summarised', async () => {
    afterBatch = () => sleep(150); // slow enough for a few status polls
    const run = await gpc(['export', '--base', base, '--out', out.path]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`GET ${base}/Patient/$export?_outputFormat=application%2Ffhir%2Bndjson`);
    expect(run.stdout).toMatch(/HTTP 202 Accepted: the job's status is at .*\/\$export-status\//);
    expect(run.stdout).toMatch(/Progress: \d+\/\d+ patients \(\d+%\)/);
    expect(run.stdout).toContain('HTTP 200: the export is complete');

    const manifest = manifestOnDisk();
    const types = [...new Set(manifest.output.map((o) => o.type))];
    expect(types).toEqual(expect.arrayContaining(['Patient', 'Condition', 'AllergyIntolerance']));
    let total = 0;
    for (const type of types) {
      const outputs = manifest.output.filter((o) => o.type === type);
      const files = outputs.map((_, i) => (i === 0 ? `${type}.ndjson` : `${type}.${i + 1}.ndjson`));
      const resources = files.flatMap(linesOf);
      const expected = outputs.reduce((sum, o) => sum + o.count, 0);
      expect(resources).toHaveLength(expected);
      for (const r of resources) expect(r.resourceType).toBe(type);
      // the summary row of the type: files, resources
      expect(run.stdout).toMatch(
        new RegExp(`\\n${type}\\s+${files.length}\\s+${expected.toLocaleString('en-GB')}\\s`),
      );
      total += expected;
    }
    expect(run.stdout).toMatch(
      new RegExp(`\\nTotal\\s+${manifest.output.length}\\s+${total.toLocaleString('en-GB')}\\s`),
    );
    expect(run.stdout).toContain('Errors: none');
    const patients = linesOf('Patient.ndjson').map((p) => p.id);
    expect(patients).toContain('patient2');
  });

  it('--type asks for those resource types only', async () => {
    const run = await gpc([
      'export',
      '--base',
      base,
      '--out',
      out.path,
      '--type',
      'Patient,AllergyIntolerance',
    ]);
    expect(run.code).toBe(0);
    expect(new Set(manifestOnDisk().output.map((o) => o.type))).toEqual(
      new Set(['Patient', 'AllergyIntolerance']),
    );
    expect(
      out
        .files()
        .filter((f) => f.endsWith('.ndjson'))
        .sort(),
    ).toEqual(['AllergyIntolerance.ndjson', 'Patient.ndjson']);
  });

  it('Ctrl-C cancels the running job at the provider: its status is then unknown', async () => {
    afterBatch = () => sleep(1000);
    const run = await gpcProcess(
      ['export', '--base', base, '--out', out.path],
      /Progress: [1-9]\d*\/\d+ patients/,
    );
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('HTTP 202: the job is cancelled');
    const status = /status is at (\S+)/.exec(run.stdout)?.[1] ?? '';
    const after = await getUrl(t, status);
    expect(after.status).toBe(404);
    expect(out.files()).toEqual([]);
  });

  it('a job that fails at the provider is reported with its diagnostics', async () => {
    afterBatch = async (_job, done) => {
      if (done >= 2) throw new Error('simulated fault in the record store');
    };
    const run = await gpc(['export', '--base', base, '--out', out.path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gpc: the export failed');
    expect(run.stderr).toContain('HTTP 500');
    expect(run.stderr).toMatch(/diagnostics: Export job \S+ failed: The export failed; start a new export/);
    expect(out.files()).toEqual([]);
  });

  it("another consumer's job does not exist for it", async () => {
    afterBatch = () => sleep(200);
    const kicked = await kickOff(t);
    expect(kicked.status).toBe(202);
    // the job as this server (not supertest's own listener) serves it
    const status = new URL(pathOf(String(kicked.headers['content-location'])), base).toString();
    const run = await gpc([
      'export',
      '--status',
      status,
      '--out',
      out.path,
      '--consumer-asid',
      '200000000999',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is unknown to the provider');
    expect(run.stderr).toContain('HTTP 404');
    expect(run.stderr).toContain('NO_RECORD_FOUND');
  });

  it('a second export while one runs is refused with 429 and its diagnostics', async () => {
    afterBatch = () => sleep(1000); // still running when gpc has started
    expect((await kickOff(t)).status).toBe(202);
    const run = await gpc(['export', '--base', base, '--out', out.path, '--retries', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 429');
    expect(run.stderr).toContain('EXPORT_MAX_PER_CONSUMER');
  });

  it('a bad parameter is refused by the provider with an OperationOutcome naming it', async () => {
    const run = await gpc(['export', '--base', base, '--out', out.path, '--since', '2999-01-01T00:00:00Z']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 422');
    expect(run.stderr).toContain('INVALID_PARAMETER');
    expect(run.stderr).toContain('_since 2999-01-01T00:00:00Z is in the future');
  });
});
