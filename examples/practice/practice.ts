/** The embedded test practice: a realistic (fictional) GP surgery, its clinicians and sites. */
import type { Location, Organisation, Practice, Practitioner } from '../../src/record/people';

export const PRACTICE: Practice = {
  id: 'practice-p99001',
  odsCode: 'P99001',
  name: 'Riverside Medical Practice',
  address: { lines: ['12 Riverside Road'], city: 'Leeds', district: 'West Yorkshire', postcode: 'LS1 4AP' },
  telecom: [{ system: 'phone', value: '0113 496 0123', use: 'work' }],
  version: '1',
};

const GMP = { code: 'R0260', display: 'General Medical Practitioner' } as const;

export const PRACTITIONERS: readonly Practitioner[] = [
  {
    id: 'prac-sharma',
    name: { family: 'Sharma', given: ['Priya'], prefix: ['Dr'] },
    gender: 'female',
    sdsUserId: 'G8133438',
    roles: [{ id: 'role-sharma', organisationId: PRACTICE.id, jobRole: GMP }],
    version: '1',
  },
  {
    id: 'prac-okafor',
    name: { family: 'Okafor', given: ['Thomas'], prefix: ['Dr'] },
    gender: 'male',
    sdsUserId: 'G8650149',
    roles: [{ id: 'role-okafor', organisationId: PRACTICE.id, jobRole: GMP }],
    version: '1',
  },
];

/** Other organisations the records refer to (hospitals, the previous practice of a transferred patient). */
export const ORGANISATIONS: readonly Organisation[] = [];

export const LOCATIONS: readonly Location[] = [
  {
    id: 'loc-riverside-main',
    name: 'Riverside Medical Practice, main surgery',
    odsSiteCode: 'P99001',
    address: PRACTICE.address,
    managingOrganisationId: PRACTICE.id,
    version: '1',
  },
];
