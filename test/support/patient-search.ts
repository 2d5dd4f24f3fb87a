/** The embedded practice plus patients for the patient search tests: accented names and a crowd. */
import request from 'supertest';

import type { CalendarDate } from '../../src/fhir/dates';
import type { PatientData, PracticeDataset } from '../../src/record/dataset';
import { testPractice } from '../../src/record/memory/memory-practices';
import type { Patient } from '../../src/record/model/people';
import { type SendOptions, spineHeaders, type TestApp, TODAY } from './app';

export const FOUNDATIONS = {
  search: 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1',
  readPatient: 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1',
  readOrganization: 'urn:nhs:names:services:gpconnect:fhir:rest:read:organization-1',
  readPractitioner: 'urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1',
  readLocation: 'urn:nhs:names:services:gpconnect:fhir:rest:read:location-1',
} as const;

/** A valid NHS number from nine digits (Modulus 11), skipping bases whose check digit would be 10. */
function nhsNumber(base: number): string {
  for (let b = base; ; b++) {
    const digits = String(b).padStart(9, '0');
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check !== 10) return `${digits}${check === 11 ? 0 : check}`;
  }
}

function extra(
  i: number,
  family: string,
  given: string[],
  birthDate: string,
  changes: Partial<Patient> = {},
): PatientData {
  const patient: Patient = {
    id: `search-${i}`,
    nhsNumber: nhsNumber(700000000 + i * 17),
    nhsNumberStatus: '01',
    name: { family, given },
    gender: 'unknown',
    birthDate: birthDate as CalendarDate,
    registration: { type: 'R', status: 'active', startDate: '2010-01-01' as CalendarDate },
    sensitive: false,
    sharingConsent: 'consented',
    version: '1',
    ...changes,
  };
  return { patient, record: {} };
}

/** Seven Crowthers (one more than the tests' maximum of 6), ordered by given name then birth date. */
export const CROWD = [
  extra(10, 'Crowther', ['Bella'], '1990-01-01'),
  extra(11, 'Crowther', ['Adam'], '1985-05-05'),
  extra(12, 'crowther', ['Adam'], '1970-03-03'),
  extra(13, 'Crowther', ['Carl'], '2000-12-12'),
  extra(14, 'Crowther', ['Dora'], '1960-06-06'),
  extra(15, 'Crowther', ['Eve'], '1955-05-05'),
  extra(16, 'Crowther', ['Fay'], '1950-05-05'),
];

export const ACCENTED = {
  angstrom: extra(1, 'Ångström', ['Zoë'], '1977-07-07'),
  nunez: extra(2, 'Núñez-García', ['José', 'María'], '1982-02-02'),
  oneill: extra(3, 'O\u2019Neill', ['Siobhán'], '1991-09-09'),
  /** A sensitive Ångström: never found. */
  hidden: extra(4, 'Ångström', ['Zoë'], '1977-07-07', { sensitive: true }),
};

export function searchPractice(): PracticeDataset {
  const base = testPractice(TODAY as CalendarDate);
  return { ...base, patients: [...base.patients, ...Object.values(ACCENTED), ...CROWD] };
}

/** GET under the FHIR base with valid Spine headers for `interaction` and `scope`. */
export function getFhir(
  t: TestApp,
  path: string,
  interaction: string,
  scope: string,
  options: SendOptions = {},
): request.Test {
  return request(t.app)
    .get(`${t.config.basePath.replace('{ods}', options.ods ?? 'P99001')}${path}`)
    .set(spineHeaders(t, interaction, scope, options));
}

export function searchPatients(t: TestApp, query: string, options: SendOptions = {}): request.Test {
  return getFhir(t, `/Patient?${query}`, FOUNDATIONS.search, 'patient/*.read', options);
}

export const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export function byNhs(nhs: string): string {
  return `identifier=${encodeURIComponent(`${NHS_SYSTEM}|${nhs}`)}`;
}
