/** Issue 7.2: one tamper-evident JSON audit record per request, success or failure, no clinical content. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import request from 'supertest';

import { AuditLog, canonicalJson, chainHash, GENESIS_HASH, verifyAuditChain } from '../../src/ops/audit';
import {
  CONSUMER_ASID,
  getMetadata,
  INTERACTION,
  NHS,
  postRecord,
  PROVIDER_ASID,
  rel,
  spineHeaders,
  testApp,
} from '../support/app';
import { expectBundle, expectOperationOutcome } from '../support/fhir';
import { area, bool, date, nhsNumber, parameters } from '../support/parameters';
import { SlowRepository } from '../support/slow-repository';

const REQUEST_FIELDS = [
  'seq',
  'time',
  'type',
  'traceId',
  'interaction',
  'interactionId',
  'method',
  'path',
  'consumerAsid',
  'providerAsid',
  'practiceOds',
  'organisation',
  'practitioner',
  'device',
  'reason',
  'scope',
  'nhsNumber',
  'requested',
  'outcome',
  'durationMs',
  'hash',
].sort();

const WHO = {
  organisation: {
    odsCode: 'RR8',
    odsSystem: 'https://fhir.nhs.uk/Id/ods-organization-code',
    name: 'Leeds Teaching Hospitals NHS Trust',
  },
  practitioner: {
    id: '1',
    sdsUserId: '111222333444',
    sdsRoleProfileId: '444555666777',
    name: 'Dr Claire Jones',
  },
  device: { identifier: 'CONS-APP-4', model: 'Consumer product name', version: '5.3.0' },
  reason: 'directcare',
  scope: 'patient/*.read',
};

const allergiesAndMedication = parameters(
  nhsNumber(NHS.patient2),
  area('includeAllergies', bool('includeResolvedAllergies', false)),
  area('includeMedication', date('medicationSearchFromDate', rel(-90))),
);

function expectEveryField(record: Record<string, unknown>): void {
  expect(Object.keys(record).sort()).toEqual(REQUEST_FIELDS);
}

describe('audit trail', () => {
  it('a success: who, for whom, what was asked, the outcome and the duration', async () => {
    const t = testApp();
    const res = await postRecord(t, allergiesAndMedication, { traceId: 'audit-success-1' });
    const bundle = expectBundle(res);
    const [record] = t.audit.requests;
    expectEveryField(record);
    expect(record).toMatchObject({
      type: 'request',
      traceId: 'audit-success-1',
      interaction: 'getstructuredrecord',
      interactionId: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
      method: 'POST',
      consumerAsid: CONSUMER_ASID,
      practiceOds: 'P99001',
      providerAsid: PROVIDER_ASID,
      ...WHO,
      nhsNumber: NHS.patient2,
      requested: {
        areas: ['includeAllergies', 'includeMedication'],
        filters: {
          includeAllergies: { includeResolvedAllergies: false },
          includeMedication: { medicationSearchFromDate: rel(-90) },
        },
        predefinedSearch: null,
      },
      outcome: { status: 200, spineCode: null, released: true },
    });
    expect(record.time).toBe('2026-11-21T12:00:00.000Z');
    expect(typeof record.durationMs).toBe('number');
    expect(record.durationMs).toBeGreaterThan(0);
    // Never clinical content: nothing of the returned record (names, addresses, resources) is in the trail.
    const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as {
      name?: { family?: string }[];
    };
    const family = patient.name?.[0]?.family;
    expect(family).toBeTruthy();
    const trail = t.audit.lines.join('\n');
    expect(trail).not.toContain(family as string);
    expect(trail).not.toContain('"resourceType"');
  });

  it('a 4xx: the outcome carries the status and Spine code, and what was asked is still recorded', async () => {
    const t = testApp();
    expectOperationOutcome(
      await postRecord(t, parameters(nhsNumber(NHS.notInSystem), area('includeProblems'))),
      404,
      'PATIENT_NOT_FOUND',
    );
    // Served from inside an event-loop turn's immediates, the trail is written on the next turn.
    await t.audit.flushed();
    const [record] = t.audit.requests;
    expectEveryField(record);
    expect(record).toMatchObject({
      ...WHO,
      consumerAsid: CONSUMER_ASID,
      providerAsid: PROVIDER_ASID,
      nhsNumber: NHS.notInSystem,
      requested: { areas: ['includeProblems'], filters: {}, predefinedSearch: null },
      outcome: { status: 404, spineCode: 'PATIENT_NOT_FOUND', released: true },
    });
  });

  it('a 5xx: recorded with every field, the cause never in the trail', async () => {
    const repository = new SlowRepository({ blocked: false });
    repository.failWith = new Error('connection to store lost: secret-host:5432');
    const t = testApp({ repository });
    expectOperationOutcome(await postRecord(t, allergiesAndMedication), 500, 'INTERNAL_SERVER_ERROR');
    // Served from inside an event-loop turn's immediates, the trail is written on the next turn.
    await t.audit.flushed();
    const [record] = t.audit.requests;
    expectEveryField(record);
    expect(record).toMatchObject({
      ...WHO,
      interaction: 'getstructuredrecord',
      nhsNumber: NHS.patient2,
      requested: { areas: ['includeAllergies', 'includeMedication'] },
      outcome: { status: 500, spineCode: 'INTERNAL_SERVER_ERROR', released: true },
    });
    expect(t.audit.lines.join('\n')).not.toContain('secret-host');
  });

  it('a request refused before its JWT is read is still audited, with the raw consumer headers', async () => {
    const t = testApp();
    await postRecord(t, allergiesAndMedication, { headers: { Authorization: 'Bearer nonsense' } });
    await request(t.app).get('/nowhere').set('Ssp-From', 'not-validated');
    const [badJwt, unknownRoute] = t.audit.requests;
    expectEveryField(badJwt);
    expect(badJwt).toMatchObject({
      consumerAsid: CONSUMER_ASID,
      organisation: null,
      practitioner: null,
      outcome: { status: 400, spineCode: 'BAD_REQUEST' },
    });
    expectEveryField(unknownRoute);
    expect(unknownRoute).toMatchObject({
      interaction: null,
      consumerAsid: 'not-validated',
      outcome: { status: 400 },
    });
  });

  it('records the predefined search recognised', async () => {
    const t = testApp();
    await postRecord(
      t,
      parameters(
        nhsNumber(NHS.patient2),
        area('includeConsultations', { name: 'includeNumberOfMostRecent', valuePositiveInt: 3 }),
        area('includeProblems'),
        area('includeAllergies', bool('includeResolvedAllergies', true)),
        area('includeMedication', date('medicationSearchFromDate', rel(-365))),
      ),
    );
    expect(t.audit.requests[0].requested).toMatchObject({ predefinedSearch: 1 });
  });

  it('chains every record: sequence numbers rise by one and each hash covers the previous hash', async () => {
    const t = testApp();
    await getMetadata(t);
    await postRecord(t, allergiesAndMedication);
    await postRecord(t, parameters(nhsNumber('9999999990')));
    // Served from inside an event-loop turn's immediates, the trail is written on the next turn.
    await t.audit.flushed();
    const records = t.audit.records;
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(verifyAuditChain(t.audit.lines)).toEqual({ ok: true, records: 4 });

    // Editing, deleting or reordering a line breaks the chain at that line.
    const edited = [...t.audit.lines];
    edited[2] = edited[2].replace(NHS.patient2, NHS.patient3);
    expect(verifyAuditChain(edited)).toMatchObject({ ok: false, brokenAtLine: 3 });
    expect(verifyAuditChain(t.audit.lines.filter((_, i) => i !== 1))).toMatchObject({
      ok: false,
      brokenAtLine: 2,
    });
  });

  it('the hashed form is pinned: keys sorted at every level (as strings), undefined left out, arrays in order', () => {
    // An auditor's own verifier recomputes this form: a different byte would break every chain.
    const record = {
      type: 'request',
      seq: 7,
      b: { z: [1, 'two', { y: null, x: true }], a: 'quote" é\n' },
      a: undefined,
      '10': 1,
      '2': 2,
      empty: {},
      list: [],
    };
    const canonical = canonicalJson(record as unknown as Parameters<typeof canonicalJson>[0]);
    expect(canonical).toBe(
      '{"10":1,"2":2,"b":{"a":"quote\\" é\\n","z":[1,"two",{"x":true,"y":null}]},"empty":{},"list":[],"seq":7,"type":"request"}',
    );
    expect(chainHash(GENESIS_HASH, canonical)).toBe(
      'ce9f238f2157cac5aa2ad1b48d621a0da0eb7b53c1b1265a0158c1b941b65a7c',
    );
  });

  it("the start record names the base path template (each practice's switches are audited where they change)", async () => {
    const t = testApp({
      settings: { P99001: { disabledAreas: ['referrals', 'diaryEntries'], structuredEnabled: false } },
    });
    await t.audit.flushed();
    const [start] = t.audit.records;
    expect(start).toMatchObject({
      seq: 1,
      type: 'service.start',
      gpConnectVersion: '1.6.2',
      basePath: '/{ods}/STU3/1/gpconnect/structured',
    });
  });

  it('a request for an ODS code the store does not hold is audited as such, with no practice', async () => {
    const t = testApp();
    const res = await request(t.app)
      .post('/A12345/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord')
      .set(spineHeaders(t, INTERACTION.record, 'patient/*.read'))
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(allergiesAndMedication));
    expectOperationOutcome(res, 404, 'ORGANISATION_NOT_FOUND');
    expect(t.audit.requests[0]).toMatchObject({
      practiceOds: null,
      path: '/A12345/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord',
      outcome: { status: 404, spineCode: 'ORGANISATION_NOT_FOUND' },
    });
  });

  it('a practice-level switch off gives 403 ACCESS DENIED, audited', async () => {
    const t = testApp({ settings: { P99001: { gpConnectEnabled: false } } });
    expectOperationOutcome(await postRecord(t, allergiesAndMedication), 403, 'ACCESS DENIED');
    expect(t.audit.requests[0]).toMatchObject({
      ...WHO,
      outcome: { status: 403, spineCode: 'ACCESS DENIED' },
    });
  });

  describe('to a file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'gpc-audit-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('appends, and a restarted process continues the same chain', async () => {
      const file = join(dir, 'audit.log');
      const now = () => new Date('2026-11-21T12:00:00Z');
      const one = new AuditLog({ file }, { now });
      await one.record({ type: 'service.start' });
      await one.record({ type: 'request', outcome: { status: 200 } });
      await one.close();
      const two = new AuditLog({ file }, { now });
      await two.record({ type: 'service.start' });
      await two.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 1]);
      expect(verifyAuditChain(lines)).toEqual({ ok: true, records: 3 });
    });

    it('creates the file and its directory when they are missing', async () => {
      const file = join(dir, 'missing-dir', 'audit.log');
      const log = new AuditLog({ file }, { now: () => new Date() });
      await log.record({ type: 'service.start' });
      await log.close();
      expect(verifyAuditChain(readFileSync(file, 'utf8').split('\n'))).toEqual({ ok: true, records: 1 });
    });

    it('starts a fresh chain after a file whose last line is not a record', async () => {
      const file = join(dir, 'audit.log');
      writeFileSync(file, 'not json\n');
      const log = new AuditLog({ file }, { now: () => new Date() });
      await log.record({ type: 'service.start' });
      await log.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(verifyAuditChain(lines.slice(1))).toEqual({ ok: true, records: 1 });
    });
  });

  it('writes exactly one line per record to a stream of its own', async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const log = new AuditLog({ stream }, { now: () => new Date('2026-11-21T12:00:00Z') });
    const written = await log.record({ type: 'request', nhsNumber: NHS.patient2 });
    expect(chunks).toEqual([`${JSON.stringify(written)}\n`]);
  });
});
