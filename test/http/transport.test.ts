/**
 * Transport, Spine headers and JWT (Retrieve a patient’s structured record — Request operation; Retrieve a
 * patient’s structured record — Request headers; Cross-organisation audit and provenance — JSON Web Token;
 * vectors H01 to H19), against createApp.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';

import type { CapabilityStatement, Patient } from 'fhir/r3';

import { type Claims, jwt } from '../../tools/test-jwt';
import {
  BASE,
  getMetadata,
  INTERACTION,
  METADATA_PATH,
  NHS,
  nowSeconds,
  postRecord,
  RECORD_PATH,
  sendTo,
  spineHeaders,
  testApp,
  validJwtClaims,
} from '../support/app';
import { expectBundle, expectError, expectOperationOutcome, resourcesOf, warningsOf } from '../support/fhir';
import { nhsNumber, parameters } from '../support/parameters';

const t = testApp();
const P = () => parameters(nhsNumber(NHS.patient2));
const NOW = nowSeconds(t.clock);
const OPERATION_1_16 =
  'https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1/_history/1.16';
const FHIR_JSON = 'application/fhir+json;charset=utf-8';

/** Valid claims for the endpoint, changed by `mutate`. */
function claimsWith(mutate: (c: Claims) => void, scope = 'patient/*.read'): Claims {
  const claims = validJwtClaims(t, scope);
  mutate(claims);
  return claims;
}

const practitionerOf = (c: Claims) => c.requesting_practitioner as Record<string, unknown>;
const deviceOf = (c: Claims) => c.requesting_device as Record<string, unknown>;
const organizationOf = (c: Claims) => c.requesting_organization as Record<string, unknown>;

describe('H: transport, headers and JWT vectors (docs/spec-notes.md "Test vectors")', () => {
  it('H01 GET /metadata → 200 CapabilityStatement: fhirVersion 3.0.1, version 1.6.2, gpc.getstructuredrecord → _history/1.16, software, format lists JSON and XML (D-7)', async () => {
    const res = await getMetadata(t);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(FHIR_JSON);
    const cs = res.body as CapabilityStatement;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('3.0.1');
    expect(cs.version).toBe('1.6.2');
    expect(cs.kind).toBe('capability');
    expect(cs.status).toBe('active');
    expect(cs.rest?.[0].mode).toBe('server');
    expect(cs.rest?.[0].operation).toContainEqual({
      name: 'gpc.getstructuredrecord',
      definition: { reference: OPERATION_1_16 },
    });
    expect(cs.software?.name).toEqual(expect.any(String));
    expect(cs.software?.version).toEqual(expect.any(String));
    expect(cs.software?.releaseDate).toEqual(expect.any(String));
    // D-7: both formats are served and advertised (the XML scenarios are in test/http/xml.test.ts).
    expect(cs.format).toEqual(['application/fhir+json', 'application/fhir+xml']);
  });

  it('H01 (D-8) GET /metadata with Accept: text/html alone → 415 UNSUPPORTED_MEDIA_TYPE OperationOutcome (not-supported)', async () => {
    const res = await getMetadata(t, { headers: { Accept: 'text/html' } });
    const oo = expectOperationOutcome(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(oo.issue[0].code).toBe('not-supported');
    expect(oo.issue[0].details?.coding?.[0].display).toBe('Unsupported media type');
    expect(oo.issue[0].diagnostics).toContain('application/fhir+xml');
  });

  it('H02 E1 with only patientNHSNumber → 200 collection Bundle, id = Ssp-TraceID, no OperationOutcome, Cache-Control: no-store', async () => {
    const traceId = 'b3a0f5c2-5d7e-4a51-9d39-0a8d2f1e6c11';
    const res = await postRecord(t, P(), { traceId });
    const bundle = expectBundle(res);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(bundle.id).toBe(traceId);
    expect(warningsOf(bundle)).toBeUndefined();
    const patients = resourcesOf<Patient>(bundle, 'Patient');
    expect(patients).toHaveLength(1);
    expect(patients[0].identifier?.find((i) => i.system === 'https://fhir.nhs.uk/Id/nhs-number')?.value).toBe(
      NHS.patient2,
    );
  });

  it.each([
    ['H03', 'Ssp-TraceID'],
    ['H04', 'Ssp-From'],
    ['H04 (same rule)', 'Ssp-To'],
    ['H04 (same rule)', 'Ssp-InteractionID'],
  ])('%s E1 without %s → 400 BAD_REQUEST naming the header', async (_id, header) => {
    expectError(await postRecord(t, P(), { headers: { [header]: undefined } }), 400, 'BAD_REQUEST', header);
  });

  it.each(['Ssp-TraceID', 'Ssp-From', 'Ssp-To', 'Ssp-InteractionID'])(
    'H03 E1 with an empty %s → 400 BAD_REQUEST',
    async (header) => {
      expectError(await postRecord(t, P(), { headers: { [header]: '' } }), 400, 'BAD_REQUEST', header);
    },
  );

  it.each(['Ssp-TraceID', 'Ssp-From', 'Ssp-To', 'Ssp-InteractionID'])(
    'H03 GET /metadata without %s → 400 BAD_REQUEST',
    async (header) => {
      expectError(await getMetadata(t, { headers: { [header]: undefined } }), 400, 'BAD_REQUEST', header);
    },
  );

  it('H05 E1 with Ssp-To 123456789123 (not our ASID) → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { headers: { 'Ssp-To': '123456789123' } }),
      400,
      'BAD_REQUEST',
      'Ssp-To',
    );
  });

  it('H06 E1 with the structured metadata interaction ID → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { headers: { 'Ssp-InteractionID': INTERACTION.metadata } }),
      400,
      'BAD_REQUEST',
      'Ssp-InteractionID',
    );
  });

  it.each([
    [
      'the Foundations metadata interaction ID (D-2)',
      'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1',
    ],
    ['the getstructuredrecord interaction ID', INTERACTION.record],
    ['an unknown interaction ID', 'urn:nhs:names:services:gpconnect:fhir:rest:read:nothing-1'],
  ])('H06 GET /metadata with %s → 400 BAD_REQUEST', async (_what, interaction) => {
    expectError(
      await getMetadata(t, { headers: { 'Ssp-InteractionID': interaction } }),
      400,
      'BAD_REQUEST',
      'Ssp-InteractionID',
    );
  });

  it('H07 E1 without Authorization → 400 BAD_REQUEST with WWW-Authenticate: Bearer (D-6)', async () => {
    const res = await postRecord(t, P(), { headers: { Authorization: undefined } });
    expectError(res, 400, 'BAD_REQUEST', 'Authorization');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('H08 JWT sent as raw JSON, not base64url → 400 BAD_REQUEST', async () => {
    // The claims' own spaces are dropped so the header is one token, as a consumer would send it.
    const raw = `${JSON.stringify({ alg: 'none', typ: 'JWT' })}.${JSON.stringify(validJwtClaims(t)).replace(/ /g, '')}.`;
    expectError(
      await postRecord(t, P(), { headers: { Authorization: `Bearer ${raw}` } }),
      400,
      'BAD_REQUEST',
      'JWT',
    );
  });

  it('H09 JWT exp = iat + 301 → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.exp = NOW + 301)) }),
      400,
      'BAD_REQUEST',
      'exp',
    );
  });

  it('H10 JWT exp = iat + 299 → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.exp = NOW + 299)) }),
      400,
      'BAD_REQUEST',
      'exp',
    );
  });

  it('H11 JWT iat = now − 600, exp = iat + 300 (expired) → 400 BAD_REQUEST', async () => {
    const claims = claimsWith((c) => {
      c.iat = NOW - 600;
      c.exp = NOW - 300;
    });
    expectError(await postRecord(t, P(), { claims }), 400, 'BAD_REQUEST', 'expired');
  });

  it('H12 JWT iat = now + 200, exp = iat + 300 → 200 (a future iat is not checked, D-12)', async () => {
    const claims = claimsWith((c) => {
      c.iat = NOW + 200;
      c.exp = NOW + 500;
    });
    expectBundle(await postRecord(t, P(), { claims }));
  });

  it('H13 JWT with no reason_for_request → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => delete c.reason_for_request) }),
      400,
      'BAD_REQUEST',
      'reason_for_request',
    );
  });

  it('H14 JWT requested_scope badScope → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.requested_scope = 'badScope')) }),
      400,
      'BAD_REQUEST',
      'requested_scope',
    );
  });

  it('H15 JWT requesting_device.resourceType InvalidResourceType → 422 INVALID_RESOURCE', async () => {
    const claims = claimsWith((c) => (deviceOf(c).resourceType = 'InvalidResourceType'));
    expectError(await postRecord(t, P(), { claims }), 422, 'INVALID_RESOURCE', 'requesting_device');
  });

  it('H16 JWT practitioner with sds-user-id UNK and no role-profile or local identifier → 200', async () => {
    const claims = claimsWith(
      (c) =>
        (practitionerOf(c).identifier = [{ system: 'https://fhir.nhs.uk/Id/sds-user-id', value: 'UNK' }]),
    );
    expectBundle(await postRecord(t, P(), { claims }));
  });

  it('H17 GET /metadata?_format=application/fhir+json with Accept: application/fhir+xml → 200 JSON (_format wins)', async () => {
    const res = await getMetadata(
      t,
      { headers: { Accept: 'application/fhir+xml' } },
      `${METADATA_PATH}?_format=${encodeURIComponent('application/fhir+json')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(FHIR_JSON);
    expect(res.body.resourceType).toBe('CapabilityStatement');
  });

  it('H17 the same with the "+" sent unencoded (_format=application/fhir+json) → 200 JSON', async () => {
    const res = await getMetadata(
      t,
      { headers: { Accept: 'application/fhir+xml' } },
      `${METADATA_PATH}?_format=application/fhir+json`,
    );
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('CapabilityStatement');
  });

  it('H18 PUT /metadata → 400 BAD_REQUEST OperationOutcome', async () => {
    expectError(await sendTo(t, 'put', METADATA_PATH).send('{}'), 400, 'BAD_REQUEST', 'PUT');
  });

  describe('H19 Access Record Structured disabled at the practice (its Structured switch off)', () => {
    const off = testApp({ settings: { P99001: { structuredEnabled: false } } });
    it('H19 E1 P() → 403 ACCESS DENIED, issue.code forbidden', async () => {
      const oo = expectError(await postRecord(off, P()), 403, 'ACCESS DENIED', 'disabled');
      expect(oo.issue[0].code).toBe('forbidden');
      expect(oo.issue[0].details?.coding?.[0].display).toBe('Access denied');
    });
    it('H19 GET /metadata → 403 ACCESS DENIED, issue.code forbidden', async () => {
      const oo = expectError(await getMetadata(off), 403, 'ACCESS DENIED', 'disabled');
      expect(oo.issue[0].code).toBe('forbidden');
    });
    it('H19 headers are still checked first: a missing Ssp-TraceID is 400, not 403', async () => {
      expectOperationOutcome(
        await postRecord(off, P(), { headers: { 'Ssp-TraceID': undefined } }),
        400,
        'BAD_REQUEST',
      );
    });
  });

  describe('H19 GP Connect disabled at the practice (its GP Connect switch off)', () => {
    const off = testApp({ settings: { P99001: { gpConnectEnabled: false } } });
    it('H19 E1 P() → 403 ACCESS DENIED, issue.code forbidden', async () => {
      const oo = expectError(await postRecord(off, P()), 403, 'ACCESS DENIED', 'GP Connect');
      expect(oo.issue[0].code).toBe('forbidden');
    });
    it('H19 GET /metadata → 403 ACCESS DENIED, issue.code forbidden', async () => {
      const oo = expectError(await getMetadata(off), 403, 'ACCESS DENIED', 'GP Connect');
      expect(oo.issue[0].code).toBe('forbidden');
    });
  });
});

describe('routing and verbs (Retrieve a patient’s structured record — Request operation, D-3)', () => {
  it('the percent-encoded operation path %24gpc.getstructuredrecord → 200 Bundle', async () => {
    const res = await sendTo(t, 'post', `${BASE}/Patient/%24gpc.getstructuredrecord`, {
      interaction: INTERACTION.record,
    })
      .set('Content-Type', 'application/fhir+json;charset=utf-8')
      .send(JSON.stringify(P()));
    expectBundle(res);
  });

  it.each([
    ['GET /Metadata (wrong case)', 'get', `${BASE}/Metadata`],
    ['GET /metadata/ (trailing slash)', 'get', `${BASE}/metadata/`],
    ['GET an unknown path under the base', 'get', `${BASE}/Patient/1`],
    ['GET a path outside the base', 'get', '/metadata'],
    ['GET /', 'get', '/'],
    ['GET the operation with the wrong case', 'get', `${BASE}/patient/$gpc.getstructuredrecord`],
    ['GET on the operation', 'get', RECORD_PATH],
    ['PUT on /metadata', 'put', METADATA_PATH],
    ['DELETE on /metadata', 'delete', METADATA_PATH],
    ['PATCH on /metadata', 'patch', METADATA_PATH],
    ['OPTIONS on /metadata', 'options', METADATA_PATH],
    ['POST on /metadata', 'post', METADATA_PATH],
    ['PUT on the operation', 'put', RECORD_PATH],
    ['GET on the (unimplemented) migrate operation', 'get', `${BASE}/Patient/$gpc.migratestructuredrecord`],
  ] as const)('%s → 400 BAD_REQUEST OperationOutcome', async (_what, method, path) => {
    expectOperationOutcome(await sendTo(t, method, path), 400, 'BAD_REQUEST');
  });
});

describe('the migrate operation E3 is not implemented (D-26)', () => {
  it.each(['$', '%24'])(
    'POST /Patient/%sgpc.migratestructuredrecord → 501 NOT_IMPLEMENTED OperationOutcome (not-supported)',
    async (dollar) => {
      const res = await sendTo(t, 'post', `${BASE}/Patient/${dollar}gpc.migratestructuredrecord`, {
        interaction: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.migratestructuredrecord-1',
        claims: claimsWith((c) => (c.reason_for_request = 'migration')),
      })
        .set('Content-Type', 'application/fhir+json;charset=utf-8')
        .send(
          JSON.stringify(
            parameters(nhsNumber(NHS.patient2), {
              name: 'includeFullRecord',
              part: [{ name: 'includeSensitiveInformation', valueBoolean: false }],
            }),
          ),
        );
      const oo = expectError(res, 501, 'NOT_IMPLEMENTED', 'migratestructuredrecord');
      expect(oo.issue[0].code).toBe('not-supported');
    },
  );

  it('the CapabilityStatement does not list gpc.migratestructuredrecord (D-4: only if implemented)', async () => {
    const cs = (await getMetadata(t)).body as CapabilityStatement;
    // The bulk export (issue 17, D-B1) is implemented and listed; migrate is not.
    expect(cs.rest?.[0].operation?.map((o) => o.name)).toEqual(['gpc.getstructuredrecord', 'export']);
  });
});

describe('response headers (FHIR API guidance — Content types; FHIR API guidance — HTTP response headers)', () => {
  const off = testApp({ settings: { P99001: { structuredEnabled: false } } });
  const cases: [string, () => Promise<{ status: number; headers: Record<string, string> }>, number][] = [
    ['200 metadata', () => getMetadata(t), 200],
    ['200 record', () => postRecord(t, P()), 200],
    ['400 missing header', () => postRecord(t, P(), { headers: { 'Ssp-From': undefined } }), 400],
    ['400 unknown path', () => sendTo(t, 'get', `${BASE}/nothing`), 400],
    ['400 outside the base', () => sendTo(t, 'get', '/elsewhere'), 400],
    ['400 invalid NHS number', () => postRecord(t, parameters(nhsNumber('9999999990'))), 400],
    ['403 disabled', () => getMetadata(off), 403],
    ['404 patient not found', () => postRecord(t, parameters(nhsNumber('9100000000'))), 404],
    ['415 unknown format requested', () => getMetadata(t, { headers: { Accept: 'text/html' } }), 415],
    ['422 unparseable body', () => postRecord(t, '{not json'), 422],
  ];
  it.each(cases)(
    '%s: Cache-Control: no-store and Content-Type exactly application/fhir+json;charset=utf-8',
    async (_what, send, status) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toBe(FHIR_JSON);
    },
  );

  it('Accept-Encoding: gzip → a gzip-encoded CapabilityStatement that inflates to the same JSON', async () => {
    const server = http.createServer(t.app).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const fetchRaw = (encoding: string | undefined) =>
        new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
          const headers = {
            ...spineHeaders(t, INTERACTION.metadata, 'organization/*.read'),
            ...(encoding && { 'Accept-Encoding': encoding }),
          };
          http
            .get({ host: '127.0.0.1', port, path: METADATA_PATH, headers }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            })
            .on('error', reject);
        });
      const zipped = await fetchRaw('gzip');
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['content-type']).toBe(FHIR_JSON);
      const plain = await fetchRaw(undefined);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(zipped.body.length).toBeLessThan(plain.body.length);
      expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(
        JSON.parse(plain.body.toString('utf8')),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('transfer encodings (FHIR API guidance — Content types)', () => {
  it('a request body sent with Transfer-Encoding: chunked (no Content-Length) → 200', async () => {
    const server = http.createServer(t.app).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify(P());
      const answer = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>(
        (resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: RECORD_PATH,
              headers: {
                ...spineHeaders(t, INTERACTION.record, 'patient/*.read'),
                'Content-Type': 'application/fhir+json;charset=utf-8',
                'Transfer-Encoding': 'chunked',
              },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  headers: res.headers,
                  text: Buffer.concat(chunks).toString('utf8'),
                }),
              );
            },
          );
          req.on('error', reject);
          req.write(body.slice(0, 20));
          req.write(body.slice(20));
          req.end();
        },
      );
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).resourceType).toBe('Bundle');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a gzip-compressed request body (Content-Encoding: gzip) → 200', async () => {
    const res = await sendTo(t, 'post', RECORD_PATH, { interaction: INTERACTION.record })
      .set('Content-Type', 'application/fhir+json;charset=utf-8')
      .set('Content-Encoding', 'gzip')
      .serialize((data: unknown) => data as string)
      .send(gzipSync(Buffer.from(JSON.stringify(P()), 'utf8')));
    expectBundle(res);
  });

  it('a body that claims gzip but is not → 400 BAD_REQUEST OperationOutcome', async () => {
    const res = await sendTo(t, 'post', RECORD_PATH, { interaction: INTERACTION.record })
      .set('Content-Type', 'application/fhir+json;charset=utf-8')
      .set('Content-Encoding', 'gzip')
      .send(JSON.stringify(P()));
    expectOperationOutcome(res, 400, 'BAD_REQUEST');
  });

  it('an unknown Content-Encoding → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await sendTo(t, 'post', RECORD_PATH, { interaction: INTERACTION.record })
      .set('Content-Type', 'application/fhir+json;charset=utf-8')
      .set('Content-Encoding', 'x-zip')
      .send(JSON.stringify(P()));
    expectOperationOutcome(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('Ssp headers (Retrieve a patient’s structured record — Request headers)', () => {
  it.each([
    ['an underscore', 'abc_def'],
    ['a space', 'abc def'],
    ['braces', '{629ea9ba-a077-4d99-b289-7a9b19fd4e03}'],
    ['65 characters', 'a'.repeat(65)],
    ['a slash', '629ea9ba/a077'],
  ])('Ssp-TraceID with %s (not a legal FHIR id, D-5) → 400 BAD_REQUEST', async (_what, traceId) => {
    expectError(await postRecord(t, P(), { traceId }), 400, 'BAD_REQUEST', 'Ssp-TraceID');
  });

  it('Ssp-TraceID of 64 legal characters → 200 and becomes Bundle.id', async () => {
    const traceId = 'A-b.9'.repeat(12) + 'abcd';
    expect(traceId).toHaveLength(64);
    expect(expectBundle(await postRecord(t, P(), { traceId })).id).toBe(traceId);
  });

  it('header names are case-insensitive: Ssp-InteractionId (as the test pack sends it) → 200', async () => {
    const res = await postRecord(t, P(), {
      headers: { 'Ssp-InteractionID': undefined, 'Ssp-InteractionId': INTERACTION.record },
    });
    expectBundle(res);
  });

  it('header names are case-insensitive: all lower case → 200', async () => {
    const res = await postRecord(t, P(), {
      headers: {
        'Ssp-TraceID': undefined,
        'Ssp-From': undefined,
        'Ssp-To': undefined,
        'Ssp-InteractionID': undefined,
        'ssp-traceid': 'c9d8e7f6-0000-4000-8000-000000000001',
        'ssp-from': '200000000115',
        'ssp-to': '200000000116',
        'ssp-interactionid': INTERACTION.record,
      },
    });
    expect(expectBundle(res).id).toBe('c9d8e7f6-0000-4000-8000-000000000001');
  });

  it('Ssp-InteractionID compared exactly: an upper-cased interaction ID → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { headers: { 'Ssp-InteractionID': INTERACTION.record.toUpperCase() } }),
      400,
      'BAD_REQUEST',
      'Ssp-InteractionID',
    );
  });

  it('Ssp-From is for audit only: any consumer ASID → 200', async () => {
    expectBundle(await postRecord(t, P(), { headers: { 'Ssp-From': '918999198738' } }));
  });
});

describe('content types (FHIR API guidance — Content types)', () => {
  it.each([
    'application/fhir+json',
    'application/json',
    'application/json+fhir',
    '*/*',
    'application/fhir+json;charset=utf-8',
  ])('Accept: %s → 200 JSON', async (accept) => {
    expectBundle(await postRecord(t, P(), { headers: { Accept: accept } }));
  });

  it.each([
    ['Accept: text/html', { Accept: 'text/html' }],
    ['Content-Type: application/fhir+turtle', { 'Content-Type': 'application/fhir+turtle' }],
    ['Content-Type: text/plain', { 'Content-Type': 'text/plain' }],
  ])('POST with %s → 415 UNSUPPORTED_MEDIA_TYPE', async (_what, headers) => {
    expectOperationOutcome(await postRecord(t, P(), { headers }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('GET /metadata?_format=json → 200 JSON; ?_format=text/html → 415', async () => {
    expect((await getMetadata(t, {}, `${METADATA_PATH}?_format=json`)).status).toBe(200);
    expectOperationOutcome(
      await getMetadata(t, {}, `${METADATA_PATH}?_format=text/html`),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

describe('JWT rules (docs/spec-notes.md "Cross-organisation audit and provenance")', () => {
  const ALL_CLAIMS = [
    'iss',
    'sub',
    'aud',
    'exp',
    'iat',
    'reason_for_request',
    'requested_scope',
    'requesting_device',
    'requesting_organization',
    'requesting_practitioner',
  ];

  it.each(ALL_CLAIMS)('claim %s missing → 400 BAD_REQUEST on E1 and on /metadata', async (claim) => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => delete c[claim]) }),
      400,
      'BAD_REQUEST',
      claim,
    );
    const metaClaims = claimsWith((c) => delete c[claim], 'organization/*.read');
    expectError(await getMetadata(t, { claims: metaClaims }), 400, 'BAD_REQUEST', claim);
  });

  it.each(ALL_CLAIMS)('claim %s null → 400 BAD_REQUEST on E1 and on /metadata', async (claim) => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c[claim] = null)) }),
      400,
      'BAD_REQUEST',
      claim,
    );
    const metaClaims = claimsWith((c) => (c[claim] = null), 'organization/*.read');
    expectError(await getMetadata(t, { claims: metaClaims }), 400, 'BAD_REQUEST', claim);
  });

  it.each(['iss', 'sub', 'aud', 'reason_for_request', 'requested_scope'])(
    'claim %s empty string → 400 BAD_REQUEST',
    async (claim) => {
      expectError(
        await postRecord(t, P(), { claims: claimsWith((c) => (c[claim] = '')) }),
        400,
        'BAD_REQUEST',
        claim,
      );
    },
  );

  it.each([
    ['exp as a string', (c: Claims) => (c.exp = String(NOW + 300))],
    ['iat as a string', (c: Claims) => (c.iat = String(NOW))],
    ['exp with a fraction', (c: Claims) => (c.exp = NOW + 300.5)],
  ])('%s (not an integer) → 400 BAD_REQUEST', async (_what, mutate) => {
    expectOperationOutcome(await postRecord(t, P(), { claims: claimsWith(mutate) }), 400, 'BAD_REQUEST');
  });

  it.each([
    ['exp = iat + 301', 301],
    ['exp = iat + 299', 299],
    ['exp = iat (0)', 0],
    ['exp < iat', -300],
    ['exp = iat + 600', 600],
  ])('%s (lifetime ≠ 300 s) → 400 BAD_REQUEST', async (_what, lifetime) => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.exp = NOW + lifetime)) }),
      400,
      'BAD_REQUEST',
      'exp',
    );
  });

  it('expired: now = exp exactly (iat = now − 300) → 400 BAD_REQUEST', async () => {
    const claims = claimsWith((c) => {
      c.iat = NOW - 300;
      c.exp = NOW;
    });
    expectError(await postRecord(t, P(), { claims }), 400, 'BAD_REQUEST', 'expired');
  });

  it('not yet expired: iat = now − 299 → 200', async () => {
    const claims = claimsWith((c) => {
      c.iat = NOW - 299;
      c.exp = NOW + 1;
    });
    expectBundle(await postRecord(t, P(), { claims }));
  });

  it('expired on /metadata too → 400 BAD_REQUEST', async () => {
    const claims = claimsWith((c) => {
      c.iat = NOW - 600;
      c.exp = NOW - 300;
    }, 'organization/*.read');
    expectError(await getMetadata(t, { claims }), 400, 'BAD_REQUEST', 'expired');
  });

  it('future iat accepted on /metadata (iat = now + 200) → 200', async () => {
    const claims = claimsWith((c) => {
      c.iat = NOW + 200;
      c.exp = NOW + 500;
    }, 'organization/*.read');
    expect((await getMetadata(t, { claims })).status).toBe(200);
  });

  it('reason_for_request migration on E1 → 400 BAD_REQUEST (D-13)', async () => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.reason_for_request = 'migration')) }),
      400,
      'BAD_REQUEST',
      'reason_for_request',
    );
  });

  it('reason_for_request migration on /metadata → 400 BAD_REQUEST (D-13)', async () => {
    const claims = claimsWith((c) => (c.reason_for_request = 'migration'), 'organization/*.read');
    expectError(await getMetadata(t, { claims }), 400, 'BAD_REQUEST', 'reason_for_request');
  });

  it.each(['DirectCare', 'secondarycare', 'directcare '])(
    'reason_for_request "%s" → 400 BAD_REQUEST',
    async (reason) => {
      expectOperationOutcome(
        await postRecord(t, P(), { claims: claimsWith((c) => (c.reason_for_request = reason)) }),
        400,
        'BAD_REQUEST',
      );
    },
  );

  it.each([
    ['organization/*.read on E1', 'organization/*.read'],
    ['patient/*.write on E1', 'patient/*.write'],
    ['patient/*.read plus an unknown token', 'patient/*.read badScope'],
    ['conf/N alone', 'conf/N'],
  ])('requested_scope %s → 400 BAD_REQUEST', async (_what, scope) => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.requested_scope = scope)) }),
      400,
      'BAD_REQUEST',
      'requested_scope',
    );
  });

  it('requested_scope patient/*.read on /metadata → 400 BAD_REQUEST (wrong for the endpoint)', async () => {
    expectError(
      await getMetadata(t, { claims: validJwtClaims(t, 'patient/*.read') }),
      400,
      'BAD_REQUEST',
      'requested_scope',
    );
  });

  it.each(['patient/*.read conf/N', 'patient/*.read conf/R', 'conf/R patient/*.read'])(
    'requested_scope "%s" on E1 → 200',
    async (scope) => {
      expectBundle(await postRecord(t, P(), { claims: claimsWith((c) => (c.requested_scope = scope)) }));
    },
  );

  it('requested_scope "organization/*.read conf/N" on /metadata → 200', async () => {
    expect((await getMetadata(t, { claims: validJwtClaims(t, 'organization/*.read conf/N') })).status).toBe(
      200,
    );
  });

  it('sub ≠ requesting_practitioner.id → 400 BAD_REQUEST', async () => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.sub = '2')) }),
      400,
      'BAD_REQUEST',
      'sub',
    );
  });

  it.each([
    ['a Patient in requesting_practitioner', 'requesting_practitioner', 'Patient'],
    ['an Organization in requesting_device', 'requesting_device', 'Organization'],
    ['a Practitioner in requesting_organization', 'requesting_organization', 'Practitioner'],
  ])('%s (a real but wrong resource type, D-15) → 400 BAD_REQUEST', async (_what, claim, type) => {
    const claims = claimsWith((c) => ((c[claim] as Record<string, unknown>).resourceType = type));
    expectError(await postRecord(t, P(), { claims }), 400, 'BAD_REQUEST', claim);
  });

  it.each([
    ['requesting_device', (c: Claims) => (deviceOf(c).invalidField = 'x')],
    ['requesting_organization', (c: Claims) => (organizationOf(c).invalidField = 'x')],
    ['requesting_practitioner', (c: Claims) => (practitionerOf(c).invalidField = 'x')],
  ])('an element not in STU3 on %s → 422 INVALID_RESOURCE', async (claim, mutate) => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith(mutate) }),
      422,
      'INVALID_RESOURCE',
      claim,
      'invalidField',
    );
  });

  it('requesting_device.resourceType as a 4,000-deep array → 422 INVALID_RESOURCE, not a 500', async () => {
    const payload = JSON.stringify(validJwtClaims(t)).replace(
      '"Device"',
      '['.repeat(4000) + ']'.repeat(4000),
    );
    const token = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}.`;
    expectError(
      await postRecord(t, P(), { headers: { Authorization: `Bearer ${token}` } }),
      422,
      'INVALID_RESOURCE',
      'requesting_device',
    );
  });

  it.each(['requesting_organization', 'requesting_practitioner'])(
    '%s with resourceType InvalidResourceType → 422 INVALID_RESOURCE',
    async (claim) => {
      const claims = claimsWith(
        (c) => ((c[claim] as Record<string, unknown>).resourceType = 'InvalidResourceType'),
      );
      expectError(await postRecord(t, P(), { claims }), 422, 'INVALID_RESOURCE', claim);
    },
  );

  it.each([
    ['a string', 'Device'],
    ['an array', [{ resourceType: 'Device' }]],
  ])('requesting_device as %s → 400 BAD_REQUEST', async (_what, value) => {
    expectError(
      await postRecord(t, P(), { claims: claimsWith((c) => (c.requesting_device = value)) }),
      400,
      'BAD_REQUEST',
      'requesting_device',
    );
  });

  it.each([
    [
      'practitioner without the sds-user-id identifier',
      (c: Claims) =>
        (practitionerOf(c).identifier = [
          { system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: '444555666777' },
        ]),
    ],
    ['practitioner with no identifier at all', (c: Claims) => delete practitionerOf(c).identifier],
    ['practitioner without id', (c: Claims) => delete practitionerOf(c).id],
    ['practitioner without name', (c: Claims) => delete practitionerOf(c).name],
    ['practitioner with an empty name', (c: Claims) => (practitionerOf(c).name = [{}])],
    ['device without identifier', (c: Claims) => delete deviceOf(c).identifier],
    ['device without model', (c: Claims) => delete deviceOf(c).model],
    ['device without version', (c: Claims) => delete deviceOf(c).version],
    ['organization without name', (c: Claims) => delete organizationOf(c).name],
    ['organization without an ODS code identifier', (c: Claims) => delete organizationOf(c).identifier],
  ])('%s (D-14) → 400 BAD_REQUEST', async (_what, mutate) => {
    expectOperationOutcome(await postRecord(t, P(), { claims: claimsWith(mutate) }), 400, 'BAD_REQUEST');
  });

  it('missing sds-user-id → 400 BAD_REQUEST naming the identifier system', async () => {
    const claims = claimsWith((c) => (practitionerOf(c).identifier = []));
    expectError(
      await postRecord(t, P(), { claims }),
      400,
      'BAD_REQUEST',
      'https://fhir.nhs.uk/Id/sds-user-id',
    );
  });

  it.each([
    [
      'no role-profile identifier',
      (c: Claims) =>
        (practitionerOf(c).identifier = (practitionerOf(c).identifier as { system: string }[]).filter(
          (i) => !i.system.endsWith('sds-role-profile-id'),
        )),
    ],
    [
      'no local identifier',
      (c: Claims) =>
        (practitionerOf(c).identifier = (practitionerOf(c).identifier as { system: string }[]).filter((i) =>
          i.system.startsWith('https://fhir.nhs.uk/'),
        )),
    ],
    [
      'role-profile and sds-user-id both UNK',
      (c: Claims) =>
        (practitionerOf(c).identifier = [
          { system: 'https://fhir.nhs.uk/Id/sds-user-id', value: 'UNK' },
          { system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: 'UNK' },
        ]),
    ],
    [
      'the legacy ODS system http://fhir.nhs.net/Id/ods-organization-code (D-14b)',
      (c: Claims) =>
        (organizationOf(c).identifier = [
          { system: 'http://fhir.nhs.net/Id/ods-organization-code', value: 'RR8' },
        ]),
    ],
    ['an aud that is not our URL (D-16)', (c: Claims) => (c.aud = 'https://somewhere-else.example/STU3/1')],
  ])('%s → 200 accepted', async (_what, mutate) => {
    expectBundle(await postRecord(t, P(), { claims: claimsWith(mutate) }));
  });

  it('a signed token (alg HS256 with a signature) is decoded and accepted (D-10) → 200', async () => {
    const unsigned = jwt(validJwtClaims(t), { alg: 'HS256', typ: 'JWT' });
    const token = `${unsigned}c2lnbmF0dXJlLW5vdC12ZXJpZmllZA`;
    expectBundle(await postRecord(t, P(), { headers: { Authorization: `Bearer ${token}` } }));
  });

  it.each([
    ['2 segments', () => jwt(validJwtClaims(t)).split('.').slice(0, 2).join('.')],
    ['4 segments', () => `${jwt(validJwtClaims(t))}.extra`],
    ['1 segment', () => jwt(validJwtClaims(t)).split('.')[1]],
    [
      'a payload that is not JSON',
      () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('not json').toString('base64url')}.`,
    ],
    [
      'a payload that is a JSON array',
      () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('[1,2]').toString('base64url')}.`,
    ],
    [
      'a header that is not JSON',
      () => `${Buffer.from('nope').toString('base64url')}.${jwt(validJwtClaims(t)).split('.')[1]}.`,
    ],
  ])('a token with %s → 400 BAD_REQUEST', async (_what, token) => {
    expectError(
      await postRecord(t, P(), { headers: { Authorization: `Bearer ${token()}` } }),
      400,
      'BAD_REQUEST',
      'JWT',
    );
  });

  it.each([
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['Bearer with no token', 'Bearer'],
    ['a token with no scheme', () => jwt(validJwtClaims(t))],
    ['Bearer with two tokens', () => `Bearer ${jwt(validJwtClaims(t))} ${jwt(validJwtClaims(t))}`],
  ])('Authorization: %s → 400 BAD_REQUEST with WWW-Authenticate: Bearer', async (_what, value) => {
    const authorization = typeof value === 'function' ? value() : value;
    const res = await postRecord(t, P(), { headers: { Authorization: authorization } });
    expectError(res, 400, 'BAD_REQUEST', 'Authorization');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('the JWT is checked after the Ssp headers: a bad JWT and a missing Ssp-To → the Ssp-To error', async () => {
    const res = await postRecord(t, P(), { headers: { 'Ssp-To': undefined, Authorization: 'Basic x' } });
    expectError(res, 400, 'BAD_REQUEST', 'Ssp-To');
  });
});
