/**
 * Bulk export with WORKERS=2 and the memory store (issue 17 x issue 15; docs/decisions.md D-B4): the
 * primary holds the jobs, so a status, download or cancel request finds its job whichever worker it
 * reaches — never a 404 for a job that exists — and one job is run by one worker only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AuditLine, exportRequest, type RunningService, startService } from '../support/cluster';

interface Manifest {
  readonly output: readonly { type: string; url: string; count: number }[];
}

const requestsOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditLine)
    .filter((r) => r.type === 'request');

/** The workers that served the requests with these trace ids (from the audit trail). */
const workersOf = (audit: string, prefix: string) =>
  new Set(
    requestsOf(audit)
      .filter((r) => String(r.traceId).startsWith(prefix))
      .map((r) => r.worker),
  );

describe('WORKERS=2, memory store: bulk export across workers', () => {
  let dir: string;
  let audit: string;
  let service: RunningService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpc-cluster-export-'));
    audit = join(dir, 'audit.log');
    service = await startService({
      REPOSITORY: 'memory',
      AUDIT_LOG: audit,
      EXPORT_DIR: join(dir, 'exports'),
      EXPORT_RETRY_AFTER_SECONDS: '1',
    });
    await service.waitFor(/"message":"listening".*"workers":2/);
  }, 300_000);
  afterAll(() => {
    service.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('status is 202 then 200 from every worker, never 404; every file downloads from both', async () => {
    const kicked = await exportRequest(
      service.port,
      'GET',
      '/P99001/STU3/1/gpconnect/structured/Patient/$export',
      'ko-1',
    );
    expect(kicked.status).toBe(202);
    const status = String(kicked.headers['content-location']);
    const jobId = /\/\$export-status\/([0-9a-f-]{36})$/.exec(status)?.[1];
    expect(jobId).toBeDefined();

    const seen: number[] = [];
    let manifest: Manifest | undefined;
    for (let poll = 0; manifest === undefined; poll++) {
      if (poll > 600) throw new Error(`no manifest after ${poll} polls: ${seen.join(',')}`);
      const answer = await exportRequest(service.port, 'GET', status, `poll-${poll}`);
      seen.push(answer.status);
      if (answer.status === 200) manifest = JSON.parse(answer.body) as Manifest;
      else await new Promise((r) => setTimeout(r, 100));
    }
    // Polls as many as it takes; at least two answered, spread over both workers below.
    expect(seen.filter((s) => s !== 202 && s !== 200)).toEqual([]);
    expect(manifest.output.length).toBeGreaterThan(0);
    expect(manifest.output.map((o) => o.type)).toEqual(expect.arrayContaining(['Patient']));
    // More status answers, each 200, so both workers have answered for the job.
    for (let i = 0; i < 6; i++) {
      expect((await exportRequest(service.port, 'GET', status, `poll-done-${i}`)).status).toBe(200);
    }
    expect(workersOf(audit, 'poll-').size).toBe(2);

    for (const [f, output] of manifest.output.entries()) {
      for (let copy = 0; copy < 4; copy++) {
        const file = await exportRequest(service.port, 'GET', output.url, `file-${f}-${copy}`);
        expect(file.status).toBe(200);
        expect(file.body.split('\n').filter((l) => l !== '')).toHaveLength(output.count);
      }
    }
    expect(workersOf(audit, 'file-').size).toBe(2);
    // The job was claimed and run by one worker only.
    const started = service
      .output()
      .split('\n')
      .filter((l) => l.includes('"message":"bulk export started"'));
    expect(started.filter((l) => l.includes(String(jobId)))).toHaveLength(1);
  }, 300_000);

  it('DELETE cancels a job; then its status is 404 from every worker', async () => {
    const kicked = await exportRequest(
      service.port,
      'GET',
      '/P99001/STU3/1/gpconnect/structured/Patient/$export',
      'ko-2',
    );
    expect(kicked.status).toBe(202);
    const status = String(kicked.headers['content-location']);
    expect((await exportRequest(service.port, 'GET', status, 'before-cancel')).status).toBeLessThan(300);
    const cancelled = await exportRequest(service.port, 'DELETE', status, 'cancel');
    // Even while the runner is writing into the job's directory in the other worker (ENOTEMPTY once).
    expect({ status: cancelled.status, body: cancelled.body }).toEqual({ status: 202, body: '' });
    for (let i = 0; i < 8; i++) {
      const after = await exportRequest(service.port, 'GET', status, `gone-${i}`);
      expect(after.status).toBe(404);
      expect(after.body).toContain('NO_RECORD_FOUND');
    }
    expect(workersOf(audit, 'gone-').size).toBe(2);
  }, 120_000);
});
