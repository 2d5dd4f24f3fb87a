/**
 * The Foundations reads a consumer needs to resolve every reference of a structured record: Patient,
 * Organization, Practitioner and Location by id, each with its interaction id, scope and 404.
 */
import type { Bundle } from 'fhir/r3';

import { BASE, NHS, postRecord, testApp } from '../support/app';
import { expectError } from '../support/fhir';
import { byNhs, FOUNDATIONS, getFhir, NHS_SYSTEM, searchPatients } from '../support/patient-search';
import { validateResource } from '../support/profiles';
import { P99002_ASID } from '../support/store';

const t = testApp();
const PATIENT_SCOPE = 'patient/*.read';
const ORG_SCOPE = 'organization/*.read';

/** The structured record's resources for patient2, by type and id: what each read must equal. */
async function recordResources(): Promise<Map<string, unknown>> {
  const res = await postRecord(t, {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patientNHSNumber', valueIdentifier: { system: NHS_SYSTEM, value: NHS.patient2 } },
      { name: 'includeConsultations', part: [{ name: 'includeNumberOfMostRecent', valuePositiveInt: 3 }] },
    ],
  });
  expect(res.status).toBe(200);
  return new Map(
    ((res.body as Bundle).entry ?? []).map((e) => [
      `${e.resource?.resourceType}/${e.resource?.id}`,
      e.resource,
    ]),
  );
}

describe('Foundations reads', () => {
  it.each([
    ['Patient', 'patient2', FOUNDATIONS.readPatient, PATIENT_SCOPE],
    ['Organization', 'practice-p99001', FOUNDATIONS.readOrganization, ORG_SCOPE],
    ['Practitioner', 'prac-sharma', FOUNDATIONS.readPractitioner, ORG_SCOPE],
    ['Location', 'loc-riverside-main', FOUNDATIONS.readLocation, ORG_SCOPE],
  ])(
    '%s/%s answers the resource exactly as the structured record carries it',
    async (type, id, interaction, scope) => {
      const res = await getFhir(t, `/${type}/${id}`, interaction, scope);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/fhir+json;charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ resourceType: type, id });
      validateResource(res.body);
      const inRecord = (await recordResources()).get(`${type}/${id}`);
      expect(inRecord).toBeDefined();
      expect(res.body).toEqual(inRecord);
    },
  );

  it('reads an organisation other than the practice that the records refer to', async () => {
    const res = await getFhir(t, '/Organization/org-leeds-teaching', FOUNDATIONS.readOrganization, ORG_SCOPE);
    expect(res.status).toBe(200);
    expect(res.body.identifier[0].system).toBe('https://fhir.nhs.uk/Id/ods-organization-code');
  });

  it.each([
    ['Patient', 'no-such-patient', FOUNDATIONS.readPatient, PATIENT_SCOPE, 'PATIENT_NOT_FOUND'],
    ['Patient', 'patient9', FOUNDATIONS.readPatient, PATIENT_SCOPE, 'PATIENT_NOT_FOUND'],
    ['Patient', 'patient18', FOUNDATIONS.readPatient, PATIENT_SCOPE, 'PATIENT_NOT_FOUND'],
    ['Patient', 'patient21', FOUNDATIONS.readPatient, PATIENT_SCOPE, 'PATIENT_NOT_FOUND'],
    ['Patient', 'patient14', FOUNDATIONS.readPatient, PATIENT_SCOPE, 'PATIENT_NOT_FOUND'],
    ['Patient', 'temporary1', FOUNDATIONS.readPatient, PATIENT_SCOPE, 'PATIENT_NOT_FOUND'],
    ['Organization', 'no-such-org', FOUNDATIONS.readOrganization, ORG_SCOPE, 'ORGANISATION_NOT_FOUND'],
    ['Practitioner', 'no-such-gp', FOUNDATIONS.readPractitioner, ORG_SCOPE, 'PRACTITIONER_NOT_FOUND'],
    ['Location', 'no-such-site', FOUNDATIONS.readLocation, ORG_SCOPE, 'NO_RECORD_FOUND'],
  ])(
    '%s/%s answers 404 %s (unknown, or withheld like the unknown)',
    async (type, id, interaction, scope, code) => {
      expectError(await getFhir(t, `/${type}/${id}`, interaction, scope), 404, code, id);
    },
  );

  it('reads only the practice the URL names: P99001 ids and patients are not found at P99002', async () => {
    const at2 = { ods: 'P99002', headers: { 'Ssp-To': P99002_ASID } };
    expectError(
      await getFhir(t, '/Patient/patient2', FOUNDATIONS.readPatient, PATIENT_SCOPE, at2),
      404,
      'PATIENT_NOT_FOUND',
    );
    expectError(
      await getFhir(t, '/Organization/practice-p99001', FOUNDATIONS.readOrganization, ORG_SCOPE, at2),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    const search = await searchPatients(t, byNhs(NHS.patient2), at2);
    expect(search.status).toBe(200);
    expect((search.body as Bundle).entry ?? []).toEqual([]);
    const own = await getFhir(
      t,
      '/Organization/practice-p99002',
      FOUNDATIONS.readOrganization,
      ORG_SCOPE,
      at2,
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ resourceType: 'Organization', id: 'practice-p99002' });
  });

  it('needs the interaction id of the resource read', async () => {
    const res = await getFhir(t, '/Patient/patient2', FOUNDATIONS.search, PATIENT_SCOPE);
    expectError(res, 400, 'BAD_REQUEST', 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1');
  });

  it('needs patient/*.read for Patient and organization/*.read for the others', async () => {
    expectError(
      await getFhir(t, '/Patient/patient2', FOUNDATIONS.readPatient, ORG_SCOPE),
      400,
      'BAD_REQUEST',
      PATIENT_SCOPE,
    );
    expectError(
      await getFhir(t, '/Practitioner/prac-sharma', FOUNDATIONS.readPractitioner, PATIENT_SCOPE),
      400,
      'BAD_REQUEST',
      ORG_SCOPE,
    );
  });

  it('answers 400 for an id that is not a FHIR id, and for a verb other than GET', async () => {
    expectError(
      await getFhir(t, '/Patient/a%20b', FOUNDATIONS.readPatient, PATIENT_SCOPE),
      400,
      'BAD_REQUEST',
    );
    const { default: request } = await import('supertest');
    const { spineHeaders } = await import('../support/app');
    const res = await request(t.app)
      .delete(`${BASE}/Patient/patient2`)
      .set(spineHeaders(t, FOUNDATIONS.readPatient, PATIENT_SCOPE));
    expectError(res, 400, 'BAD_REQUEST', 'DELETE');
  });

  it('follows the GP Connect switch but not the structured capability switch', async () => {
    const structuredOff = testApp({ settings: { P99001: { structuredEnabled: false } } });
    expect(
      (await getFhir(structuredOff, '/Patient/patient2', FOUNDATIONS.readPatient, PATIENT_SCOPE)).status,
    ).toBe(200);
    const allOff = testApp({ settings: { P99001: { gpConnectEnabled: false } } });
    expectError(
      await getFhir(allOff, '/Patient/patient2', FOUNDATIONS.readPatient, PATIENT_SCOPE),
      403,
      'ACCESS DENIED',
    );
  });

  it('audits a read with the resource asked for and the patient it returned', async () => {
    const audited = testApp();
    await getFhir(audited, '/Patient/patient2', FOUNDATIONS.readPatient, PATIENT_SCOPE);
    await getFhir(audited, '/Location/nowhere', FOUNDATIONS.readLocation, ORG_SCOPE);
    await audited.audit.flushed();
    expect(
      audited.audit.requests.map((r) => [
        r.interaction,
        r.resource,
        r.nhsNumber,
        (r.outcome as { status: number }).status,
      ]),
    ).toEqual([
      ['patientRead', 'Patient/patient2', NHS.patient2, 200],
      ['locationRead', 'Location/nowhere', null, 404],
    ]);
  });
});
