/**
 * FHIR XML both ways (issue 14, D-7): every answer in XML reads back equal to the JSON answer, XML
 * Parameters give the same answers as JSON Parameters, bad XML is refused with a diagnostic, and the
 * acceptance suite's metadata format scenarios. Runs on both stores (npm test repeats test/http over
 * PostgreSQL).
 */
import { join } from 'node:path';

import type { CapabilityStatement } from 'fhir/r3';
import request from 'supertest';

import { type ExampleCase, loadExamples } from '../../src/cli/examples';
import { readRequestFile, resolvePlaceholders, withNhsNumber } from '../../src/cli/request';
import { calendarDate } from '../../src/fhir/dates';
import { parseFhirXml } from '../../src/fhir/xml/read-xml';
import {
  BASE,
  getMetadata,
  INTERACTION,
  METADATA_PATH,
  NHS,
  postRecord,
  sendTo,
  spineHeaders,
  type TestApp,
  testApp,
  TODAY,
} from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { allAreas, nhsNumber, parameters } from '../support/parameters';
import { expectXmlOperationOutcome, FHIR_XML, xmlBody } from '../support/xml';

const FHIR_JSON = 'application/fhir+json;charset=utf-8';
const XML_HEADERS = { Accept: 'application/fhir+xml' };
const XML_BODY_HEADERS = { 'Content-Type': 'application/fhir+xml;charset=utf-8' };
const P = () => parameters(nhsNumber(NHS.patient2));

describe('metadata format scenarios (acceptance suite)', () => {
  const t = testApp();

  async function expectXmlStatement(res: request.Response): Promise<CapabilityStatement> {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(FHIR_XML);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><CapabilityStatement xmlns="http:\/\/hl7.org\/fhir">/,
    );
    expect(res.text).toContain(
      '<format value="application/fhir+json"/><format value="application/fhir+xml"/>',
    );
    const statement = parseFhirXml(res.text) as unknown as CapabilityStatement;
    expect(statement.format).toEqual(['application/fhir+json', 'application/fhir+xml']);
    return statement;
  }

  it('GET /metadata with Accept: application/fhir+xml → the XML CapabilityStatement, equal to the JSON one', async () => {
    const statement = await expectXmlStatement(await getMetadata(t, { headers: XML_HEADERS }));
    const json = await getMetadata(t);
    expect(json.headers['content-type']).toBe(FHIR_JSON);
    expect(statement).toEqual(json.body);
    expect(statement.fhirVersion).toBe('3.0.1');
  });

  it.each(['xml', 'application/fhir+xml', 'text/xml', 'application/xml', 'application/xml+fhir'])(
    'GET /metadata?_format=%s → the XML CapabilityStatement',
    async (format) => {
      await expectXmlStatement(
        await getMetadata(t, {}, `${METADATA_PATH}?_format=${encodeURIComponent(format)}`),
      );
    },
  );

  it('_format=application/fhir+xml sent with its "+" unencoded still means XML', async () => {
    await expectXmlStatement(await getMetadata(t, {}, `${METADATA_PATH}?_format=application/fhir+xml`));
  });

  it('_format=xml overrides Accept: application/fhir+json; _format=json overrides Accept XML', async () => {
    await expectXmlStatement(
      await getMetadata(t, { headers: { Accept: 'application/fhir+json' } }, `${METADATA_PATH}?_format=xml`),
    );
    const json = await getMetadata(t, { headers: XML_HEADERS }, `${METADATA_PATH}?_format=json`);
    expect(json.headers['content-type']).toBe(FHIR_JSON);
  });

  it('Accept ranks by q-value: XML first when the client prefers it', async () => {
    await expectXmlStatement(
      await getMetadata(t, { headers: { Accept: 'application/fhir+json;q=0.5, application/fhir+xml' } }),
    );
  });
});

describe('every OperationOutcome in XML when XML is asked for', () => {
  const t = testApp();
  const off = testApp({ env: { GPC_STRUCTURED_ENABLED: 'false' } });

  it.each<[string, () => request.Test, number, string]>([
    [
      'unknown path under the base',
      () => sendTo(t, 'get', `${BASE}/nothing`, { headers: XML_HEADERS }),
      400,
      'BAD_REQUEST',
    ],
    [
      'path outside the base',
      () => sendTo(t, 'get', '/elsewhere', { headers: XML_HEADERS }),
      400,
      'BAD_REQUEST',
    ],
    ['unknown path, _format=xml', () => sendTo(t, 'get', `${BASE}/nothing?_format=xml`), 400, 'BAD_REQUEST'],
    ['wrong verb', () => sendTo(t, 'put', METADATA_PATH, { headers: XML_HEADERS }), 400, 'BAD_REQUEST'],
    [
      'missing Ssp-From',
      () => getMetadata(t, { headers: { ...XML_HEADERS, 'Ssp-From': undefined } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'no JWT',
      () => getMetadata(t, { headers: { ...XML_HEADERS, Authorization: undefined } }),
      400,
      'BAD_REQUEST',
    ],
    ['capability disabled', () => getMetadata(off, { headers: XML_HEADERS }), 403, 'ACCESS DENIED'],
    [
      'migrate operation',
      () => sendTo(t, 'post', `${BASE}/Patient/$gpc.migratestructuredrecord`, { headers: XML_HEADERS }),
      501,
      'NOT_IMPLEMENTED',
    ],
    [
      'unknown patient',
      () => postRecord(t, parameters(nhsNumber('9100000000')), { headers: XML_HEADERS }),
      404,
      'PATIENT_NOT_FOUND',
    ],
    [
      'bad NHS number',
      () => postRecord(t, parameters(nhsNumber('9999999990')), { headers: XML_HEADERS }),
      400,
      'INVALID_NHS_NUMBER',
    ],
    [
      'unparseable JSON body',
      () => postRecord(t, '{not json', { headers: XML_HEADERS }),
      422,
      'INVALID_RESOURCE',
    ],
    [
      'body over BODY_LIMIT',
      () => postRecord(t, `{"x":"${'a'.repeat(1_100_000)}"}`, { headers: XML_HEADERS }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('%s → %i %s as an XML OperationOutcome', async (_what, send, status, code) => {
    expectXmlOperationOutcome(await send(), status, code);
  });

  it('a format the server does not serve is refused in JSON (415), naming both formats served', async () => {
    const res = await getMetadata(t, { headers: { Accept: 'text/html' } });
    expect(expectOperationOutcome(res, 415, 'UNSUPPORTED_MEDIA_TYPE').issue[0].diagnostics).toContain(
      'application/fhir+xml',
    );
  });

  it('an XML body with no Accept is answered in XML (the Content-Type decides)', async () => {
    const res = await postRecord(t, xmlBody(P()), { headers: { ...XML_BODY_HEADERS, Accept: undefined } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(FHIR_XML);
  });
});

describe('malformed and hostile XML bodies → 422 INVALID_RESOURCE with a diagnostic, never a 500', () => {
  const t = testApp();
  const send = (body: string) => postRecord(t, body, { headers: XML_BODY_HEADERS });
  const valid = xmlBody(P());

  it('the XML twin of a valid body is accepted', async () => {
    expectBundle(await send(valid));
  });

  it.each<[string, string, RegExp]>([
    ['not XML at all', '{"resourceType":"Parameters"}', /not well-formed/],
    ['truncated', valid.slice(0, 120), /not well-formed/],
    ['unclosed element', '<Parameters xmlns="http://hl7.org/fhir"><parameter>', /not well-formed/],
    [
      'an undefined entity',
      '<Parameters xmlns="http://hl7.org/fhir"><id value="&nope;"/></Parameters>',
      /not well-formed/,
    ],
    [
      'no FHIR namespace',
      '<Parameters><parameter><name value="x"/></parameter></Parameters>',
      /FHIR namespace/,
    ],
    [
      'an unknown element',
      '<Parameters xmlns="http://hl7.org/fhir"><wibble value="1"/></Parameters>',
      /Unknown element <wibble> in Parameters/,
    ],
    [
      'elements out of order',
      valid.replace(
        /<name value="patientNHSNumber"\/>(<valueIdentifier>.*?<\/valueIdentifier>)/,
        '$1<name value="patientNHSNumber"/>',
      ),
      /out of order/,
    ],
    [
      'a single element twice',
      '<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="a"/><name value="b"/></parameter></Parameters>',
      /may occur only once/,
    ],
    [
      'text where none may be',
      '<Parameters xmlns="http://hl7.org/fhir">hello</Parameters>',
      /Unexpected text/,
    ],
    ['an unknown resource type', '<Wibble xmlns="http://hl7.org/fhir"/>', /not a FHIR resource type/],
    [
      'a processing instruction',
      `${valid.slice(0, 38)}<?evil x?>${valid.slice(38)}`,
      /Processing instruction/,
    ],
    ['another encoding', valid.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), /only UTF-8/],
  ])('%s', async (_what, body, diagnostic) => {
    const outcome = expectOperationOutcome(await send(body), 422, 'INVALID_RESOURCE');
    expect(outcome.issue[0].diagnostics).toContain('could not be parsed as FHIR XML');
    expect(outcome.issue[0].diagnostics).toMatch(diagnostic);
  });

  it('XXE: an external entity is refused (DOCTYPE), nothing is read from disk', async () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      '<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&xxe;"/></parameter></Parameters>';
    const res = await send(xxe);
    const outcome = expectOperationOutcome(res, 422, 'INVALID_RESOURCE');
    expect(outcome.issue[0].diagnostics).toContain('DOCTYPE is not allowed');
    expect(res.text).not.toContain('root:');
  });

  it('billion laughs: refused at the DOCTYPE at once, no entity is expanded', async () => {
    const entities = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
    ).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${entities}]><Parameters xmlns="http://hl7.org/fhir"><id value="&lol9;"/></Parameters>`;
    const started = Date.now();
    const outcome = expectOperationOutcome(await send(bomb), 422, 'INVALID_RESOURCE');
    expect(outcome.issue[0].diagnostics).toContain('DOCTYPE is not allowed');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('deep nesting is refused with a diagnostic, not a stack overflow', async () => {
    const deep = `<Parameters xmlns="http://hl7.org/fhir">${'<parameter><name value="x"/><part>'.repeat(20_000)}`;
    expectOperationOutcome(await send(deep), 422, 'INVALID_RESOURCE');
  });

  it('an empty body and invalid UTF-8 → 422', async () => {
    expectOperationOutcome(await send(''), 422, 'INVALID_RESOURCE');
    const res = await postRecord(t, Buffer.from([0x3c, 0xff, 0xfe]).toString('latin1'), {
      headers: XML_BODY_HEADERS,
    });
    expectOperationOutcome(res, 422, 'INVALID_RESOURCE');
  });

  it('a bad value in XML answers as the same value in JSON (the checks after parsing see the same body)', async () => {
    const body = parameters(nhsNumber(NHS.patient2), {
      name: 'includeConsultations',
      part: [{ name: 'includeNumberOfMostRecent', valuePositiveInt: 'three' }],
    });
    const json = await postRecord(t, body);
    const xml = await send(xmlBody(body));
    expect(xml.status).toBe(json.status);
    expect(xml.body).toEqual(json.body);
  });
});

/** A request body from examples/requests, with today() placeholders resolved against the test clock. */
function exampleBody(example: ExampleCase): Record<string, unknown> {
  let body = readRequestFile(example.requestFile);
  if (example.expected?.patient !== undefined) body = withNhsNumber(body, example.expected.patient, false);
  return resolvePlaceholders(body, calendarDate(TODAY));
}

/**
 * Three apps over the same practice, each sent the same requests in the same order (so generated ids
 * agree): JSON in and out, JSON in and XML out, XML in and JSON out.
 */
function threeApps(): { json: TestApp; xmlOut: TestApp; xmlIn: TestApp } {
  return { json: testApp(), xmlOut: testApp(), xmlIn: testApp() };
}

async function expectSameAnswers(
  apps: ReturnType<typeof threeApps>,
  body: unknown,
  traceId: string,
): Promise<number> {
  const json = await postRecord(apps.json, body, { traceId });
  const xmlOut = await postRecord(apps.xmlOut, body, { traceId, headers: XML_HEADERS });
  const xmlIn = await postRecord(apps.xmlIn, xmlBody(body), { traceId, headers: XML_BODY_HEADERS });
  expect(json.headers['content-type']).toBe(FHIR_JSON);
  expect(xmlOut.headers['content-type']).toBe(FHIR_XML);
  // The XML answer, read back, is the JSON answer.
  expect({ status: xmlOut.status, body: parseFhirXml(xmlOut.text) }).toEqual({
    status: json.status,
    body: json.body,
  });
  // XML Parameters give byte-for-byte the answer their JSON twin gets.
  expect({ status: xmlIn.status, text: xmlIn.text }).toEqual({ status: json.status, text: json.text });
  return json.status;
}

describe('every example payload: XML answers equal the JSON answers, XML Parameters equal JSON Parameters', () => {
  const examples = loadExamples(join(__dirname, '..', '..', 'examples', 'requests'));
  const apps = threeApps();

  it('the examples are there', () => {
    expect(examples.length).toBeGreaterThan(50);
  });

  it.each(examples.map((e) => [e.name, e] as const))('%s', async (name, example) => {
    const status = await expectSameAnswers(apps, exampleBody(example), `xml-${name}`.slice(0, 64));
    expect(status).toBe(example.expected?.status);
  });
});

describe('every test patient, whole record: the XML answer read back equals the JSON answer', () => {
  const apps = threeApps();

  // Refused and unknown patients included: their OperationOutcomes must match too.
  it.each(Object.entries(NHS))(
    '%s',
    async (name, nhs) => {
      await expectSameAnswers(apps, parameters(...allAreas(nhs)), `xml-${name}`);
    },
    60_000,
  );
});

describe('XML both ways on the record endpoint', () => {
  it('Accept XML and an XML body (through the %24 form of the path): a Bundle in XML', async () => {
    const t = testApp();
    const res = await request(t.app)
      .post(`${BASE}/Patient/%24gpc.getstructuredrecord`)
      .set(spineHeaders(t, INTERACTION.record, 'patient/*.read', { headers: XML_HEADERS }))
      .set(XML_BODY_HEADERS)
      .send(xmlBody(P()));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Bundle xmlns="http:\/\/hl7.org\/fhir"><id value="/,
    );
  });
});
