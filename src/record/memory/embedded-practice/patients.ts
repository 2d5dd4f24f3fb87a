/**
 * The patients of the embedded test practice, at the NHS numbers of the GP Connect provider
 * acceptance suite (docs/spec-notes.md "Provider test pack — test patients"), plus our own. Dates that must
 * move with the calendar are computed from `today`, so the data never goes stale.
 */
import { addDays, type CalendarDate } from '../../../fhir/dates';
import type { Patient } from '../../model/people';

type PatientOverrides = Partial<Patient> & Pick<Patient, 'id' | 'nhsNumber' | 'name' | 'gender' | 'birthDate'>;

function registered(overrides: PatientOverrides): Patient {
  return {
    nhsNumberStatus: '01',
    registration: { type: 'R', status: 'active', startDate: '2004-03-01' as CalendarDate },
    sensitive: false,
    sharingConsent: 'consented',
    usualGpId: 'prac-sharma',
    version: '1',
    address: { lines: ['4 Mill Lane'], city: 'Leeds', postcode: 'LS2 7QR' },
    ...overrides,
  };
}

const d = (iso: string) => iso as CalendarDate;

export function testPatients(today: CalendarDate): Patient[] {
  return [
    registered({ id: 'patient1', nhsNumber: '9690937278', name: { family: 'Kelly', given: ['Robert'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1956-04-12') }),
    registered({ id: 'patient2', nhsNumber: '9690937286', name: { family: 'Hughes', given: ['Margaret', 'Anne'], prefix: ['Mrs'] }, gender: 'female', birthDate: d('1948-09-30') }),
    registered({ id: 'patient3', nhsNumber: '9690937294', name: { family: 'Patel', given: ['Arjun'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1971-01-17'), usualGpId: 'prac-okafor' }),
    registered({ id: 'patient4', nhsNumber: '9690937308', name: { family: 'Evans', given: ['Sophie'], prefix: ['Ms'] }, gender: 'female', birthDate: d('1990-06-05') }),
    registered({ id: 'patient5', nhsNumber: '9690937375', name: { family: 'Wright', given: ['Daniel'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1983-11-22') }),
    registered({ id: 'patient6', nhsNumber: '9690937383', name: { family: 'Lewis', given: ['Chloe'], prefix: ['Miss'] }, gender: 'female', birthDate: d('2001-02-14') }),
    registered({ id: 'patient7', nhsNumber: '9690937391', name: { family: 'Walker', given: ['George'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1967-08-03') }),
    registered({ id: 'patient8', nhsNumber: '9690937405', name: { family: 'Robinson', given: ['Amelia'], prefix: ['Mrs'] }, gender: 'female', birthDate: d('1979-12-09') }),
    registered({ id: 'patient9', nhsNumber: '9690938533', name: { family: 'Thompson', given: ['Grace'], prefix: ['Ms'] }, gender: 'female', birthDate: d('1988-03-27'), sensitive: true }),
    registered({ id: 'patient10', nhsNumber: '9690938541', name: { family: 'White', given: ['Oliver'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1975-05-19'), sensitive: true }),
    registered({ id: 'patient11', nhsNumber: '9690938622', name: { family: 'Hall', given: ['Isla'], prefix: ['Mrs'] }, gender: 'female', birthDate: d('1962-10-01') }),
    registered({ id: 'patient12', nhsNumber: '9690938614', name: { family: 'Green', given: ['Harry'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1959-07-08') }),
    registered({
      id: 'patient13', nhsNumber: '9690938096', name: { family: 'Baker', given: ['Emily'], prefix: ['Ms'] }, gender: 'female', birthDate: d('1994-04-30'),
      registration: { type: 'R', status: 'active', startDate: addDays(today, -20) },
      recordInTransit: { registeredOn: addDays(today, -20) },
    }),
    registered({ id: 'patient14', nhsNumber: '9476718943', name: { family: 'Adams', given: ['Jack'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1999-09-09'), nhsNumberStatus: '04' }),
    registered({ id: 'patient15', nhsNumber: '9690938576', name: { family: 'Clarke', given: ['Ruby'], prefix: ['Miss'] }, gender: 'female', birthDate: d('1996-01-25'), sharingConsent: 'dissented' }),
    registered({ id: 'patient16', nhsNumber: '9690938118', name: { family: 'Mitchell', given: ['Lily'], prefix: ['Mrs'] }, gender: 'female', birthDate: d('1970-12-12') }),
    registered({ id: 'patient17', nhsNumber: '9690938126', name: { family: 'Turner', given: ['Noah'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1985-06-16') }),
    registered({ id: 'patient18', nhsNumber: '9690938681', name: { family: 'Cooper', given: ['Alfie'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1940-02-17'), deceasedDate: d('2024-02-17') }),
    registered({ id: 'patientNoAppointments', nhsNumber: '9690938134', name: { family: 'Ward', given: ['Freya'], prefix: ['Ms'] }, gender: 'female', birthDate: d('1992-08-21') }),
    registered({
      id: 'patient21', nhsNumber: '9690938142', name: { family: 'Morris', given: ['Leo'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1977-03-03'),
      registration: { type: 'R', status: 'inactive', startDate: d('2010-05-01'), endDate: d('2023-09-30') },
    }),
    // Our own patients (issue 3): the clinical-risk record, a large record, a temporary resident.
    registered({ id: 'risk1', nhsNumber: '9690939009', name: { family: 'Fletcher', given: ['Dorothy'], prefix: ['Mrs'] }, gender: 'female', birthDate: d('1944-05-06') }),
    registered({ id: 'large1', nhsNumber: '9690939017', name: { family: 'Pearson', given: ['William'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1952-11-11'), usualGpId: 'prac-okafor' }),
    registered({ id: 'nogap1', nhsNumber: '9690939033', name: { family: 'Barnes', given: ['Peter'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1961-07-19') }),
    registered({
      id: 'temporary1', nhsNumber: '9690939025', name: { family: 'Novak', given: ['Marek'], prefix: ['Mr'] }, gender: 'male', birthDate: d('1980-04-04'),
      registration: { type: 'T', status: 'active', startDate: addDays(today, -10) },
    }),
  ];
}
