/**
 * GP Connect Foundations "Find a patient" and the demographic search, over the store under test:
 * each parameter alone and combined, the exclusions, every error code, the bounds and the switch.
 */
import type { Bundle, CapabilityStatement, Patient as FhirPatient } from 'fhir/r3';
import type { Response } from 'supertest';

import { getMetadata, NHS, postRecord, type TestApp, testApp } from '../support/app';
import { expectError } from '../support/fhir';
import {
  ACCENTED,
  byNhs,
  CROWD,
  NHS_SYSTEM,
  searchPatients,
  searchPractice,
} from '../support/patient-search';
import { resourceErrors } from '../support/profiles';
import { repositoryFor } from '../support/store';

const repository = repositoryFor(searchPractice());
const app = (env: Record<string, string> = {}): TestApp =>
  testApp({ repository, env: { PATIENT_SEARCH_MAX_RESULTS: '6', ...env } });

function expectSearchset(res: Response): Bundle {
  expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
    status: 200,
    body: 'ok',
  });
  expect(res.headers['content-type']).toBe('application/fhir+json;charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  const bundle = res.body as Bundle;
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.type).toBe('searchset');
  expect(bundle.meta?.profile).toEqual([
    'https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Searchset-Bundle-1',
  ]);
  // The official profiles: the searchset Bundle itself, and each Patient (CareConnect-GPC-Patient-1).
  // Not the whole-Bundle integrity check: a searchset's references name resources it does not carry.
  const errors = [bundle, ...(bundle.entry ?? []).map((e) => e.resource)].flatMap((r) => resourceErrors(r));
  expect(errors).toEqual([]);
  return bundle;
}

function ids(res: Response): string[] {
  return (expectSearchset(res).entry ?? []).map((e) => e.resource?.id ?? '');
}

describe('Find a patient by NHS number (search:patient-1)', () => {
  const t = app();

  it('returns patient2 as one CareConnect-GPC-Patient-1, the Patient of the structured record', async () => {
    const bundle = expectSearchset(await searchPatients(t, byNhs(NHS.patient2)));
    expect(bundle.entry).toHaveLength(1);
    const found = bundle.entry?.[0].resource as FhirPatient;
    expect(found.meta?.profile).toEqual([
      'https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1',
    ]);
    expect(found.meta?.versionId).toBeDefined();
    const record = await postRecord(t, {
      resourceType: 'Parameters',
      parameter: [{ name: 'patientNHSNumber', valueIdentifier: { system: NHS_SYSTEM, value: NHS.patient2 } }],
    });
    const inRecord = (record.body as Bundle).entry?.find(
      (e) => e.resource?.resourceType === 'Patient',
    )?.resource;
    expect(found).toEqual(inRecord);
  });

  it('answers an empty Bundle for a patient not on the system', async () => {
    expect(ids(await searchPatients(t, byNhs(NHS.notInSystem)))).toEqual([]);
  });

  it.each([
    ['sensitive', NHS.patient9],
    ['deceased', NHS.patient18],
    ['registration inactive', NHS.patient21],
    ['NHS number not verified', NHS.patient14],
    ['temporary registration', NHS.temporary1],
  ])('does not return a %s patient: an empty Bundle, not an error', async (_why, nhs) => {
    expect(ids(await searchPatients(t, byNhs(nhs)))).toEqual([]);
  });

  it('returns a patient who dissented from record sharing (dissent governs the record only)', async () => {
    expect(ids(await searchPatients(t, byNhs(NHS.patient15)))).toEqual(['patient15']);
  });

  it('answers in the format _format asks for: JSON, or FHIR XML', async () => {
    expect(ids(await searchPatients(t, `${byNhs(NHS.patient2)}&_format=application/fhir%2Bjson`))).toEqual([
      'patient2',
    ]);
    const xml = await searchPatients(t, `${byNhs(NHS.patient2)}&_format=xml`);
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toBe('application/fhir+xml;charset=utf-8');
    expect(xml.text).toContain('<type value="searchset"/>');
    expect(xml.text).toContain('<value value="9690937286"/>');
  });

  it.each([
    [
      'an unknown identifier system',
      `identifier=${encodeURIComponent('https://example.org/id|9690937286')}`,
      400,
      'INVALID_IDENTIFIER_SYSTEM',
      'https://example.org/id',
    ],
    ['a number failing Modulus 11', byNhs('9690937287'), 400, 'INVALID_IDENTIFIER_VALUE', '9690937287'],
    ['a number of 9 digits', byNhs('969093728'), 400, 'INVALID_IDENTIFIER_VALUE', 'not a valid NHS number'],
    ['no system', 'identifier=9690937286', 422, 'INVALID_PARAMETER', 'system|value'],
    [
      'a blank system',
      `identifier=${encodeURIComponent('|9690937286')}`,
      422,
      'INVALID_PARAMETER',
      'no system',
    ],
    [
      'a blank value',
      `identifier=${encodeURIComponent(`${NHS_SYSTEM}|`)}`,
      422,
      'INVALID_PARAMETER',
      'no value',
    ],
    ['no parameter at all', '', 400, 'BAD_REQUEST', 'identifier='],
    ['an unknown parameter', `${byNhs(NHS.patient2)}&Identifier=x`, 400, 'BAD_REQUEST', '"Identifier"'],
    [
      'identifier twice',
      `${byNhs(NHS.patient2)}&${byNhs(NHS.patient3)}`,
      400,
      'BAD_REQUEST',
      'identifier may appear at most 1',
    ],
  ])('rejects %s', async (_what, query, status, code, mention) => {
    expectError(await searchPatients(t, query), status, code, mention);
  });

  it('needs its own interaction id and patient/*.read', async () => {
    const wrongId = await searchPatients(t, byNhs(NHS.patient2), {
      headers: { 'Ssp-InteractionID': 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1' },
    });
    expectError(wrongId, 400, 'BAD_REQUEST', 'Ssp-InteractionID');
    const { getFhir, FOUNDATIONS } = await import('../support/patient-search');
    const wrongScope = await getFhir(
      t,
      `/Patient?${byNhs(NHS.patient2)}`,
      FOUNDATIONS.search,
      'organization/*.read',
    );
    expectError(wrongScope, 400, 'BAD_REQUEST', 'patient/*.read');
  });

  it('audits the search with its terms and the number of matches', async () => {
    const audited = app();
    await searchPatients(audited, `${byNhs(NHS.patient2)}`);
    await searchPatients(audited, 'family=hug&birthdate=1948-09-30');
    await audited.audit.flushed();
    const [first, second] = audited.audit.requests;
    expect(first).toMatchObject({
      interaction: 'patientSearch',
      interactionId: 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1',
      nhsNumber: NHS.patient2,
      search: { terms: { identifier: [`${NHS_SYSTEM}|${NHS.patient2}`] }, matches: 1 },
      outcome: { status: 200 },
    });
    expect(second).toMatchObject({
      search: { terms: { family: ['hug'], birthdate: ['1948-09-30'] }, matches: 1 },
    });
  });
});

describe('Demographic search: family, given, birthdate', () => {
  const t = app();

  it.each([
    ['family prefix, any case', 'family=hUG', ['patient2']],
    ['the whole family name', 'family=Hughes', ['patient2']],
    ['given: the first given name', 'given=marg', ['patient2']],
    ['given: a later given name', 'given=Anne', ['patient2']],
    ['birthdate alone', 'birthdate=1948-09-30', ['patient2']],
    ['birthdate with eq', 'birthdate=eq1948-09-30', ['patient2']],
    ['birthdate range ge and le', 'birthdate=ge1948-01-01&birthdate=le1948-12-31', ['patient2']],
    ['family and birthdate', 'family=hughes&birthdate=1948-09-30', ['patient2']],
    ['family and given', 'family=h&given=m', ['patient2']],
    ['family, given and birthdate', 'family=hu&given=an&birthdate=1948-09-30', ['patient2']],
    ['identifier and family that agree', `${byNhs(NHS.patient2)}&family=hughes`, ['patient2']],
    ['identifier and family that disagree', `${byNhs(NHS.patient2)}&family=patel`, []],
    ['family and a birthdate that does not match', 'family=hughes&birthdate=1948-10-01', []],
    ['a family prefix that is not the start of the name', 'family=ughes', []],
    ['accents ignored in the data', 'family=angstrom&given=zoe', [ACCENTED.angstrom.patient.id]],
    ['accents ignored in the search', 'family=%C3%85NGSTR%C3%96M', [ACCENTED.angstrom.patient.id]],
    ['a hyphenated family name', 'family=nunez-gar', [ACCENTED.nunez.patient.id]],
    ['a second given name with accents', 'given=maria', [ACCENTED.nunez.patient.id]],
    ['a curly apostrophe matched by a straight one', "family=o'neill", [ACCENTED.oneill.patient.id]],
  ])('%s', async (_what, query, expected) => {
    expect(ids(await searchPatients(t, query))).toEqual(expected);
  });

  it.each([
    ['sensitive', 'family=thompson&given=grace'],
    ['deceased', 'family=cooper&given=alfie'],
    ['registration inactive', 'family=morris&given=leo'],
    ['NHS number not verified', 'family=adams&given=jack'],
    ['temporary registration', 'family=novak'],
  ])('leaves out a %s patient', async (_why, query) => {
    expect(ids(await searchPatients(t, query))).toEqual([]);
  });

  it('never returns the sensitive namesake of a patient it does return', async () => {
    expect(ids(await searchPatients(t, 'family=angstr&birthdate=1977-07-07'))).toEqual([
      ACCENTED.angstrom.patient.id,
    ]);
  });

  it('orders matches by family name, given name, birth date, then NHS number', async () => {
    const res = await searchPatients(t, 'family=crowther&birthdate=ge1960-01-01');
    const expected = CROWD.filter((d) => d.patient.birthDate >= '1960-01-01')
      .map((d) => d.patient)
      .sort(
        (a, b) => a.name.given[0].localeCompare(b.name.given[0]) || a.birthDate.localeCompare(b.birthDate),
      )
      .map((p) => p.id);
    expect(ids(res)).toEqual(expected);
    expect(expected).toEqual(['search-12', 'search-11', 'search-10', 'search-13', 'search-14']);
  });

  it('returns every match up to the maximum', async () => {
    expect(ids(await searchPatients(t, 'family=crowther&birthdate=ge1951-01-01'))).toHaveLength(6);
  });

  it('asks to narrow a search matching more than the maximum, rather than cutting the list', async () => {
    expectError(await searchPatients(t, 'family=crowther'), 422, 'TOO_MANY_MATCHES', 'More than 6', 'narrow');
  });

  it('asks to narrow a search matching more than _count', async () => {
    expectError(await searchPatients(t, 'family=crowther&_count=3'), 422, 'TOO_MANY_MATCHES', 'More than 3');
    expect(ids(await searchPatients(t, 'family=crowther&given=a&_count=2'))).toEqual([
      'search-12',
      'search-11',
    ]);
  });

  it.each([
    ['_count=0', 'family=crowther&_count=0', '_count'],
    ['_count above the maximum', 'family=crowther&_count=7', 'from 1 to 6'],
    ['_count not a number', 'family=crowther&_count=ten', '_count'],
    ['an unsupported date prefix', 'birthdate=gt1948-09-30', 'prefix "gt"'],
    ['a partial date', 'birthdate=1948', 'YYYY-MM-DD'],
    ['an impossible date', 'birthdate=1948-02-30', 'YYYY-MM-DD'],
    ['a family name of digits', 'family=123', 'family'],
    ['an empty given name', 'given=', 'given is empty'],
    ['a wildcard', 'family=h%25', 'family'],
    ['a name longer than 35 characters', `family=${'a'.repeat(36)}`, '35 characters'],
  ])('rejects %s with 422 INVALID_PARAMETER', async (_what, query, mention) => {
    expectError(await searchPatients(t, query), 422, 'INVALID_PARAMETER', mention);
  });

  it('rejects a third birthdate and a repeated family with 400', async () => {
    expectError(
      await searchPatients(t, 'birthdate=ge1940-01-01&birthdate=le1950-01-01&birthdate=1948-09-30'),
      400,
      'BAD_REQUEST',
      'birthdate',
    );
    expectError(await searchPatients(t, 'family=a&family=b'), 400, 'BAD_REQUEST', 'family');
  });
});

describe('The demographic search switch (PATIENT_DEMOGRAPHIC_SEARCH=false)', () => {
  const t = app({ PATIENT_DEMOGRAPHIC_SEARCH: 'false' });

  it('refuses family, given and birthdate with 403 and still finds by NHS number', async () => {
    for (const query of [
      'family=hughes',
      'given=margaret',
      'birthdate=1948-09-30',
      `${byNhs(NHS.patient2)}&family=hughes`,
    ]) {
      expectError(await searchPatients(t, query), 403, 'ACCESS DENIED', 'switched off');
    }
    expect(ids(await searchPatients(t, byNhs(NHS.patient2)))).toEqual(['patient2']);
  });

  it('leaves the demographic parameters out of the CapabilityStatement', async () => {
    const patient = (await getMetadata(t)).body.rest[0].resource.find(
      (r: { type: string }) => r.type === 'Patient',
    );
    expect(patient.searchParam.map((p: { name: string }) => p.name)).toEqual(['identifier', '_count']);
  });
});

describe('The CapabilityStatement', () => {
  it('lists the Foundations reads and the patient search with its parameters', async () => {
    const statement = (await getMetadata(app())).body as CapabilityStatement;
    const resources = statement.rest?.[0].resource ?? [];
    expect(resources.map((r) => [r.type, r.interaction.map((i) => i.code)])).toEqual([
      ['Patient', ['read', 'search-type']],
      ['Organization', ['read']],
      ['Practitioner', ['read']],
      ['Location', ['read']],
    ]);
    expect(resources[0].searchParam?.map((p) => p.name)).toEqual([
      'identifier',
      'family',
      'given',
      'birthdate',
      '_count',
    ]);
  });
});

describe('Practice scoping of the store', () => {
  it('finds nothing for another practice', async () => {
    expect(await repository.searchPatients('P99002', { nhsNumber: NHS.patient2 }, 5)).toEqual([]);
    expect(await repository.readPatient('P99002', 'patient2')).toBeUndefined();
    expect(await repository.readOrganisation('P99002', 'practice-p99001')).toBeUndefined();
    expect(
      (await repository.searchPatients('P99001', { nhsNumber: NHS.patient2 }, 5)).map((p) => p.id),
    ).toEqual(['patient2']);
  });
});
