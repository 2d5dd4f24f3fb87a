/**
 * Writes the embedded practices (data/practices/P99001.jsonl, P99002.jsonl, P99003.jsonl) in the
 * practice file format. Run once when the test data changes:
 *
 *   npx ts-node --transpile-only tools/embedded-practices.ts
 *
 * P99001 is the acceptance suite's test practice (examples/practice). P99002 is a small second
 * practice with its own patients, its own ASID and the medication area switched off; it still holds
 * the record of patient3, who has since moved to P99001 (registration inactive here, so only P99001
 * serves them). P99003 has Access Record: Structured switched off. Dates are written relative to
 * ANCHOR (the header's datesRelativeTo); readers shift them to their own today.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testPractice } from '../examples/practice';
import type { CalendarDate } from '../src/fhir/dates';
import { headerOf, patientLine } from '../src/format/practice-file';
import type { PatientData, PracticeDataset } from '../src/record/dataset';
import type { PracticeSettings } from '../src/record/practices';

const ANCHOR = '2026-11-21' as CalendarDate;
const OUT = join(__dirname, '..', 'data', 'practices');

const on = (asid: string, extra: Partial<PracticeSettings> = {}): PracticeSettings => ({
  asid,
  gpConnectEnabled: true,
  structuredEnabled: true,
  disabledAreas: [],
  documentsDisabled: false,
  ...extra,
});

function write(dataset: PracticeDataset, settings: PracticeSettings): void {
  const lines = [JSON.stringify(headerOf(dataset, settings, ANCHOR)), ...dataset.patients.map(patientLine)];
  const file = join(OUT, `${dataset.practice.odsCode}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  process.stdout.write(`${file}: ${dataset.patients.length} patients\n`);
}

/** A P99001 record made another practice's own: ids re-prefixed, its clinicians swapped for `staff`. */
function adopt<T>(value: T, idPrefix: string, newPrefix: string, staff: Record<string, string>): T {
  let text = JSON.stringify(value).replaceAll(`"${idPrefix}`, `"${newPrefix}`);
  for (const [from, to] of Object.entries(staff)) text = text.replaceAll(`"${from}"`, `"${to}"`);
  return JSON.parse(text) as T;
}

const p99001 = testPractice(ANCHOR);
const patient = (id: string): PatientData => {
  const found = p99001.patients.find((p) => p.patient.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

write(p99001, on('200000000116'));

// ---- P99002 -----------------------------------------------------------------------------------
const staff2 = { 'prac-sharma': 'prac-ahmed', 'prac-okafor': 'prac-moore', 'prac-clarke': 'prac-ahmed', 'practice-p99001': 'practice-p99002', 'loc-riverside-main': 'loc-canal-street' };
const practice2 = {
  id: 'practice-p99002',
  odsCode: 'P99002',
  name: 'Canal Street Surgery',
  address: { lines: ['40 Canal Street'], city: 'Leeds', district: 'West Yorkshire', postcode: 'LS12 2AB' },
  telecom: [{ system: 'phone' as const, value: '0113 496 0456', use: 'work' as const }],
  version: '1',
};
const gmp = { code: 'R0260', display: 'General Medical Practitioner' };
const p2 = adopt(patient('patient5'), 'p5-', 'cs1-', staff2);
const n2 = adopt(patient('nogap1'), 'ng1-', 'cs2-', staff2);
write(
  {
    practice: practice2,
    practitioners: [
      { id: 'prac-ahmed', name: { family: 'Ahmed', given: ['Sara'], prefix: ['Dr'] }, gender: 'female', sdsUserId: 'G8912345', roles: [{ id: 'role-ahmed', organisationId: practice2.id, jobRole: gmp }], version: '1' },
      { id: 'prac-moore', name: { family: 'Moore', given: ['David'], prefix: ['Dr'] }, gender: 'male', sdsUserId: 'G8923456', roles: [{ id: 'role-moore', organisationId: practice2.id, jobRole: gmp }], version: '1' },
    ],
    organisations: [],
    locations: [{ id: 'loc-canal-street', name: 'Canal Street Surgery', odsSiteCode: 'P99002', address: practice2.address, managingOrganisationId: practice2.id, version: '1' }],
    healthcareServices: [],
    devices: [],
    patients: [
      { patient: { ...p2.patient, id: 'cs-patient1', nhsNumber: '9690941003', name: { family: 'Baker', given: ['Lucy'], prefix: ['Mrs'] }, usualGpId: 'prac-ahmed' }, record: p2.record },
      { patient: { ...n2.patient, id: 'cs-patient2', nhsNumber: '9690941011', name: { family: 'Carter', given: ['Noah'], prefix: ['Mr'] }, usualGpId: 'prac-moore' }, record: n2.record },
      {
        // patient3 before they moved to P99001: the old registration has ended.
        patient: {
          ...adopt(patient('patient3').patient, 'p3-', 'cs3-', staff2),
          id: 'cs-patient3',
          registration: { type: 'R', status: 'inactive', startDate: '2001-05-01' as CalendarDate, endDate: '2004-02-28' as CalendarDate },
        },
        record: {},
      },
    ],
  },
  on('200000000216', { disabledAreas: ['medication'] }),
);

// ---- P99003 -----------------------------------------------------------------------------------
const staff3 = { 'prac-sharma': 'prac-young', 'prac-okafor': 'prac-young', 'prac-clarke': 'prac-young', 'practice-p99001': 'practice-p99003', 'loc-riverside-main': 'loc-moor-lane' };
const practice3 = { id: 'practice-p99003', odsCode: 'P99003', name: 'Moor Lane Health Centre', address: { lines: ['1 Moor Lane'], city: 'Leeds', postcode: 'LS6 1AA' }, version: '1' };
const p3 = adopt(patient('patient5'), 'p5-', 'ml1-', staff3);
write(
  {
    practice: practice3,
    practitioners: [{ id: 'prac-young', name: { family: 'Young', given: ['Emma'], prefix: ['Dr'] }, gender: 'female', sdsUserId: 'G8934567', roles: [{ id: 'role-young', organisationId: practice3.id, jobRole: gmp }], version: '1' }],
    organisations: [],
    locations: [{ id: 'loc-moor-lane', name: 'Moor Lane Health Centre', odsSiteCode: 'P99003', address: practice3.address, managingOrganisationId: practice3.id, version: '1' }],
    healthcareServices: [],
    devices: [],
    patients: [{ patient: { ...p3.patient, id: 'ml-patient1', nhsNumber: '9690941038', name: { family: 'Price', given: ['Alice'], prefix: ['Ms'] }, usualGpId: 'prac-young' }, record: p3.record }],
  },
  on('200000000316', { structuredEnabled: false }),
);
