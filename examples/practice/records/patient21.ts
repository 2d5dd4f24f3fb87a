import type { CalendarDate } from '../../../src/fhir/dates';
import type { PatientClinicalRecord } from '../../../src/record/model';

/** patient21: clinical record (to be authored). */
export function record(_today: CalendarDate): PatientClinicalRecord {
  return {};
}
