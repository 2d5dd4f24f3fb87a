/**
 * The pieces of `gpc export` a child process cannot show well: the terminal progress bar, and the
 * streamed download's line count over chunk boundaries, gzip files and a large body.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { downloadFile, manifestOf } from '../../src/cli/bulk-export';
import { parseProgress, ProgressReporter, renderBar } from '../../src/cli/export-progress';
import { renderTotals } from '../../src/cli/export-summary';

describe('progress', () => {
  it('draws a bar from X-Progress', () => {
    expect(parseProgress('330/1000 patients')).toEqual({ done: 330, total: 1000 });
    expect(parseProgress('starting')).toBeUndefined();
    expect(parseProgress('5/0 patients')).toBeUndefined();
    expect(renderBar({ done: 330, total: 1000 }, 72_000, 10)).toBe(
      '[###-------]  33%  330/1000 patients  1:12',
    );
    expect(renderBar({ done: 1000, total: 1000 }, 3_725_000, 10)).toBe(
      '[##########] 100%  1000/1000 patients  1:02:05',
    );
  });

  it('redraws in place on a terminal and ends the line when done', () => {
    const drawn: string[] = [];
    const lines: string[] = [];
    const reporter = new ProgressReporter({ line: (t) => lines.push(t), redraw: (t) => drawn.push(t) }, 0);
    reporter.report('1/4 patients', 1000);
    reporter.report('1/4 patients', 2000);
    reporter.report('queued', 3000);
    reporter.finish();
    expect(drawn).toEqual([
      '[########----------------------]  25%  1/4 patients  0:01',
      '[########----------------------]  25%  1/4 patients  0:02',
      'running: queued  0:03',
    ]);
    expect(lines).toEqual(['']);
  });

  it('writes a plain line only when the progress changes, off a terminal', () => {
    const lines: string[] = [];
    const reporter = new ProgressReporter({ line: (t) => lines.push(t) }, 0);
    reporter.report('1/4 patients', 1000);
    reporter.report('1/4 patients', 5000);
    reporter.report('2/4 patients', 9000);
    reporter.finish();
    expect(lines).toEqual([
      'Progress: 1/4 patients (25%) after 0:01',
      'Progress: 2/4 patients (50%) after 0:09',
    ]);
  });

  it('totals files, resources and bytes per type', () => {
    const table = renderTotals([
      { type: 'Patient', file: 'Patient.ndjson', lines: 1000, bytes: 1_500_000 },
      { type: 'Patient', file: 'Patient.2.ndjson', lines: 10, bytes: 15_000 },
      { type: 'Condition', file: 'Condition.ndjson', lines: 3, bytes: 900 },
    ]);
    expect(table.split('\n')).toEqual([
      'Type       Files  Resources      Bytes',
      '---------  -----  ---------  ---------',
      'Patient        2      1,010  1,515,000',
      'Condition      1          3        900',
      '---------  -----  ---------  ---------',
      'Total          3      1,013  1,515,900',
    ]);
  });
});

describe('manifest', () => {
  it('resolves relative URLs against the status URL and refuses entries without a url', () => {
    const m = manifestOf(
      { output: [{ type: 'Patient', url: 'files/1.ndjson', count: 2 }], requiresAccessToken: true },
      'http://h/status/1',
    );
    expect(m).toMatchObject({
      output: [{ type: 'Patient', url: 'http://h/status/files/1.ndjson', count: 2 }],
      error: [],
      requiresAccessToken: true,
    });
    expect(manifestOf({ output: [{ type: 'Patient' }] }, 'http://h/s')).toBe(
      "an entry of the manifest's output has no type or url",
    );
  });
});

describe('downloadFile', () => {
  let server: Server;
  let origin: string;
  let dir: string;
  const routes: Record<string, (res: ServerResponse) => void> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      const route = routes[req.url ?? ''];
      if (route) route(res);
      else {
        res.writeHead(404, { 'Content-Type': 'application/fhir+json' });
        res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ diagnostics: 'expired' }] }));
      }
    });
    const port = await new Promise<number>((done) =>
      server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
    );
    origin = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gpc-download-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const line = (i: number) =>
    `${JSON.stringify({ resourceType: 'Observation', id: `o${i}`, pad: 'x'.repeat(i % 50) })}\n`;

  it('counts lines split across many small chunks, CRLF and blank lines included', async () => {
    const body = `${line(1)}\r\n\n \r\n${line(2).replace('\n', '\r\n')}${line(3).trimEnd()}`;
    routes['/chunks'] = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+ndjson' });
      // three bytes at a time: a CR and its LF fall in different chunks, every line spans chunks
      const bytes = Buffer.from(body);
      let i = 0;
      const next = () => {
        if (i >= bytes.length) return res.end();
        res.write(bytes.subarray(i, i + 3));
        i += 3;
        setImmediate(next);
      };
      next();
    };
    const result = await downloadFile(`${origin}/chunks`, join(dir, 'o.ndjson'), undefined, 5000);
    expect(result).toMatchObject({
      lines: 3,
      bytes: Buffer.byteLength(body),
      firstResourceType: 'Observation',
    });
    expect(readFileSync(join(dir, 'o.ndjson'), 'utf8')).toBe(body);
  });

  it('decodes a file served as application/gzip as well as a gzip transfer', async () => {
    const body = [1, 2, 3, 4].map(line).join('');
    routes['/file.ndjson.gz'] = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/gzip' });
      res.end(gzipSync(body));
    };
    routes['/encoded'] = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+ndjson', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(body));
    };
    for (const path of ['/file.ndjson.gz', '/encoded']) {
      const file = join(dir, `${path.slice(1)}.out`);
      const result = await downloadFile(`${origin}${path}`, file, undefined, 5000);
      expect(result).toMatchObject({ lines: 4 });
      expect(readFileSync(file, 'utf8')).toBe(body);
    }
  });

  it('writes to disk while the body is still arriving (streamed, not held), 50,000 lines', async () => {
    const total = 50_000;
    const path = join(dir, 'large.ndjson');
    let seenOnDiskMidway = 0;
    routes['/large'] = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+ndjson' });
      let i = 0;
      const pump = (until: number, then: () => void) => {
        while (i < until) {
          i += 1;
          if (!res.write(line(i))) return void res.once('drain', () => pump(until, then));
        }
        then();
      };
      // half the file, then wait until the client has written some of it before sending the rest
      pump(total / 2, () => {
        const waitForDisk = () => {
          const size = existsSync(`${path}.part`) ? statSync(`${path}.part`).size : 0;
          if (size < 500_000) return void setTimeout(waitForDisk, 20);
          seenOnDiskMidway = size;
          pump(total, () => res.end());
        };
        waitForDisk();
      });
    };
    const result = await downloadFile(`${origin}/large`, path, undefined, 10_000);
    expect(result).toMatchObject({ lines: total });
    expect(seenOnDiskMidway).toBeGreaterThanOrEqual(500_000);
    expect(statSync(path).size).toBeGreaterThan(3_500_000);
    expect(existsSync(`${path}.part`)).toBe(false);
  });

  it('answers the OperationOutcome of a file that is gone, and leaves no partial file', async () => {
    const result = await downloadFile(`${origin}/expired`, join(dir, 'gone.ndjson'), undefined, 5000);
    expect(result).toMatchObject({ kind: 'operationOutcome', status: 404 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives up on a body that stops arriving, removing the partial file', async () => {
    routes['/stall'] = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+ndjson' });
      res.write(line(1));
    };
    const result = await downloadFile(`${origin}/stall`, join(dir, 'stall.ndjson'), undefined, 300);
    expect(result).toMatchObject({ kind: 'unreachable' });
    expect(JSON.stringify(result)).toContain('no data for 300 ms');
    expect(readdirSync(dir)).toEqual([]);
  });
});
