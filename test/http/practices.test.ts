/**
 * Many practices in one deployment, over the store under test: each practice is served under its own
 * ODS code with its own ASID, switches and patients; an ODS code the store does not hold is 404
 * ORGANISATION_NOT_FOUND; nothing of one practice ever appears in another's answer, even when the
 * requests interleave.
 */
import type { Bundle, Organization, Practitioner } from 'fhir/r3';
import request from 'supertest';

import { INTERACTION, NHS, spineHeaders, type TestApp, testApp } from '../support/app';
import {
  expectBundle,
  expectError,
  expectOperationOutcome,
  resourcesOf,
  warningDiagnostics,
} from '../support/fhir';
import { area, bool, nhsNumber, parameters } from '../support/parameters';
import { P99002_ASID, P99003_ASID, TEST_STORE } from '../support/store';

/** P99002's own patients (data/practices/P99002.jsonl). */
const CANAL = { lucy: '9690941003', noah: '9690941011', movedAway: NHS.patient3 } as const;
const base = (ods: string) => `/${ods}/STU3/1/gpconnect/structured`;

function post(t: TestApp, ods: string, body: unknown, asid?: string): request.Test {
  return request(t.app)
    .post(`${base(ods)}/Patient/$gpc.getstructuredrecord`)
    .set(spineHeaders(t, INTERACTION.record, 'patient/*.read', asid ? { headers: { 'Ssp-To': asid } } : {}))
    .set('Content-Type', 'application/fhir+json')
    .send(JSON.stringify(body));
}

function metadata(t: TestApp, ods: string, asid?: string): request.Test {
  return request(t.app)
    .get(`${base(ods)}/metadata`)
    .set(
      spineHeaders(
        t,
        INTERACTION.metadata,
        'organization/*.read',
        asid ? { headers: { 'Ssp-To': asid } } : {},
      ),
    );
}

const allergiesAndMedication = (nhs: string) =>
  parameters(
    nhsNumber(nhs),
    area('includeAllergies', bool('includeResolvedAllergies', true)),
    area('includeMedication'),
  );

function practiceOds(bundle: Bundle): string[] {
  return resourcesOf<Organization>(bundle, 'Organization').flatMap((o) =>
    (o.identifier ?? []).map((i) => i.value ?? ''),
  );
}

describe(`many practices (${TEST_STORE} store)`, () => {
  const t = testApp();

  it('the same request under P99001 and P99002 gives each practice its own answer', async () => {
    const at1 = expectBundle(await post(t, 'P99001', allergiesAndMedication(NHS.patient5)));
    expect(practiceOds(at1)).toContain('P99001');
    expect(practiceOds(at1)).not.toContain('P99002');
    const at2 = expectBundle(await post(t, 'P99002', allergiesAndMedication(CANAL.lucy), P99002_ASID));
    expect(practiceOds(at2)).toEqual(['P99002']);
    expect(
      resourcesOf<Practitioner>(at2, 'Practitioner')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['prac-ahmed']);
    // P99002 has the medication area switched off: left out with the spec's warning.
    expect(warningDiagnostics(at2)).toEqual(['includeMedication']);
    expect(resourcesOf(at2, 'MedicationStatement')).toHaveLength(0);
    expect(resourcesOf(at1, 'MedicationStatement').length).toBeGreaterThan(0);
  });

  it('a patient of another practice is PATIENT_NOT_FOUND, exactly as an unknown one', async () => {
    const other = expectOperationOutcome(
      await post(t, 'P99002', allergiesAndMedication(NHS.patient2), P99002_ASID),
      404,
      'PATIENT_NOT_FOUND',
    );
    const unknown = expectOperationOutcome(
      await post(t, 'P99002', allergiesAndMedication(NHS.notInSystem), P99002_ASID),
      404,
      'PATIENT_NOT_FOUND',
    );
    expect(other.issue).toEqual(unknown.issue);
    expectOperationOutcome(
      await post(t, 'P99001', allergiesAndMedication(CANAL.lucy)),
      404,
      'PATIENT_NOT_FOUND',
    );
  });

  it('a patient who moved from P99002 to P99001 is served only at P99001', async () => {
    expectOperationOutcome(
      await post(t, 'P99002', allergiesAndMedication(CANAL.movedAway), P99002_ASID),
      404,
      'PATIENT_NOT_FOUND',
    );
    const bundle = expectBundle(await post(t, 'P99001', allergiesAndMedication(CANAL.movedAway)));
    expect(practiceOds(bundle)).toContain('P99001');
  });

  it('Ssp-To must be the ASID of the practice in the URL', async () => {
    expectError(await post(t, 'P99002', allergiesAndMedication(CANAL.lucy)), 400, 'BAD_REQUEST', 'Ssp-To');
    expectError(
      await post(t, 'P99001', allergiesAndMedication(NHS.patient2), P99002_ASID),
      400,
      'BAD_REQUEST',
      'Ssp-To',
    );
  });

  it.each([
    ['an ODS code the store does not hold', 'A12345'],
    ['an ODS code in lower case (URLs are case-sensitive)', 'p99001'],
    ['a segment that cannot be an ODS code', 'P99001%20OR%201=1'],
    ['a very long segment (echoed truncated)', 'X'.repeat(4000)],
  ])('%s: 404 ORGANISATION_NOT_FOUND, for the record and for metadata', async (_what, ods) => {
    const record = expectError(
      await post(t, ods, allergiesAndMedication(NHS.patient2)),
      404,
      'ORGANISATION_NOT_FOUND',
      'ODS code',
    );
    expect(record.issue[0].diagnostics!.length).toBeLessThan(120);
    expectOperationOutcome(await metadata(t, ods), 404, 'ORGANISATION_NOT_FOUND');
  });

  it('a practice with Access Record: Structured switched off (P99003) answers 403 ACCESS DENIED', async () => {
    expectError(
      await post(t, 'P99003', allergiesAndMedication('9690941038'), P99003_ASID),
      403,
      'ACCESS DENIED',
      'Access Record Structured',
    );
    expectOperationOutcome(await metadata(t, 'P99003', P99003_ASID), 403, 'ACCESS DENIED');
  });

  it('/metadata is served per practice', async () => {
    expect((await metadata(t, 'P99001')).status).toBe(200);
    expect((await metadata(t, 'P99002', P99002_ASID)).status).toBe(200);
  });

  it('metrics count requests by practice', async () => {
    const fresh = testApp();
    await post(fresh, 'P99002', allergiesAndMedication(CANAL.lucy), P99002_ASID).expect(200);
    await post(fresh, 'A12345', allergiesAndMedication(CANAL.lucy)).expect(404);
    const { body } = await fresh.ops.metrics.exposition();
    expect(body).toContain('gpc_practice_requests_total{practice_ods="P99002",status="200"} 1');
    expect(body).toContain('gpc_practice_requests_total{practice_ods="unknown",status="404"} 1');
  });

  it('64 concurrent mixed requests across the practices never mix data', async () => {
    const cases: { ods: string; asid?: string; nhs: string }[] = [
      { ods: 'P99001', nhs: NHS.patient2 },
      { ods: 'P99001', nhs: NHS.patient5 },
      { ods: 'P99001', nhs: NHS.patient3 },
      { ods: 'P99002', asid: P99002_ASID, nhs: CANAL.lucy },
      { ods: 'P99002', asid: P99002_ASID, nhs: CANAL.noah },
      { ods: 'P99002', asid: P99002_ASID, nhs: NHS.patient2 },
      { ods: 'P99003', asid: P99003_ASID, nhs: '9690941038' },
    ];
    const everything = (nhs: string) =>
      parameters(
        nhsNumber(nhs),
        area('includeAllergies', bool('includeResolvedAllergies', true)),
        area('includeMedication'),
        area('includeProblems'),
        area('includeConsultations'),
      );
    // Generated ids (the warnings OperationOutcome) depend on the order requests ran in.
    const answer = async (c: (typeof cases)[number]) => {
      const res = await post(t, c.ods, everything(c.nhs), c.asid);
      return `${res.status} ${res.text.replace(/generated-\d+/g, 'generated')}`;
    };
    const alone = new Map<(typeof cases)[number], string>();
    for (const c of cases) alone.set(c, await answer(c));
    const mixed = Array.from({ length: 64 }, (_, i) => cases[(i * 5) % cases.length]);
    const together = await Promise.all(mixed.map(answer));
    together.forEach((text, i) => expect(text).toBe(alone.get(mixed[i])));
    expect(new Set(together.map((x) => x.slice(0, 3)))).toEqual(new Set(['200', '404', '403']));
  });
});
