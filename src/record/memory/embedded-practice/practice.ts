/** The embedded test practice: a realistic (fictional) GP surgery, its clinicians and sites. */
import type { Device, HealthcareService, Location, Organisation, Practice, Practitioner } from '../../model/people';

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
  {
    id: 'prac-clarke',
    name: { family: 'Clarke', given: ['Helen'], prefix: ['Mrs'] },
    gender: 'female',
    sdsUserId: 'G8512345',
    roles: [{ id: 'role-clarke', organisationId: PRACTICE.id, jobRole: { code: 'R0690', display: 'Practice Nurse' } }],
    version: '1',
  },
  {
    id: 'prac-hussain',
    name: { family: 'Hussain', given: ['Imran'], prefix: ['Mr'] },
    gender: 'male',
    sdsUserId: 'C4455667',
    roles: [{ id: 'role-hussain', organisationId: 'org-leeds-teaching', jobRole: { code: 'R0050', display: 'Consultant' } }],
    version: '1',
  },
];

/** Other organisations the records refer to (hospitals, the lab, the previous practice of a transferred patient). */
export const ORGANISATIONS: readonly Organisation[] = [
  {
    id: 'org-leeds-teaching',
    odsCode: 'RR8',
    name: 'Leeds Teaching Hospitals NHS Trust',
    address: { lines: ['St James University Hospital', 'Beckett Street'], city: 'Leeds', postcode: 'LS9 7TF' },
    version: '1',
  },
  {
    id: 'org-leeds-pathology',
    odsCode: 'RR8PA',
    name: 'Leeds Pathology',
    address: { lines: ['Old Medical School', 'Thoresby Place'], city: 'Leeds', postcode: 'LS1 3EX' },
    version: '1',
  },
  {
    id: 'org-previous-practice',
    odsCode: 'B86001',
    name: 'Hillside Surgery',
    address: { lines: ['3 Hill Top'], city: 'Bradford', postcode: 'BD1 1AA' },
    version: '1',
  },
];

/** Referral recipients the records refer to. */
export const HEALTHCARE_SERVICES: readonly HealthcareService[] = [
  { id: 'hs-cardiology', name: 'Cardiology Outpatients, St James University Hospital', providedByOrganisationId: 'org-leeds-teaching', version: '1' },
  { id: 'hs-physiotherapy', name: 'Community Physiotherapy, Leeds', providedByOrganisationId: 'org-leeds-teaching', version: '1' },
];

/** The practice's clinical system, requester of system-generated recalls. */
export const DEVICES: readonly Device[] = [
  { id: 'device-gp-system', name: 'GP clinical system', manufacturer: 'gpconnect-structured', softwareVersion: '0.1.0', version: '1' },
];

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
