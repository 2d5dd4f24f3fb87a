/**
 * `gpc export` as a user runs it (a child process) against a tiny Bulk Data server on a loopback port,
 * whose behaviour each test sets: progress, Retry-After, gzip, a failed job, errors, cancel.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

import {
  type ExportDirectory,
  exportDirectory,
  gpc,
  gpcProcess,
  listenOnLoopback,
  type LoopbackServer,
} from '../support/gpc-export';

jest.setTimeout(120_000);

const BASE_PATH = '/P99001/STU3/1/gpconnect/structured';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

interface Behaviour {
  /** Status polls answered 202 before the manifest; Infinity: never finishes. */
  polls: number;
  retryAfter: string;
  /** Answers the kick-off with this (status, body) `refuseKickOff` times before accepting. */
  kickOffRefusal?: { status: number; body: object; retryAfter?: string; times: number };
  /** Answers the status with this once the polls are used up, instead of the manifest. */
  failure?: { status: number; body: object };
  files: Record<string, string>;
  manifest?: (origin: string) => object;
}

const outcome = (code: string, diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [
    {
      severity: 'error',
      code: 'invalid',
      details: {
        coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1', code }],
      },
      diagnostics,
    },
  ],
});

const PATIENTS = [
  { resourceType: 'Patient', id: 'p1' },
  { resourceType: 'Patient', id: 'p2' },
  { resourceType: 'Patient', id: 'p3' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');
const ALLERGIES = `${JSON.stringify({ resourceType: 'AllergyIntolerance', id: 'a1' })}\n`;
const MORE_PATIENTS = `${JSON.stringify({ resourceType: 'Patient', id: 'p4' })}\n`;

function defaultManifest(origin: string) {
  return {
    transactionTime: '2026-12-07T05:00:00Z',
    request: `${origin}${BASE_PATH}/Patient/$export`,
    requiresAccessToken: true,
    output: [
      { type: 'Patient', url: `${origin}/files/Patient-1.ndjson`, count: 3 },
      { type: 'Patient', url: `${origin}/files/Patient-2.ndjson`, count: 1 },
      { type: 'AllergyIntolerance', url: `${origin}/files/AllergyIntolerance-1.ndjson`, count: 1 },
    ],
    error: [],
  };
}

let server: LoopbackServer;
let origin: string;
let seen: Seen[];
let behaviour: Behaviour;
let polled: number;
let refused: number;
let out: ExportDirectory;

function fresh(): Behaviour {
  return {
    polls: 2,
    retryAfter: '0',
    files: {
      '/files/Patient-1.ndjson': PATIENTS, // no newline after the last line: still 3 lines
      '/files/Patient-2.ndjson': MORE_PATIENTS,
      '/files/AllergyIntolerance-1.ndjson': ALLERGIES,
    },
  };
}

function json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: Date.now() });
  const path = new URL(req.url ?? '/', origin).pathname;
  if (path === `${BASE_PATH}/Patient/$export` && req.method === 'GET') {
    const r = behaviour.kickOffRefusal;
    if (r && refused < r.times) {
      refused += 1;
      json(res, r.status, r.body, r.retryAfter ? { 'Retry-After': r.retryAfter } : {});
      return;
    }
    res.writeHead(202, { 'Content-Location': `${origin}/status/job1` });
    res.end();
    return;
  }
  if (path === '/status/job1' && req.method === 'DELETE') {
    res.writeHead(202);
    res.end();
    return;
  }
  if (path === '/status/job1') {
    if (polled < behaviour.polls) {
      polled += 1;
      res.writeHead(202, { 'X-Progress': `${polled}/3 patients`, 'Retry-After': behaviour.retryAfter });
      res.end();
      return;
    }
    if (behaviour.failure) {
      json(res, behaviour.failure.status, behaviour.failure.body);
      return;
    }
    json(res, 200, (behaviour.manifest ?? defaultManifest)(origin), { 'Content-Type': 'application/json' });
    return;
  }
  const file = behaviour.files[path];
  if (file !== undefined) {
    const gzip = /gzip/.test(String(req.headers['accept-encoding']));
    res.writeHead(200, {
      'Content-Type': 'application/fhir+ndjson',
      ...(gzip && { 'Content-Encoding': 'gzip' }),
    });
    res.end(gzip ? gzipSync(file) : file);
    return;
  }
  json(res, 404, outcome('NO_RECORD_FOUND', `nothing at ${path}`));
}

beforeAll(async () => {
  server = await listenOnLoopback(handle);
  origin = server.origin;
});

afterAll(() => server.close());

beforeEach(() => {
  seen = [];
  polled = 0;
  refused = 0;
  behaviour = fresh();
  out = exportDirectory('gpc-export-');
});

afterEach(() => out.remove());

const base = () => `${origin}${BASE_PATH}`;
const exportArgs = (...more: string[]) => ['export', '--base', base(), '--out', out.path, ...more];

function claims(headers: IncomingMessage['headers']): Record<string, unknown> {
  const token = String(headers.authorization).replace(/^Bearer /, '');
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

describe('gpc export against a Bulk Data server', () => {
  it('kicks off, shows progress, downloads every file decoded and prints the manifest summary', async () => {
    const run = await gpc(
      exportArgs('--type', 'Patient,AllergyIntolerance', '--since', '2026-11-01T00:00:00Z'),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const kick = seen[0];
    expect(kick.method).toBe('GET');
    const url = new URL(kick.url, origin);
    expect(url.pathname).toBe(`${BASE_PATH}/Patient/$export`);
    expect(url.searchParams.get('_type')).toBe('Patient,AllergyIntolerance');
    expect(url.searchParams.get('_since')).toBe('2026-11-01T00:00:00Z');
    expect(url.searchParams.get('_outputFormat')).toBe('application/fhir+ndjson');
    expect(kick.headers.prefer).toBe('respond-async');
    expect(kick.headers.accept).toBe('application/fhir+json');

    // every request, downloads included, is a Spine request of its own
    for (const s of seen) {
      expect(s.headers['ssp-from']).toBe('200000000115');
      expect(s.headers['ssp-to']).toBe('200000000116');
      expect(s.headers['ssp-interactionid']).toBe(
        'urn:nhs:names:services:gpconnect:structured:fhir:operation:export-1',
      );
      expect(claims(s.headers)).toMatchObject({
        reason_for_request: 'secondaryuses',
        requested_scope: 'patient/*.read',
      });
    }
    expect(new Set(seen.map((s) => s.headers['ssp-traceid'])).size).toBe(seen.length);
    const downloads = seen.filter((s) => s.url.startsWith('/files/'));
    expect(downloads).toHaveLength(3);
    for (const d of downloads) expect(d.headers['accept-encoding']).toContain('gzip');

    expect(run.stdout).toContain('HTTP 202 Accepted');
    expect(run.stdout).toContain('Progress: 1/3 patients (33%)');
    expect(run.stdout).toContain('Progress: 2/3 patients (66%)');
    expect(run.stdout).not.toContain('\r');
    expect(run.stdout).toMatch(/Patient\s+2\s+4\s+\d+/);
    expect(run.stdout).toMatch(/AllergyIntolerance\s+1\s+1\s+\d+/);
    expect(run.stdout).toMatch(/Total\s+3\s+5\s+\d+/);
    expect(run.stdout).toContain('Errors: none');

    expect(out.files().sort()).toEqual([
      'AllergyIntolerance.ndjson',
      'Patient.2.ndjson',
      'Patient.ndjson',
      'manifest.json',
    ]);
    expect(out.read('Patient.ndjson')).toBe(PATIENTS);
    expect(out.read('AllergyIntolerance.ndjson')).toBe(ALLERGIES);
    expect(JSON.parse(out.read('manifest.json'))).toEqual(defaultManifest(origin));
  });

  it('waits as long as Retry-After asks between status requests', async () => {
    behaviour.polls = 1;
    behaviour.retryAfter = '2';
    const run = await gpc(exportArgs());
    expect(run.code).toBe(0);
    const polls = seen.filter((s) => s.url === '/status/job1');
    expect(polls).toHaveLength(2);
    expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(1900);
  });

  it('stops without waiting when Retry-After is beyond --max-wait, leaving the job to resume', async () => {
    behaviour.retryAfter = '3600';
    const run = await gpc(exportArgs('--max-wait', '60'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('asks to wait 3600 s, more than --max-wait 60 s');
    expect(run.stderr).toContain(`resume with: gpc export --status ${origin}/status/job1`);
    expect(seen.some((s) => s.method === 'DELETE')).toBe(false);
  });

  it('resumes a job from its status URL', async () => {
    behaviour.polls = 0;
    const run = await gpc(['export', '--status', `${origin}/status/job1`, '--out', out.path]);
    expect(run.code).toBe(0);
    expect(seen.some((s) => s.url.includes('$export'))).toBe(false);
    expect(out.read('Patient.2.ndjson')).toBe(MORE_PATIENTS);
  });

  it('Ctrl-C while the job runs cancels it with DELETE, then exits 130', async () => {
    behaviour.polls = Infinity;
    const run = await gpcProcess(exportArgs(), /Progress: 1\/3/);
    expect(run.code).toBe(130);
    const del = seen.find((s) => s.method === 'DELETE');
    expect(del?.url).toBe('/status/job1');
    expect(del?.headers['ssp-traceid']).toBeDefined();
    expect(run.stdout).toContain('Interrupted: cancelling the job');
    expect(run.stdout).toContain('HTTP 202: the job is cancelled');
    expect(seen.some((s) => s.url.startsWith('/files/'))).toBe(false);
  });

  it('a failed job prints the provider diagnostics and exits 1', async () => {
    behaviour.failure = {
      status: 500,
      body: outcome('INTERNAL_SERVER_ERROR', 'The export stopped repeatedly and was given up'),
    };
    const run = await gpc(exportArgs());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the export failed');
    expect(run.stderr).toContain('HTTP 500');
    expect(run.stderr).toContain('INTERNAL_SERVER_ERROR');
    expect(run.stderr).toContain('diagnostics: The export stopped repeatedly and was given up');
    expect(out.files()).toEqual([]);
  });

  it('a refused kick-off prints the OperationOutcome naming the parameter', async () => {
    behaviour.kickOffRefusal = {
      status: 400,
      body: outcome('INVALID_PARAMETER', '_type: Banana is not a resource type this provider exports'),
      times: 1,
    };
    const run = await gpc(exportArgs('--type', 'Banana'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 400');
    expect(run.stderr).toContain('INVALID_PARAMETER');
    expect(run.stderr).toContain('_type: Banana is not a resource type');
    expect(seen).toHaveLength(1);
  });

  it('kicks off again after a 429 with Retry-After (the consumer limit)', async () => {
    behaviour.kickOffRefusal = {
      status: 429,
      body: outcome('TOO_MANY_REQUESTS', 'one unfinished export per consumer'),
      retryAfter: '1',
      times: 1,
    };
    const run = await gpc(exportArgs());
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('HTTP 429 with Retry-After 1 s: kicking off again in 1 s');
    expect(seen.filter((s) => s.url.includes('$export'))).toHaveLength(2);
  });

  it('a file whose lines do not match the manifest count fails the export', async () => {
    behaviour.files['/files/Patient-2.ndjson'] = `${MORE_PATIENTS}${MORE_PATIENTS}`;
    const run = await gpc(exportArgs());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Patient.2.ndjson: 2 lines, the manifest says 1');
    expect(run.stderr).toContain('do not use this extract as complete');
  });

  it('prints the errors the manifest reports and exits 1', async () => {
    behaviour.files['/files/errors.ndjson'] =
      `${JSON.stringify(outcome('PATIENT_NOT_FOUND', 'patient p9 could not be read'))}\n`;
    behaviour.manifest = (o) => ({
      ...defaultManifest(o),
      error: [{ type: 'OperationOutcome', url: `${o}/files/errors.ndjson`, count: 1 }],
    });
    const run = await gpc(exportArgs());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error: patient p9 could not be read');
    expect(run.stdout).toContain('Errors: 1 in 1 file ');
    expect(run.stderr).toContain('the extract is incomplete');
  });

  it('never takes a file name from the manifest: a hostile type is not downloaded', async () => {
    behaviour.manifest = (o) => ({
      ...defaultManifest(o),
      output: [{ type: '../../escape', url: `${o}/files/Patient-1.ndjson`, count: 3 }],
    });
    const run = await gpc(exportArgs());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the manifest names a file of type "../../escape": not downloaded');
    expect(out.files()).toEqual(['manifest.json']);
  });

  it('refuses a bad --since or --type before sending anything', async () => {
    const since = await gpc(exportArgs('--since', '2026-11-01'));
    expect(since.code).toBe(64);
    expect(since.stderr).toContain('--since 2026-11-01 is not an instant with a time zone');
    const type = await gpc(exportArgs('--type', 'Patient,../x'));
    expect(type.code).toBe(64);
    expect(type.stderr).toContain('--type ../x is not a FHIR resource type');
    expect(seen).toHaveLength(0);
  });
});
