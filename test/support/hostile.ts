import type { OperationOutcome } from 'fhir/r3';
/**
 * Hostile requests for issue 12 (items 2 to 6), generated from a seed so every run sends the same
 * ones: forged or repeated Ssp-* headers, quadratic and oversized Parameters bodies, gzip bombs,
 * response amplification and out-of-range integers and dates. Used on each store (test/http) and
 * to compare the two stores (test/postgres).
 */
import { conditionOf } from './fhir';
import http from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { gzipSync } from 'node:zlib';

import { INTERACTION, METADATA_PATH, NHS, RECORD_PATH, rel, spineHeaders, type TestApp } from './app';
import { area, bool, date, int, nhsNumber, parameters, period } from './parameters';

export interface HostileRequest {
  readonly name: string;
  /** The issue item it attacks. */
  readonly kind: 'headers' | 'parsing' | 'amplification' | 'integers' | 'compression';
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Header overrides (undefined removes); a string[] value sends the header more than once. */
  readonly headers?: Record<string, string | string[] | undefined>;
  readonly body?: Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly ms: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** The hostile catalogue; the same seed gives the same requests. */
export function hostileRequests(seed = 0x12ad01): HostileRequest[] {
  const random = mulberry32(seed);
  const int0 = (n: number) => Math.floor(random() * n);
  const text = (length: number, alphabet: string) =>
    Array.from({ length }, () => alphabet[int0(alphabet.length)]).join('');
  const PRINTABLE = Array.from({ length: 0x7e - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
  const valid = json(
    parameters(nhsNumber(NHS.patient2), area('includeAllergies', bool('includeResolvedAllergies', false))),
  );
  const out: HostileRequest[] = [];
  const post = (
    name: string,
    kind: HostileRequest['kind'],
    body: Buffer,
    headers?: HostileRequest['headers'],
  ) => out.push({ name, kind, method: 'POST', path: RECORD_PATH, body, headers });

  // Item 2: Ssp-From and Ssp-To that are not ASIDs, or sent twice.
  for (let i = 0; i < 8; i++) {
    const junk = [
      text(1 + int0(40), PRINTABLE),
      text(13 + int0(20), '0123456789'),
      text(200 + int0(13_000), PRINTABLE),
    ][i % 3];
    post(`Ssp-From junk ${i}`, 'headers', valid, { 'Ssp-From': junk });
    post(`Ssp-To junk ${i}`, 'headers', valid, { 'Ssp-To': junk });
  }
  post('Ssp-From repeated', 'headers', valid, { 'Ssp-From': ['200000000115', '918999198738'] });
  post('Ssp-To repeated', 'headers', valid, { 'Ssp-To': ['200000000116', '200000000116'] });
  out.push({
    name: 'metadata, Ssp-From junk',
    kind: 'headers',
    method: 'GET',
    path: METADATA_PATH,
    headers: { 'Ssp-From': 'x'.repeat(5000) },
  });

  // Item 3: many repeats (quadratic before), too many parts, long names and values.
  const problems = (n: number) => [
    nhsNumber(NHS.patient2),
    ...Array.from({ length: n }, () => ({ name: 'includeProblems' })),
  ];
  post('38,000 bare includeProblems', 'parsing', json(parameters(...problems(38_000))));
  post('101 includeProblems', 'parsing', json(parameters(...problems(101))));
  post(
    '38,000 unknown parameters',
    'parsing',
    json(
      parameters(nhsNumber(NHS.patient2), ...Array.from({ length: 38_000 }, (_, i) => ({ name: `x${i}` }))),
    ),
  );
  post(
    '5,000 parts',
    'parsing',
    json(
      parameters(nhsNumber(NHS.patient2), {
        name: 'includeProblems',
        part: Array.from({ length: 5000 }, (_, i) => ({ name: `p${i}`, valueBoolean: true })),
      }),
    ),
  );
  post(
    '1 MB parameter name',
    'parsing',
    json(parameters(nhsNumber(NHS.patient2), { name: 'n'.repeat(1_000_000) })),
  );
  post(
    'long part name',
    'parsing',
    json(
      parameters(nhsNumber(NHS.patient2), {
        name: 'includeProblems',
        part: [{ name: 'q'.repeat(500_000), valueBoolean: true }],
      }),
    ),
  );
  post('1 MB NHS number', 'parsing', json(parameters(nhsNumber('9'.repeat(1_000_000)))));
  post(
    'long filterStatus',
    'parsing',
    json(
      parameters(nhsNumber(NHS.patient2), {
        name: 'includeProblems',
        part: [{ name: 'filterStatus', valueCode: 'a'.repeat(100_000) }],
      }),
    ),
  );
  post(
    'long date',
    'parsing',
    json(
      parameters(
        nhsNumber(NHS.patient2),
        area('includeMedication', date('medicationSearchFromDate', '2'.repeat(200_000))),
      ),
    ),
  );
  post(
    'deep nesting',
    'parsing',
    Buffer.from(`{"resourceType":"Parameters","parameter":${'['.repeat(50_000)}${']'.repeat(50_000)}}`),
  );
  post(
    'over the body limit',
    'parsing',
    Buffer.from(`{"resourceType":"Parameters","x":"${'a'.repeat(1_100_000)}"}`),
  );

  // Item 5: unrecognised names, as many and as long as the limits allow, in a valid request.
  for (let i = 0; i < 3; i++) {
    const names = Array.from({ length: 99 }, () => ({ name: text(60 + int0(40), PRINTABLE) }));
    post(`99 unknown parameters ${i}`, 'amplification', json(parameters(nhsNumber(NHS.patient2), ...names)));
  }
  post(
    'unknown parts',
    'amplification',
    json(
      parameters(nhsNumber(NHS.patient2), {
        name: 'includeProblems',
        part: Array.from({ length: 20 }, () => ({ name: text(99, PRINTABLE), valueString: 'x'.repeat(200) })),
      }),
    ),
  );

  // Item 6: integers and dates outside FHIR's ranges.
  for (const n of [2_147_483_648, 2_147_483_647 * 2, Number.MAX_SAFE_INTEGER + 2, 1e300, -1, 0, 1.5]) {
    post(
      `includeNumberOfMostRecent ${n}`,
      'integers',
      json(
        parameters(
          nhsNumber(NHS.patient2),
          area('includeConsultations', int('includeNumberOfMostRecent', n)),
        ),
      ),
    );
  }
  post(
    'includeNumberOfMostRecent 2147483647',
    'integers',
    json(
      parameters(
        nhsNumber(NHS.patient2),
        area('includeConsultations', int('includeNumberOfMostRecent', 2_147_483_647)),
      ),
    ),
  );
  for (const d of ['0000-01-01', '0001-01-01', '9999-12-31', '0000-12-31']) {
    post(
      `medicationSearchFromDate ${d}`,
      'integers',
      json(
        parameters(nhsNumber(NHS.patient2), area('includeMedication', date('medicationSearchFromDate', d))),
      ),
    );
    post(
      `diaryEntriesSearchDate ${d}`,
      'integers',
      json(
        parameters(nhsNumber(NHS.patient2), area('includeDiaryEntries', date('diaryEntriesSearchDate', d))),
      ),
    );
    post(
      `consultationSearchPeriod from ${d}`,
      'integers',
      json(
        parameters(
          nhsNumber(NHS.patient2),
          area('includeConsultations', period('consultationSearchPeriod', d, rel(0))),
        ),
      ),
    );
  }

  // Item 3: bodies that inflate far beyond the limit (gzip bombs), and junk that is not gzip at all.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
  post('gzip bomb (64 MB of spaces)', 'compression', bomb, { 'Content-Encoding': 'gzip' });
  post('gzip of 38,000 includeProblems', 'compression', gzipSync(json(parameters(...problems(38_000)))), {
    'Content-Encoding': 'gzip',
  });
  post('not gzip', 'compression', Buffer.from(text(500, PRINTABLE)), { 'Content-Encoding': 'gzip' });
  return out;
}

/** A server for the app on loopback, and a keep-alive client for it. */
export async function serve(
  t: TestApp,
): Promise<{ server: Server; port: number; agent: http.Agent; close: () => void }> {
  const server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    agent,
    close: () => {
      agent.destroy();
      server.close();
    },
  };
}

export function send(
  port: number,
  agent: http.Agent,
  options: { method: string; path: string; headers?: http.OutgoingHttpHeaders; body?: Buffer },
): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends one hostile request with otherwise valid Spine headers and JWT. */
export function sendHostile(
  t: TestApp,
  port: number,
  agent: http.Agent,
  r: HostileRequest,
): Promise<RawResponse> {
  const metadata = r.path === METADATA_PATH;
  const base: http.OutgoingHttpHeaders = spineHeaders(
    t,
    metadata ? INTERACTION.metadata : INTERACTION.record,
    metadata ? 'organization/*.read' : 'patient/*.read',
  );
  if (r.method === 'POST') base['Content-Type'] = 'application/fhir+json';
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    const existing = Object.keys(base).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) delete base[existing];
    if (value !== undefined) base[name] = value;
  }
  return send(port, agent, { method: r.method, path: r.path, headers: base, body: r.body });
}

/** The Spine (or local) error code of an OperationOutcome answer, or "none". */
export function spineCodeOf(res: RawResponse): string {
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as OperationOutcome;
    if (parsed.resourceType !== 'OperationOutcome') return 'none';
    return conditionOf(parsed.issue?.[0]) ?? 'none';
  } catch {
    return 'unparsable';
  }
}
