/** The embedded test practice, resolved against `today` so relative dates never go stale. */
import type { CalendarDate } from '../../../fhir/dates';
import type { PracticeDataset } from '../../dataset';
import type { PatientClinicalRecord } from '../../model';
import { testPatients } from './patients';
import { DEVICES, HEALTHCARE_SERVICES, LOCATIONS, ORGANISATIONS, PRACTICE, PRACTITIONERS } from './practice';
import { record as patient1 } from './records/patient1';
import { record as patient2 } from './records/patient2';
import { record as patient3 } from './records/patient3';
import { record as patient4 } from './records/patient4';
import { record as patient5 } from './records/patient5';
import { record as patient6 } from './records/patient6';
import { record as patient7 } from './records/patient7';
import { record as patient8 } from './records/patient8';
import { record as patient9 } from './records/patient9';
import { record as patient10 } from './records/patient10';
import { record as patient11 } from './records/patient11';
import { record as patient12 } from './records/patient12';
import { record as patient13 } from './records/patient13';
import { record as patient14 } from './records/patient14';
import { record as patient15 } from './records/patient15';
import { record as patient16 } from './records/patient16';
import { record as patient17 } from './records/patient17';
import { record as patient18 } from './records/patient18';
import { record as patientNoAppointments } from './records/patientNoAppointments';
import { record as patient21 } from './records/patient21';
import { record as risk1 } from './records/risk1';
import { record as large1 } from './records/large1';
import { record as temporary1 } from './records/temporary1';
import { record as nogap1 } from './records/nogap1';

/** Each patient's clinical record, by patient id (records/<id>.ts). */
const RECORDS: Readonly<Record<string, (today: CalendarDate) => PatientClinicalRecord>> = {
  patient1,
  patient2,
  patient3,
  patient4,
  patient5,
  patient6,
  patient7,
  patient8,
  patient9,
  patient10,
  patient11,
  patient12,
  patient13,
  patient14,
  patient15,
  patient16,
  patient17,
  patient18,
  patientNoAppointments,
  patient21,
  risk1,
  large1,
  temporary1,
  nogap1,
};

export function testPractice(today: CalendarDate): PracticeDataset {
  return {
    practice: PRACTICE,
    practitioners: PRACTITIONERS,
    organisations: ORGANISATIONS,
    locations: LOCATIONS,
    healthcareServices: HEALTHCARE_SERVICES,
    devices: DEVICES,
    patients: testPatients(today).map((patient) => {
      const record = RECORDS[patient.id];
      if (!record) throw new Error(`no clinical record module for ${patient.id}`);
      return { patient, record: record(today) };
    }),
  };
}
